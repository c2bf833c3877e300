import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import {
  brokenKv,
  callbackRequest,
  loginAtProvider,
  startSignIn,
  COOKIE_SECRET,
  navigation,
  send,
  signIn,
  SITE,
  testEnv,
} from '../helpers/harness'
import { serializeSessionCookie } from '../../src/session/cookie'
import { randomId } from '../../src/utils/crypto'

const api = (path: string, init: RequestInit = {}) =>
  new Request(new URL(path, SITE), {
    ...init,
    headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
  })

describe('requests without a session', () => {
  it('answers an API call with 401 JSON and a login_url, never a redirect', async () => {
    const res = await send(api('/api/items?page=2'))
    expect(res.status).toBe(401)
    expect(res.headers.get('location')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toMatchObject({
      error: 'unauthenticated',
      login_url: '/_auth/login?rd=%2Fapi%2Fitems%3Fpage%3D2',
    })
  })

  it('challenges every 401 with WWW-Authenticate (RFC 9110 15.5.2)', async () => {
    const res = await send(api('/api/items'))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="proxy.test"')
    const bearer = await send(
      api('/api', { headers: { authorization: 'Bearer not-a-real-token' } })
    )
    expect(bearer.status).toBe(401)
    expect(bearer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it('answers a POST with 401 even when it accepts HTML: a page that offers to sign in', async () => {
    const res = await send(
      new Request(`${SITE}/form?x=1`, {
        method: 'POST',
        headers: { accept: 'text/html' },
        body: 'a=1',
      })
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="proxy.test"')
    const body = await res.text()
    expect(body).toContain('<h1>Sign-in required</h1>')
    expect(body).toContain('href="/_auth/login?rd=%2Fform%3Fx%3D1">Sign in</a>')
  })

  it("sends the browser's languages to the provider as ui_locales", async () => {
    const res = await send(
      navigation('/page', { headers: { 'accept-language': 'zh-CN,en;q=0.5' } })
    )
    const authorize = new URL(res.headers.get('location')!)
    expect(authorize.searchParams.get('ui_locales')).toBe('zh-CN en')
    expect(authorize.searchParams.get('prompt')).toBeNull()
  })

  it('asks the provider to sign in again for "use another account", and refuses other prompts', async () => {
    const res = await send(navigation('/_auth/login?rd=%2Fx&prompt=login'))
    expect(res.status).toBe(302)
    expect(new URL(res.headers.get('location')!).searchParams.get('prompt')).toBe('login')
    const bad = await send(navigation('/_auth/login?rd=%2Fx&prompt=none'))
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('<code>invalid_request</code>')
    expect(bad.headers.getSetCookie()).toEqual([])
  })

  it('redirects a HEAD navigation to sign in', async () => {
    const res = await send(navigation('/page', { method: 'HEAD' }))
    expect(res.status).toBe(302)
  })

  it('starts a sign-in at /_auth/login that returns to rd', async () => {
    const { callback } = await signIn('/_auth/login?rd=%2Fdocs%3Fq%3D1')
    expect(callback.headers.get('location')).toBe('/docs?q=1')
  })

  it.each([
    'https://evil.example.com/x',
    '//evil.example.com',
    '/\\evil.example.com',
    'javascript:alert(1)',
  ])('sends an off-site rd %j back to /', async (rd) => {
    const { callback } = await signIn(`/_auth/login?rd=${encodeURIComponent(rd)}`)
    expect(callback.headers.get('location')).toBe('/')
  })

  it('treats a forged session cookie as no session', async () => {
    const forged = (
      await serializeSessionCookie(randomId(), new URL(SITE), 'x'.repeat(40), 60)
    ).split(';')[0]
    const res = await send(api('/api', { headers: { cookie: forged! } }))
    expect(res.status).toBe(401)
    const signedButUnknown = (
      await serializeSessionCookie(randomId(), new URL(SITE), COOKIE_SECRET, 60)
    ).split(';')[0]
    expect((await send(api('/api', { headers: { cookie: signedButUnknown! } }))).status).toBe(401)
  })

  it('reserves /_auth/ for the proxy', async () => {
    const { cookie } = await signIn('/')
    const res = await send(api('/_auth/anything', { headers: { cookie } }))
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not_found' })
  })
})

describe('failing closed', () => {
  it('shows a 500 page naming every bad setting, without values, and lets nobody through', async () => {
    const bad = testEnv({
      ORIGIN_URL: undefined,
      COOKIE_SECRET: 'too-short-secret-value',
      CLIENT_ID: '',
    })
    const res = await send(navigation('/page'), bad)
    expect(res.status).toBe(500)
    const body = await res.text()
    expect(body).toContain('ORIGIN_URL is required')
    expect(body).toContain('CLIENT_ID is required')
    expect(body).toContain('COOKIE_SECRET must be at least 32 characters')
    expect(body).not.toContain('too-short-secret-value')
    const json = await send(api('/api'), bad)
    expect(json.status).toBe(500)
    expect(await json.json()).toMatchObject({ error: 'config_invalid' })
  })

  it('answers 503 when KV is down, for a session cookie and for a sign-in start', async () => {
    const { cookie } = await signIn('/')
    const down: Env = { ...testEnv(), SESSIONS: brokenKv() }
    const withCookie = await send(api('/api', { headers: { cookie } }), down)
    expect(withCookie.status).toBe(503)
    expect(withCookie.headers.get('retry-after')).toBe('10')
    expect(await withCookie.json()).toMatchObject({ error: 'session_store_unavailable' })
    const page = await send(navigation('/page?a=1', { headers: { cookie } }), down)
    expect(page.status).toBe(503)
    expect(page.headers.get('retry-after')).toBe('10')
    // A signed-in user can retry the very page.
    expect(await page.text()).toContain('href="/page?a=1">Try again</a>')
  })

  it('answers 502 when the origin is down, without leaking details', async () => {
    const { cookie } = await signIn('/')
    const e = testEnv({ ORIGIN_URL: 'http://127.0.0.1:9' })
    const res = await send(api('/api', { headers: { cookie } }), e)
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({
      error: 'origin_unavailable',
      error_description: 'The site behind the proxy is not reachable right now.',
    })
  })
})

describe('plain http on localhost (wrangler dev)', () => {
  it('sets a cookie without __Host- or Secure that works for the next request', async () => {
    const e = testEnv({ REDIRECT_URI: 'http://localhost:8787/_auth/callback' })
    const { authorizeUrl, jar } = await startSignIn('/here', e, 'http://localhost:8787')
    const callbackUrl = await loginAtProvider(authorizeUrl.href, 'kim')
    const callback = await send(callbackRequest(callbackUrl, jar), e)
    expect(callback.status).toBe(302)
    const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('eap_session='))!
    expect(setCookie).toMatch(/^eap_session=/)
    expect(setCookie).not.toMatch(/Secure/)
    const res = await send(
      new Request('http://localhost:8787/here', {
        headers: { cookie: setCookie.split(';')[0]!, accept: 'application/json' },
      }),
      e
    )
    expect(res.status).toBe(200)
    expect(
      ((await res.json()) as { headers: Record<string, string> }).headers['x-auth-request-user']
    ).toBe('kim')
  })

  it('allows form_post there, with a SameSite=None; Secure login cookie (localhost is a secure context)', async () => {
    const e = testEnv({
      REDIRECT_URI: 'http://localhost:8787/_auth/callback',
      OAUTH_RESPONSE_MODE: 'form_post',
    })
    const res = await send(navigation('/here', {}, 'http://localhost:8787'), e)
    expect(res.status).toBe(302)
    const [login] = res.headers.getSetCookie()
    expect(login).toMatch(/^eap_login_/)
    expect(login).toContain('SameSite=None')
    expect(login).toContain('Secure')
  })
})

describe('the return address of a navigation', () => {
  it.each(['//evil.example.com/x', '/\\evil.example.com/x', '//evil.example.com/%2e%2e'])(
    'never sends the user off-site after signing in from %j',
    async (path) => {
      const { callback } = await signIn(`${SITE}${path}`)
      const location = callback.headers.get('location')!
      expect(new URL(location, SITE).origin).toBe(SITE)
      expect(location.startsWith('//')).toBe(false)
    }
  )
})

describe('the proxy over plain http on a public host', () => {
  it('redirects to https before anything else happens', async () => {
    const res = await send(navigation('/page?x=1', {}, 'http://app.example.com'))
    expect(res.status).toBe(308)
    expect(res.headers.get('location')).toBe('https://app.example.com/page?x=1')
    expect(res.headers.getSetCookie()).toEqual([])
  })
})

describe("the proxy's own pages", () => {
  it('cannot be framed or sniffed, and run no script', async () => {
    const res = await send(navigation('/_auth/nothing-here'))
    expect(res.status).toBe(404)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })
})
