import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { createApp } from '../../src/app'
import { send, sendTo, SITE, testEnv } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'

// The origin is faked by the injected fetch (provider calls go to the real provider): it answers
// with the caching headers a test chooses and records how it was fetched.
const ORIGIN = 'http://127.0.0.1:1'
interface Seen {
  url: string
  cache: RequestInit['cache']
}
function cachingOrigin(headers: Record<string, string>) {
  const seen: Seen[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(ORIGIN)) return fetch(input, init)
    seen.push({ url, cache: init?.cache })
    return new Response('page', { status: 200, headers })
  }
  return { fetchImpl, seen }
}

const CACHEABLE = {
  'cache-control': 'public, max-age=3600, s-maxage=86400',
  'cdn-cache-control': 'max-age=86400',
  'last-modified': 'Tue, 01 Dec 2026 00:00:00 GMT',
}

describe('caching of what the origin answers', () => {
  it('fetches a signed-in request past the shared cache and answers it private', async () => {
    const origin = cachingOrigin(CACHEABLE)
    const w = world({ ORIGIN_URL: ORIGIN }, origin.fetchImpl)
    const { cookie } = await w.signIn('cara')
    const res = await w.send(api(cookie, '/report.pdf'))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(res.headers.get('cdn-cache-control')).toBeNull()
    expect(res.headers.get('last-modified')).toBe(CACHEABLE['last-modified'])
    expect(await res.text()).toBe('page')
    expect(origin.seen.at(-1)).toEqual({ url: `${ORIGIN}/report.pdf`, cache: 'no-store' })
  })

  it('marks a signed-in answer without Cache-Control private, and keeps no-store', async () => {
    for (const [headers, expected] of [
      [{}, 'private'],
      [{ 'cache-control': 'no-store' }, 'no-store'],
      [{ 'cache-control': 'public, no-cache' }, 'private, no-cache'],
    ] as const) {
      const origin = cachingOrigin(headers)
      const w = world({ ORIGIN_URL: ORIGIN }, origin.fetchImpl)
      const { cookie } = await w.signIn('cara')
      const res = await w.send(api(cookie, '/x.jpg'))
      expect(res.headers.get('cache-control')).toBe(expected)
    }
  })

  it('does the same for a Bearer request', async () => {
    const origin = cachingOrigin(CACHEABLE)
    const w = world({ ORIGIN_URL: ORIGIN }, origin.fetchImpl)
    const { cookie } = await w.signIn('bea')
    const token = (await record(cookie))!.tokens.accessToken
    const res = await w.send(api('', '/data.json', { authorization: `Bearer ${token}` }))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(origin.seen.at(-1)!.cache).toBe('no-store')
  })

  it('keeps the origin caching of a public path, fetched through the cache as usual', async () => {
    const origin = cachingOrigin(CACHEABLE)
    const app = createApp({ fetch: origin.fetchImpl })
    const e = testEnv({ ORIGIN_URL: ORIGIN, PUBLIC_PATHS: 'GET /assets/*' })
    const res = await sendTo(app, new Request(`${SITE}/assets/app.js`), e)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe(CACHEABLE['cache-control'])
    expect(res.headers.get('cdn-cache-control')).toBe(CACHEABLE['cdn-cache-control'])
    expect(origin.seen).toEqual([{ url: `${ORIGIN}/assets/app.js`, cache: undefined }])
  })

  it('works against a real origin with workerd fetch(cache: no-store)', async () => {
    const w = world()
    const { cookie } = await w.signIn('nora')
    const res = await w.send(api(cookie, '/file.pdf'))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private')
    const echo = (await res.json()) as EchoedRequest
    expect(echo.headers['x-auth-request-user']).toBe('nora')
    // workerd took the option: it asks caches on the way to step aside with these two.
    expect(echo.headers['cache-control']).toBe('no-cache')
    expect(echo.headers.pragma).toBe('no-cache')
    // And a public path through the same real origin, for contrast.
    const pub = await send(
      new Request(`${SITE}/healthz`, { headers: { accept: 'application/json' } }),
      testEnv({ PUBLIC_PATHS: '/healthz' })
    )
    expect(pub.headers.get('cache-control')).toBeNull()
  })
})

