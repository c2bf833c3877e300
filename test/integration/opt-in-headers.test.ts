import { describe, expect, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { send, signIn, testEnv } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'

const echoOf = async (res: Response) => {
  expect(res.status).toBe(200)
  return (await res.json()) as EchoedRequest
}

describe('opt-in upstream headers', () => {
  it('sends no access token by default', async () => {
    const e = testEnv()
    const { cookie } = await signIn('/', 'otto', e)
    const echo = await echoOf(await send(api(cookie), e))
    expect(echo.headers['x-forwarded-access-token']).toBeUndefined()
    expect(JSON.stringify(echo.headers)).not.toContain((await record(cookie))!.tokens.accessToken)
  })

  it('PASS_ACCESS_TOKEN=true: the session access token, or the Bearer token, in X-Forwarded-Access-Token', async () => {
    const w = world({ PASS_ACCESS_TOKEN: 'true' })
    const { cookie } = await w.signIn('pat')
    const token = (await record(cookie))!.tokens.accessToken
    const spoof = { 'X-Forwarded-Access-Token': 'spoofed', X_Forwarded_Access_Token: 'spoofed' }
    const session = await echoOf(await w.send(api(cookie, '/api', spoof)))
    expect(session.headers['x-forwarded-access-token']).toBe(token)
    expect(session.headers['x_forwarded_access_token']).toBeUndefined()
    const bearer = await echoOf(
      await w.send(api('', '/api', { authorization: `Bearer ${token}`, ...spoof }))
    )
    expect(bearer.headers['x-forwarded-access-token']).toBe(token)
  })

  it('CLAIM_HEADERS: each claim in its header, client copies removed in every spelling', async () => {
    const e = testEnv({
      CLAIM_HEADERS: 'name:X-Auth-Request-Name,email_verified:X-Email-Verified,missing:X-Missing',
      PUBLIC_PATHS: '/healthz',
    })
    const { cookie } = await signIn('/', 'zoé', e)
    const spoof = { X_Email_Verified: 'spoofed', 'x-email-verified': 'spoofed', 'X-Missing': 'x' }
    const echo = await echoOf(await send(api(cookie, '/api', spoof), e))
    expect(echo.headers['x-auth-request-name']).toBe(
      String.fromCharCode(...new TextEncoder().encode('zoé'))
    )
    expect(echo.headers['x-email-verified']).toBe('true')
    expect(echo.headers['x_email_verified']).toBeUndefined()
    expect(echo.headers['x-missing']).toBeUndefined()
    const pub = await echoOf(await send(api('', '/healthz', spoof), e))
    expect(Object.keys(pub.headers).filter((n) => /email.verified|missing/.test(n))).toEqual([])
  })

  it('refuses a bad CLAIM_HEADERS or PASS_ACCESS_TOKEN at start, naming them', async () => {
    const res = await send(
      api('', '/api'),
      testEnv({ CLAIM_HEADERS: 'sub:Host', PASS_ACCESS_TOKEN: 'yes' })
    )
    expect(res.status).toBe(500)
    const body = await res.text()
    expect(body).toContain('CLAIM_HEADERS entry 1')
    expect(body).toContain('PASS_ACCESS_TOKEN must be true or false')
  })
})
