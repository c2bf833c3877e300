import { describe, expect, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { send, signIn, SITE, testEnv } from '../helpers/harness'

const e = testEnv({ PUBLIC_PATHS: 'GET /assets/*, /healthz' })
const req = (path: string, init: RequestInit = {}) =>
  new Request(`${SITE}${path}`, {
    ...init,
    headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
  })

describe('public paths', () => {
  it('reach the origin without sign-in, with spoofed identity headers removed', async () => {
    const res = await send(
      req('/assets/%61pp.js?v=1', {
        headers: {
          'X-Auth-Request-User': 'admin',
          x_forwarded_user: 'admin',
          'X-Forwarded-Email': 'a@b',
        },
      }),
      e
    )
    expect(res.status).toBe(200)
    const echo = (await res.json()) as EchoedRequest
    // The canonical path is the one forwarded.
    expect(echo.path).toBe('/assets/app.js')
    expect(echo.query).toEqual({ v: ['1'] })
    const names = Object.keys(echo.headers).map((n) => n.replace(/_/g, '-'))
    expect(
      names.filter(
        (n) =>
          n.startsWith('x-auth-request-') ||
          n.startsWith('x-forwarded-user') ||
          n === 'x-forwarded-email'
      )
    ).toEqual([])
  })

  it.each(['/assets/../admin', '/assets/..%2Fadmin', '/assets//x', '/assetsX', '/ASSETS/a.js'])(
    'does not open %s',
    async (path) => {
      expect((await send(req(path), e)).status).toBe(401)
    }
  )

  it('honours the method list', async () => {
    expect((await send(req('/assets/a.js', { method: 'HEAD' }), e)).status).toBe(200)
    expect((await send(req('/assets/a.js', { method: 'POST', body: 'x' }), e)).status).toBe(401)
    expect((await send(req('/healthz', { method: 'POST', body: 'x' }), e)).status).toBe(200)
  })

  it('does not forward the identity of a signed-in user on a public path', async () => {
    const { cookie } = await signIn('/', 'pat', e)
    const res = await send(req('/healthz', { headers: { cookie } }), e)
    const echo = (await res.json()) as EchoedRequest
    expect(echo.headers['x-auth-request-user']).toBeUndefined()
    expect(echo.headers.cookie).toBeUndefined()
  })

  it('refuses a bad PUBLIC_PATHS setting at start', async () => {
    const res = await send(req('/x'), testEnv({ PUBLIC_PATHS: 'GET /a b' }))
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({
      problems: ['PUBLIC_PATHS entry 1 must be "[METHODS] /path"'],
    })
  })
})

describe('CORS preflights', () => {
  const preflight = () =>
    req('/api/items', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    })

  it('get 401 by default', async () => {
    expect((await send(preflight(), e)).status).toBe(401)
  })

  it('reach the origin with ALLOW_CORS_PREFLIGHT=true', async () => {
    const res = await send(preflight(), testEnv({ ALLOW_CORS_PREFLIGHT: 'true' }))
    expect(res.status).toBe(200)
    expect(((await res.json()) as EchoedRequest).method).toBe('OPTIONS')
  })

  it('do not open other OPTIONS requests', async () => {
    const plain = req('/api/items', { method: 'OPTIONS' })
    expect((await send(plain, testEnv({ ALLOW_CORS_PREFLIGHT: 'true' }))).status).toBe(401)
  })
})

describe('lone percent signs', () => {
  it.each(['/assets/%2%65%2%65/admin', '/assets/%%32%65%%32%65/admin', '/assets/.%2%65/admin?x=1'])(
    'cannot turn %s into a path outside the public folder',
    async (path) => {
      const res = await send(req(path), e)
      if (res.status === 200) {
        const echo = (await res.json()) as EchoedRequest
        expect(echo.path.startsWith('/assets/')).toBe(true)
        expect(echo.path).not.toContain('admin/..')
        expect(echo.path).not.toMatch(/^\/admin/)
      } else {
        expect(res.status).toBe(401)
      }
    }
  )

  it('cannot escape the origin base path for a signed-in user', async () => {
    const { cookie } = await signIn('/', 'base', e)
    const base = testEnv({ ORIGIN_URL: `${e.ORIGIN_URL}/app/` })
    const res = await send(req('/%2%65%2%65/internal', { headers: { cookie } }), base)
    if (res.status === 200) {
      expect(((await res.json()) as EchoedRequest).path.startsWith('/app/')).toBe(true)
    } else {
      expect(res.status).toBe(400)
    }
  })
})

describe('a CORS preflight', () => {
  it('goes on without its body and only with a method token', async () => {
    const allow = testEnv({ ALLOW_CORS_PREFLIGHT: 'true' })
    const withBody = await send(
      req('/admin/delete-all', {
        method: 'OPTIONS',
        headers: {
          'access-control-request-method': 'DELETE',
          'x-http-method-override': 'POST',
          'content-type': 'text/plain',
        },
        body: 'confirm=yes',
      }),
      allow
    )
    expect(withBody.status).toBe(200)
    const echo = (await withBody.json()) as EchoedRequest
    expect(echo.bodyBytes).toBe(0)
    expect(echo.headers['x-http-method-override']).toBeUndefined()
    const empty = await send(
      req('/admin', { method: 'OPTIONS', headers: { 'access-control-request-method': '' } }),
      allow
    )
    expect(empty.status).toBe(401)
  })
})