describe('a signed-in WebSocket', () => {
  const handshake = (headers: Record<string, string> = {}) =>
    new Request(`${SITE}/socket`, {
      headers: { upgrade: 'websocket', 'sec-websocket-version': '13', ...headers },
    })

  /** The socket's messages, in order, as they come. */
  function messages(ws: WebSocket) {
    const queue: string[] = []
    const waiting: ((m: string) => void)[] = []
    ws.addEventListener('message', (event) => {
      const m = String(event.data)
      const next = waiting.shift()
      if (next) next(m)
      else queue.push(m)
    })
    return () =>
      new Promise<string>((resolve) => {
        const m = queue.shift()
        if (m !== undefined) resolve(m)
        else waiting.push(resolve)
      })
  }

  it("goes through with the identity and the assertion, without the proxy's cookies, and frames flow both ways", async () => {
    const w = world({ ORIGIN_URL: inject('wsOriginUrl') })
    const { cookie } = await w.signIn('wendy')
    const res = await w.send(handshake({ cookie: `theirs=1; ${cookie}` }))
    expect(res.status).toBe(101)
    const ws = res.webSocket!
    const next = messages(ws)
    ws.accept()
    expect(JSON.parse(await next())).toEqual({ user: 'wendy', assertion: true, cookie: 'theirs=1' })
    ws.send('ping 1')
    expect(await next()).toBe('echo:ping 1')
    ws.send('ping 2')
    expect(await next()).toBe('echo:ping 2')
    ws.close()
  })

  it("is let in from the site's own pages and from a listed origin", async () => {
    const w = world({
      ORIGIN_URL: inject('wsOriginUrl'),
      WEBSOCKET_ALLOWED_ORIGINS: 'https://admin.example.org',
    })
    const { cookie } = await w.signIn('wendy')
    for (const origin of [new URL(SITE).origin, 'https://admin.example.org']) {
      const res = await w.send(handshake({ cookie, origin }))
      expect(res.status).toBe(101)
      res.webSocket!.accept()
      res.webSocket!.close()
    }
  })

  it('gets 403 with a cross-site Origin, even with a valid cookie, and the origin sees nothing', async () => {
    const w = world({ ORIGIN_URL: inject('wsOriginUrl') })
    const { cookie } = await w.signIn('wendy')
    const sibling = `${new URL(SITE).protocol}//evil.${new URL(SITE).host}`
    for (const origin of ['https://evil.example', sibling, 'null']) {
      const res = await w.send(handshake({ cookie, origin, accept: 'text/html' }))
      expect(res.status).toBe(403)
      expect(res.webSocket).toBeNull()
      expect(await res.json()).toMatchObject({ error: 'cross_site_request' })
    }
  })

  it('without a session gets 401 whatever its Accept (never a redirect no client follows)', async () => {
    const w = world({ ORIGIN_URL: inject('wsOriginUrl') })
    for (const accept of ['text/html,application/xhtml+xml', '*/*', undefined]) {
      const res = await w.send(
        handshake({ ...(accept && { accept }), 'sec-fetch-mode': 'websocket' })
      )
      expect(res.status).toBe(401)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /)
      expect(await res.json()).toMatchObject({ error: 'unauthenticated' })
    }
  })

  it('refuses a WEBSOCKET_ALLOWED_ORIGINS entry that is not an origin', async () => {
    const w = world({ WEBSOCKET_ALLOWED_ORIGINS: 'https://ok.example, https://x.example/path' })
    const res = await w.send(new Request(`${SITE}/`, { headers: { accept: 'application/json' } }))
    expect(res.status).toBe(500)
    expect(JSON.stringify(await res.json())).toContain('WEBSOCKET_ALLOWED_ORIGINS entry 2')
  })
})
