import { describe, expect, inject, it } from 'vitest'
import { createApp } from '../../src/app'
import {
  callbackRequest,
  loginAtProvider,
  navigation,
  send,
  sendTo,
  sessionCount,
  SITE,
  startSignIn,
  testEnv,
  type StartedSignIn,
} from '../helpers/harness'

/** Starts a sign-in and logs in at the provider; returns the callback URL and the browser's jar. */
async function atCallback(path = '/start', username = 'user', started?: StartedSignIn) {
  const start = started ?? (await startSignIn(path))
  const callbackUrl = await loginAtProvider(start.authorizeUrl.href, username)
  return { callbackUrl, jar: start.jar }
}

async function expectSignInPage(
  res: Response,
  status: number,
  code: string,
  label = 'Sign in again'
) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  expect(res.headers.get('cache-control')).toBe('no-store')
  expect(res.headers.getSetCookie().filter((c) => c.includes('eap_session'))).toEqual([])
  const body = await res.text()
  expect(body).toContain(`<code>${code}</code>`)
  expect(body).toContain(label)
  expect(body).not.toMatch(/at .*\.(ts|js):\d+/)
  return body
}

describe('a callback that cannot complete', () => {
  it('refuses a callback without state or with an unknown state, creating no session', async () => {
    const before = await sessionCount()
    await expectSignInPage(
      await send(navigation('/_auth/callback?code=abc')),
      400,
      'login_state_invalid'
    )
    const unknown = `/_auth/callback?code=abc&state=${'A'.repeat(43)}`
    await expectSignInPage(await send(navigation(unknown)), 400, 'login_state_invalid')
    expect(await sessionCount()).toBe(before)
  })

  it('refuses a callback URL used a second time', async () => {
    const { callbackUrl, jar } = await atCallback('/once', 'frank')
    const cookieBefore = jar.header()
    const first = await send(callbackRequest(callbackUrl, jar))
    expect(first.status).toBe(302)
    jar.store(first)
    const before = await sessionCount()
    // The callback cleared the login cookie: the same browser's second try has none.
    const again = navigation(callbackUrl.href, { headers: { cookie: jar.header() } })
    await expectSignInPage(await send(again), 400, 'login_state_invalid')
    // A replay that kept a copy of it is refused by the provider: the code is single use.
    const replay = navigation(callbackUrl.href, { headers: { cookie: cookieBefore } })
    await expectSignInPage(await send(replay), 400, 'login_failed')
    expect(await sessionCount()).toBe(before)
  })

  it('shows the provider error (escaped) with a 403 and offers to try again', async () => {
    const { authorizeUrl, jar } = await startSignIn('/denied?a=1')
    const state = authorizeUrl.searchParams.get('state')!
    const res = await send(
      navigation(
        `/_auth/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(inject('issuer'))}`,
        { headers: { cookie: jar.header() } }
      )
    )
    const body = await expectSignInPage(res, 403, 'access_denied', 'Try again')
    expect(body).toContain('The sign-in was cancelled or refused at the identity provider.')
    expect(body).toContain('href="/_auth/login?rd=%2Fdenied%3Fa%3D1"')
  })

  it('refuses a callback whose iss is another issuer (RFC 9207)', async () => {
    const { callbackUrl, jar } = await atCallback('/start', 'gina')
    callbackUrl.searchParams.set('iss', 'https://evil.example.com')
    const res = await send(callbackRequest(callbackUrl, jar))
    await expectSignInPage(res, 502, 'idp_error', 'Try again')
  })

  it('refuses a code the provider rejects (invalid_grant) with a 400', async () => {
    const { callbackUrl, jar } = await atCallback('/start', 'hank')
    callbackUrl.searchParams.set('code', 'not-a-real-code')
    const before = await sessionCount()
    await expectSignInPage(await send(callbackRequest(callbackUrl, jar)), 400, 'login_failed')
    expect(await sessionCount()).toBe(before)
  })

  it('answers 503 when the token endpoint fails, and creates no session', async () => {
    const failingToken: typeof fetch = async (input, init) => {
      const req = new Request(input, init)
      if (new URL(req.url).pathname === '/token') return new Response('oops', { status: 500 })
      return fetch(req)
    }
    const app = createApp({ fetch: failingToken })
    const started = await startSignIn('/x', testEnv(), SITE, (req) => sendTo(app, req))
    const { callbackUrl, jar } = await atCallback('/x', 'ivy', started)
    const before = await sessionCount()
    const res = await sendTo(app, callbackRequest(callbackUrl, jar))
    await expectSignInPage(res, 503, 'idp_unavailable', 'Try again')
    expect(await sessionCount()).toBe(before)
  })

  it('refuses a sign-in finished more than 10 minutes after it started, by the app clock', async () => {
    const clock = { ms: Date.now() }
    const app = createApp({ now: () => clock.ms })
    const send_ = (req: Request) => sendTo(app, req)
    const start = (path: string) => startSignIn(path, testEnv(), SITE, send_)
    const late = await atCallback('/late', 'kim', await start('/late'))
    clock.ms += 300_000
    const inTime = await atCallback('/in-time', 'kim', await start('/in-time'))
    clock.ms += 301_000
    const before = await sessionCount()
    const refused = await send_(callbackRequest(late.callbackUrl, late.jar))
    await expectSignInPage(refused, 400, 'login_state_invalid')
    expect(await sessionCount()).toBe(before)
    const res = await send_(callbackRequest(inTime.callbackUrl, inTime.jar))
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/in-time')
  })

  it('answers 502 when the ID token was issued for another nonce', async () => {
    const started = await startSignIn('/x')
    // The browser reaches the provider with another nonce than the one the proxy stored.
    started.authorizeUrl.searchParams.set('nonce', 'another-nonce')
    const { callbackUrl, jar } = await atCallback('/x', 'jack', started)
    const res = await send(callbackRequest(callbackUrl, jar))
    await expectSignInPage(res, 502, 'idp_error', 'Try again')
  })
})

describe('when the provider is down', () => {
  it('answers a navigation with a 503 page, not a redirect', async () => {
    const down = testEnv({ OAUTH_ISSUER: 'http://127.0.0.1:9' })
    const res = await send(navigation('/page'), down)
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('idp_unavailable')
  })

  it('answers an API call with 401 JSON without calling the provider', async () => {
    const down = testEnv({ OAUTH_ISSUER: 'http://127.0.0.1:9' })
    const res = await send(
      new Request(`${SITE}/api`, { headers: { accept: 'application/json' } }),
      down
    )
    expect(res.status).toBe(401)
  })
})
