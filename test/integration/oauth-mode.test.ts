import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import type { Env } from '../../src/config'
import { AUTHING_CLIENTS } from '../support/clients'
import {
  CookieJar,
  navigation,
  send,
  sessionCount,
  SITE,
  startSignIn,
  testEnv,
} from '../helpers/harness'

function authingEnv(overrides: Record<string, unknown> = {}): Env {
  return testEnv({
    OAUTH_PROTOCOL: 'oauth',
    OAUTH_ISSUER: undefined,
    AUTHING_APP_HOST: inject('authingHost'),
    CLIENT_ID: AUTHING_CLIENTS.post.id,
    CLIENT_SECRET: AUTHING_CLIENTS.post.secret,
    ...overrides,
  })
}

/**
 * response_mode=form_post: the provider's page POSTs code and state to the callback, a cross-site
 * POST that carries the browser's SameSite=None cookies (the login cookies in `jar`) alone.
 */
async function postBack(atProvider: Response, jar: CookieJar, e: Env) {
  const page = await atProvider.text()
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)![1]!
  const callback = await send(
    new Request(`${SITE}/_auth/callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        cookie: jar.header(),
      },
      body: new URLSearchParams({ code: field('code'), state: field('state') }).toString(),
    }),
    e
  )
  return { callback, code: field('code') }
}

/** Signs in through the fake: it answers the authorization request at once with a code. */
async function signInAuthing(e: Env, path = '/dashboard?tab=1') {
  const { authorizeUrl, jar } = await startSignIn(path, e)
  const atProvider = await fetch(authorizeUrl, { redirect: 'manual' })
  let callback: Response
  let code: string
  if (atProvider.status === 302) {
    const location = new URL(atProvider.headers.get('location')!)
    code = location.searchParams.get('code')!
    callback = await send(navigation(location.href, { headers: { cookie: jar.header() } }), e)
  } else {
    const posted = await postBack(atProvider, jar, e)
    callback = posted.callback
    code = posted.code
  }
  const cookie = callback.headers.getSetCookie().find((c) => c.includes('eap_session='))
  return { authorizeUrl, callback, cookie: cookie?.split(';')[0] ?? '', jar, code }
}

async function fakeRequests(): Promise<{ path: string; params: Record<string, string> }[]> {
  return (await fetch(`${inject('authingHost')}/_test/requests`)).json()
}

describe('the proxy against Authing in OAuth mode', () => {
  it('signs in end to end and forwards the identity from userinfo', async () => {
    const e = authingEnv()
    const { authorizeUrl, callback, cookie, code } = await signInAuthing(e)
    expect(authorizeUrl.pathname).toBe('/oauth/auth')
    expect(authorizeUrl.searchParams.get('scope')).toBe('user')
    expect(authorizeUrl.searchParams.has('nonce')).toBe(false)
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256')
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe('/dashboard?tab=1')

    const res = await send(
      new Request(`${SITE}/dashboard`, { headers: { cookie, accept: 'application/json' } }),
      e
    )
    const echo = (await res.json()) as EchoedRequest
    expect(echo.headers['x-auth-request-user']).toBe('603f184cec4505e2868431fc')
    // The Authing fake's user (dev/authing-examples.ts) has email_verified: false, so the email is not vouched for.
    expect(echo.headers['x-auth-request-email']).toBeUndefined()
    const token = (await fakeRequests()).find(
      (r) => r.path === '/oauth/token' && r.params.code === code
    )!
    expect(token.params.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('signs in with client_secret_basic and with none', async () => {
    for (const c of [AUTHING_CLIENTS.basic, AUTHING_CLIENTS.none]) {
      const e = authingEnv({
        CLIENT_ID: c.id,
        CLIENT_SECRET: c.secret,
        TOKEN_ENDPOINT_AUTH_METHOD: c.method,
      })
      const { callback } = await signInAuthing(e, '/x')
      expect(callback.status, c.method).toBe(302)
      expect(callback.headers.get('location')).toBe('/x')
    }
  })

  it('leaves PKCE out with OAUTH_PKCE=false', async () => {
    const e = authingEnv({ OAUTH_PKCE: 'false' })
    const { authorizeUrl, callback, code } = await signInAuthing(e)
    expect(authorizeUrl.searchParams.has('code_challenge')).toBe(false)
    expect(callback.status).toBe(302)
    const token = (await fakeRequests()).find(
      (r) => r.path === '/oauth/token' && r.params.code === code
    )!
    expect(token.params.code_verifier).toBeUndefined()
  })

  it('accepts a POSTed callback with OAUTH_RESPONSE_MODE=form_post', async () => {
    const e = authingEnv({ OAUTH_RESPONSE_MODE: 'form_post' })
    const start = await startSignIn('/posted', e)
    expect(start.authorizeUrl.searchParams.get('response_mode')).toBe('form_post')
    // The provider comes back by a cross-site POST: the binding cookie must be SameSite=None.
    expect(start.response.headers.getSetCookie()[0]).toMatch(/SameSite=None/)
    const { callback } = await signInAuthing(e, '/posted')
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe('/posted')
  })

  it('ends the session a form_post sign-in replaces, though the POST back carries only SameSite=None cookies', async () => {
    const e = authingEnv({ OAUTH_RESPONSE_MODE: 'form_post' })
    const first = await signInAuthing(e, '/first')
    const api = (cookie: string) =>
      new Request(`${SITE}/api`, { headers: { accept: 'application/json', cookie } })
    expect((await send(api(first.cookie), e)).status).toBe(200)
    // "Use another account": the start is a same-site navigation and carries the session cookie.
    const start = await send(
      navigation('/_auth/login?rd=%2Fsecond&prompt=login', { headers: { cookie: first.cookie } }),
      e
    )
    const jar = new CookieJar()
    jar.store(start)
    // The provider's cross-site POST: the browser sends the login cookie, not the Lax session one.
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' })
    const { callback } = await postBack(atProvider, jar, e)
    expect(callback.status).toBe(302)
    expect((await send(api(first.cookie), e)).status).toBe(401)
  })

  it('uses explicit endpoints over the app host', async () => {
    const host = inject('authingHost')
    const e = authingEnv({
      AUTHING_APP_HOST: 'https://unused.authing.example',
      OAUTH_AUTHORIZATION_ENDPOINT: `${host}/oauth/auth`,
      OAUTH_TOKEN_ENDPOINT: `${host}/oauth/token`,
      OAUTH_USERINFO_ENDPOINT: `${host}/oauth/me`,
    })
    const { callback } = await signInAuthing(e)
    expect(callback.status).toBe(302)
  })
})

describe('provider failures during sign-in, as the user sees them', () => {
  it.each([
    ['oauth_error', 'token', 400, 'login_failed'],
    ['server_error', 'token', 503, 'idp_unavailable'],
    ['html', 'token', 502, 'idp_error'],
    ['truncated', 'token', 502, 'idp_error'],
    ['server_error', 'userinfo', 503, 'idp_unavailable'],
    ['html', 'userinfo', 502, 'idp_error'],
  ])('%s at %s gives %i %s, a page, no session', async (kind, endpoint, status, code) => {
    const e = authingEnv({ CLIENT_ID: `fault-${kind}-${endpoint}`, CLIENT_SECRET: 'fault-secret' })
    const before = await sessionCount(e)
    const { callback } = await signInAuthing(e)
    expect(callback.status).toBe(status)
    expect(callback.headers.get('content-type')).toMatch(/^text\/html/)
    const body = await callback.text()
    expect(body).toContain(`<code>${code}</code>`)
    expect(body).toContain(code === 'login_failed' ? 'Sign in again' : 'Try again')
    expect(body).not.toContain('fault-secret')
    expect(body).not.toMatch(/\.ts:\d+/)
    expect(await sessionCount(e)).toBe(before)
  })

  it('a provider that never answers gives 503 after OAUTH_TIMEOUT_MS', async () => {
    const e = authingEnv({
      CLIENT_ID: 'fault-hang-token',
      CLIENT_SECRET: 'fault-secret',
      OAUTH_TIMEOUT_MS: '100',
    })
    const { callback } = await signInAuthing(e)
    expect(callback.status).toBe(503)
    expect(await callback.text()).toContain('idp_unavailable')
  })
})

describe('a cross-site form POST to the callback', () => {
  it('is refused without the binding cookie', async () => {
    const e = authingEnv({ OAUTH_RESPONSE_MODE: 'form_post' })
    const { authorizeUrl } = await startSignIn('/p', e)
    const res = await send(
      new Request(`${SITE}/_auth/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({
          code: 'x',
          state: authorizeUrl.searchParams.get('state')!,
        }).toString(),
      }),
      e
    )
    expect(res.status).toBe(400)
    // A browser made this POST: it gets the page, not JSON.
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toContain('Sign in again')
    const jar = new CookieJar()
    jar.store(res)
    expect(jar.cookies.has('__Host-eap_session')).toBe(false)
  })
})

describe('the proxy against Authing in OpenID Connect mode', () => {
  it('signs in with an HS256 ID token (Authing signs with the app secret by default)', async () => {
    const e = authingEnv({ OAUTH_PROTOCOL: 'oidc' })
    const { authorizeUrl, callback, cookie } = await signInAuthing(e, '/oidc-page')
    expect(authorizeUrl.pathname).toBe('/oidc/auth')
    expect(authorizeUrl.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid profile email')
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe('/oidc-page')
    const res = await send(
      new Request(`${SITE}/oidc-page`, { headers: { cookie, accept: 'application/json' } }),
      e
    )
    const echo = (await res.json()) as EchoedRequest
    expect(echo.headers['x-auth-request-user']).toBe('603f184cec4505e2868431fc')
  })
})

describe('a form_post callback body', () => {
  it('is refused past 16 KiB without being read to the end', async () => {
    const e = authingEnv({ OAUTH_RESPONSE_MODE: 'form_post' })
    const big = 'a='.padEnd(17 * 1024, 'x')
    const res = await send(
      new Request(`${SITE}/_auth/callback`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(big))
            controller.close()
          },
        }),
      }),
      e
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
  })
})
