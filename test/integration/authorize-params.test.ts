import { describe, expect, it } from 'vitest'
import {
  callbackRequest,
  loginAtProvider,
  navigation,
  send,
  startSignIn,
  testEnv,
} from '../helpers/harness'
import { record } from '../helpers/session-world'

describe('extra sign-in parameters (OAUTH_AUTHORIZE_PARAMS)', () => {
  const e = testEnv({
    OAUTH_AUTHORIZE_PARAMS: 'prompt=consent&acr_values=urn%3Amfa&login_hint=ann%40example.com',
  })

  it("go to the authorization endpoint beside the proxy's own", async () => {
    const { authorizeUrl } = await startSignIn('/x', e)
    const params = authorizeUrl.searchParams
    expect(params.get('prompt')).toBe('consent')
    expect(params.get('acr_values')).toBe('urn:mfa')
    expect(params.get('login_hint')).toBe('ann@example.com')
    expect(params.get('response_type')).toBe('code')
    expect(params.get('code_challenge_method')).toBe('S256')
  })

  it('give way to the prompt=login of "use another account"', async () => {
    const res = await send(navigation('/_auth/login?rd=%2Fx&prompt=login'), e)
    expect(res.status).toBe(302)
    const params = new URL(res.headers.get('location')!).searchParams
    expect(params.getAll('prompt')).toEqual(['login'])
    expect(params.get('acr_values')).toBe('urn:mfa')
  })

  it('stop the proxy at start when they would set a reserved parameter', async () => {
    const res = await send(navigation('/x'), testEnv({ OAUTH_AUTHORIZE_PARAMS: 'redirect_uri=x' }))
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('OAUTH_AUTHORIZE_PARAMS must not set redirect_uri')
  })
})

describe('offline_access in the scope', () => {
  const e = testEnv({ OAUTH_SCOPE: 'openid profile email offline_access' })

  it("asks for consent, as Authing's SDK does, and the real provider signs in with it", async () => {
    const { authorizeUrl, jar } = await startSignIn('/x', e)
    expect(authorizeUrl.searchParams.get('prompt')).toBe('consent')
    const callback = await send(
      callbackRequest(await loginAtProvider(authorizeUrl.href, 'off'), jar),
      e
    )
    expect(callback.status).toBe(302)
    const cookie = callback.headers.getSetCookie().find((c) => /eap_session=/.test(c))!
    // Signed in, with a refresh token (this provider issues one to every client allowed the grant).
    const session = await record(cookie.split(';')[0]!)
    expect(session?.tokens.refreshToken).toEqual(expect.any(String))
  })

  it('keeps consent beside "use another account"', async () => {
    const res = await send(navigation('/_auth/login?rd=%2Fx&prompt=login'), e)
    expect(new URL(res.headers.get('location')!).searchParams.get('prompt')).toBe('login consent')
  })
})
