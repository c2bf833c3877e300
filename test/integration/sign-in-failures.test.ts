import { describe, expect, inject, it } from 'vitest'
import { createApp } from '../../src/app'
import {
  loginAtProvider,
  navigation,
  send,
  sendTo,
  sessionCount,
  SITE,
  testEnv,
} from '../helpers/harness'

async function startedLogin(path = '/start') {
  const res = await send(navigation(path))
  return new URL(res.headers.get('location')!)
}

async function expectSignInPage(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  expect(res.headers.get('cache-control')).toBe('no-store')
  expect(res.headers.getSetCookie()).toEqual([])
  const body = await res.text()
  expect(body).toContain(`<code>${code}</code>`)
  expect(body).toContain('Sign in again')
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
    const callbackUrl = await loginAtProvider((await startedLogin('/once')).href, 'frank')
    const path = callbackUrl.pathname + callbackUrl.search
    expect((await send(navigation(path))).status).toBe(302)
    const before = await sessionCount()
    await expectSignInPage(await send(navigation(path)), 400, 'login_state_invalid')
    expect(await sessionCount()).toBe(before)
  })

  it('shows the provider error (escaped) with a 403 and offers to sign in again', async () => {
    const state = (await startedLogin('/denied?a=1')).searchParams.get('state')!
    const res = await send(
      navigation(
        `/_auth/callback?error=access_denied%3Cscript%3E&state=${state}&iss=${encodeURIComponent(inject('issuer'))}`
      )
    )
    const body = await expectSignInPage(res, 403, 'access_denied')
    expect(body).toContain('access_denied&#60;script&#62;')
    expect(body).not.toContain('<script>')
    expect(body).toContain('href="/_auth/login?rd=%2Fdenied%3Fa%3D1"')
  })

  it('refuses a callback whose iss is another issuer (RFC 9207)', async () => {
    const callbackUrl = await loginAtProvider((await startedLogin()).href, 'gina')
    callbackUrl.searchParams.set('iss', 'https://evil.example.com')
    const res = await send(navigation(callbackUrl.pathname + callbackUrl.search))
    await expectSignInPage(res, 502, 'idp_error')
  })

  it('refuses a code the provider rejects (invalid_grant) with a 400', async () => {
    const callbackUrl = await loginAtProvider((await startedLogin()).href, 'hank')
    callbackUrl.searchParams.set('code', 'not-a-real-code')
    const before = await sessionCount()
    await expectSignInPage(
      await send(navigation(callbackUrl.pathname + callbackUrl.search)),
      400,
      'login_failed'
    )
    expect(await sessionCount()).toBe(before)
  })

  it('answers 503 when the token endpoint fails, and creates no session', async () => {
    const failingToken: typeof fetch = async (input, init) => {
      const req = new Request(input, init)
      if (new URL(req.url).pathname === '/token') return new Response('oops', { status: 500 })
      return fetch(req)
    }
    const app = createApp({ fetch: failingToken })
    const start = await sendTo(app, navigation('/x'))
    const callbackUrl = await loginAtProvider(start.headers.get('location')!, 'ivy')
    const before = await sessionCount()
    const res = await sendTo(app, navigation(callbackUrl.pathname + callbackUrl.search))
    await expectSignInPage(res, 503, 'idp_unavailable')
    expect(await sessionCount()).toBe(before)
  })

  it('answers 502 when the ID token was issued for another nonce', async () => {
    const wrongNonce: typeof fetch = async (input, init) => {
      const req = new Request(input, init)
      const url = new URL(req.url)
      if (url.pathname === '/auth') url.searchParams.set('nonce', 'another-nonce')
      return fetch(new Request(url, req))
    }
    const app = createApp({ fetch: wrongNonce })
    const start = new URL((await sendTo(app, navigation('/x'))).headers.get('location')!)
    start.searchParams.set('nonce', 'another-nonce')
    const callbackUrl = await loginAtProvider(start.href, 'jack')
    const res = await sendTo(app, navigation(callbackUrl.pathname + callbackUrl.search))
    await expectSignInPage(res, 502, 'idp_error')
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
