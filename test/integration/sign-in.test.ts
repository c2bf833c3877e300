import { describe, expect, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import {
  callbackRequest,
  CookieJar,
  loginAtProvider,
  navigation,
  providerRequests,
  send,
  signIn,
  SITE,
  testEnv,
} from '../helpers/harness'

describe('signing in through a real OpenID Connect provider', () => {
  it('redirects a navigation without a session to the authorization endpoint', async () => {
    const res = await send(navigation('/anything?x=1'))
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.pathname).toBe('/auth')
    const p = location.searchParams
    expect(p.get('response_type')).toBe('code')
    expect(p.get('client_id')).toBe('client-post')
    expect(p.get('redirect_uri')).toBe(`${SITE}/_auth/callback`)
    expect(p.get('scope')).toBe('openid profile email')
    expect(p.get('code_challenge_method')).toBe('S256')
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(p.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('signs in and returns to the exact path and query first asked for', async () => {
    const { callback, cookie } = await signIn('/anything?x=1&y=%2F')
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe('/anything?x=1&y=%2F')
    const setCookie = callback.headers.getSetCookie().find((c) => c.includes('eap_session='))!
    expect(setCookie).toMatch(/^__Host-eap_session=/)
    expect(setCookie).toMatch(/; HttpOnly/)
    expect(setCookie).toMatch(/; Secure/)
    expect(setCookie).toMatch(/; SameSite=Lax/)
    expect(setCookie).toMatch(/; Path=\//)
    expect(setCookie).not.toMatch(/Domain=/i)
    expect(cookie.length).toBeGreaterThan(40)
  })

  it('forwards a signed-in request with identity headers, without spoofed copies or proxy cookies', async () => {
    const { cookie } = await signIn('/', 'alice')
    const res = await send(
      new Request(`${SITE}/anything?x=1`, {
        headers: {
          accept: 'application/json',
          cookie: `theme=dark; ${cookie}; other=1`,
          'X-Auth-Request-User': 'mallory',
          'x-auth-request-email': 'mallory@evil.test',
          'X-AUTH-REQUEST-GROUPS': 'admins',
          'X-Forwarded-User': 'mallory',
          'X-Forwarded-Email': 'mallory@evil.test',
        },
      })
    )
    expect(res.status).toBe(200)
    const echo = (await res.json()) as EchoedRequest
    expect(echo.method).toBe('GET')
    expect(echo.path).toBe('/anything')
    expect(echo.query).toEqual({ x: ['1'] })
    expect(echo.headers['x-auth-request-user']).toBe('alice')
    expect(echo.headers['x-auth-request-email']).toBe('alice@example.com')
    expect(echo.headers['x-auth-request-preferred-username']).toBe('alice')
    expect(echo.headers['x-auth-request-groups']).toBeUndefined()
    expect(echo.headers['x-forwarded-user']).toBeUndefined()
    expect(echo.headers['x-forwarded-email']).toBeUndefined()
    expect(echo.headers.cookie).toBe('theme=dark; other=1')
    expect(echo.headers['x-forwarded-host']).toBe('proxy.test')
    expect(echo.headers['x-forwarded-proto']).toBe('https')
  })

  it('streams a POST body to the origin and the origin response back unchanged', async () => {
    const { cookie } = await signIn('/')
    const body = 'a'.repeat(100_000)
    const res = await send(
      new Request(`${SITE}/upload?z=9`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/plain', accept: 'application/json' },
        body,
      })
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('x-echo-origin')).toBe('1')
    expect(res.headers.getSetCookie()).toEqual(['origin_cookie=kept; Path=/; HttpOnly'])
    const echo = (await res.json()) as EchoedRequest
    expect(echo.method).toBe('POST')
    expect(echo.path).toBe('/upload')
    expect(echo.bodyBytes).toBe(100_000)
  })

  it('exchanges the code with the PKCE verifier and client_secret_post', async () => {
    const { code } = await signIn('/', 'bob')
    const token = (await providerRequests()).find(
      (r) => r.path === '/token' && r.params.code === code
    )!
    expect(token.method).toBe('POST')
    expect(token.status).toBe(200)
    expect(token.params.grant_type).toBe('authorization_code')
    expect(token.params.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(token.params.client_id).toBe('client-post')
    expect(token.authorization).toBeNull()
  })

  it('signs in with client_secret_basic and with a public client (none)', async () => {
    const basic = testEnv({
      CLIENT_ID: 'client-basic',
      CLIENT_SECRET: 'basic:secret+/=%',
      TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_basic',
    })
    const basicSignIn = await signIn('/b', 'carol', basic)
    expect(basicSignIn.callback.headers.get('location')).toBe('/b')
    const basicToken = (await providerRequests()).find(
      (r) => r.path === '/token' && r.params.code === basicSignIn.code
    )!
    expect(basicToken.authorization).toMatch(/^Basic /)
    expect(basicToken.params.client_secret).toBeUndefined()

    const pub = testEnv({
      CLIENT_ID: 'client-public',
      CLIENT_SECRET: undefined,
      TOKEN_ENDPOINT_AUTH_METHOD: 'none',
    })
    expect((await signIn('/c', 'dave', pub)).callback.headers.get('location')).toBe('/c')
  })

  it('lets several tabs sign in at once, each back to its own page', async () => {
    // One browser: the cookies of both starts are in its jar.
    const jar = new CookieJar()
    const starts = await Promise.all(['/one', '/two?t=2'].map((p) => send(navigation(p))))
    starts.forEach((r) => jar.store(r))
    const states = starts.map((r) => new URL(r.headers.get('location')!).searchParams.get('state'))
    expect(new Set(states).size).toBe(2)
    const callbacks = await Promise.all(
      starts.map((r) => loginAtProvider(r.headers.get('location')!, 'erin'))
    )
    // Finish in the opposite order to the starts.
    const second = await send(callbackRequest(callbacks[1]!, jar))
    const first = await send(callbackRequest(callbacks[0]!, jar))
    expect(second.headers.get('location')).toBe('/two?t=2')
    expect(first.headers.get('location')).toBe('/one')
  })
})
