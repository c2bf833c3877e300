import { env } from 'cloudflare:test'
import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import type { SessionRecord } from '../../src/session/session-store'
import { callbackRequest, sendTo, SITE, startSignIn, testEnv } from '../helpers/harness'
import { AUTHING_CLIENTS } from '../support/clients'

type FakeRequest = { path: string; params: Record<string, string> }

/** The proxy in front of the Authing-shaped fake (OAuth mode), with a clock the test moves. */
function authingWorld(overrides: Record<string, unknown> = {}) {
  const clock = { ms: Date.now() }
  const app = createApp({ now: () => clock.ms })
  const e = testEnv({
    OAUTH_PROTOCOL: 'oauth',
    OAUTH_ISSUER: undefined,
    AUTHING_APP_HOST: inject('authingHost'),
    CLIENT_ID: AUTHING_CLIENTS.post.id,
    CLIENT_SECRET: AUTHING_CLIENTS.post.secret,
    // Authing's tokens live 1209599 s: let sessions outlive them so that refresh is needed.
    SESSION_MAX_AGE_SECONDS: '3000000',
    SESSION_IDLE_SECONDS: '3000000',
    ...overrides,
  })
  const send = (req: Request) => sendTo(app, req, e)
  return {
    send,
    advance: (seconds: number) => (clock.ms += seconds * 1000),
    async signIn() {
      const { authorizeUrl, jar } = await startSignIn('/', e, SITE, send)
      const atProvider = await fetch(authorizeUrl, { redirect: 'manual' })
      const callback = await send(
        callbackRequest(new URL(atProvider.headers.get('location')!), jar)
      )
      return callback.headers
        .getSetCookie()
        .find((c) => c.includes('eap_session='))!
        .split(';')[0]!
    },
  }
}

const api = (cookie: string, headers: Record<string, string> = {}) =>
  new Request(`${SITE}/api`, { headers: { accept: 'application/json', cookie, ...headers } })

async function record(cookie: string): Promise<SessionRecord> {
  const id = cookie.split('=')[1]!.split('.')[0]!
  return (await (env as unknown as Env).SESSIONS.get<SessionRecord>(`session:${id}`, 'json'))!
}

async function fakeCalls(path: string, name: string, value: string): Promise<FakeRequest[]> {
  const log: FakeRequest[] = await (await fetch(`${inject('authingHost')}/_test/requests`)).json()
  return log.filter((r) => r.path === path && r.params[name] === value)
}

describe('sessions against Authing in OAuth mode', () => {
  it('refreshes once when the opaque token expires, and introspects once per TTL', async () => {
    const w = authingWorld()
    const cookie = await w.signIn()
    const first = await record(cookie)
    w.advance(61)
    const burst = await Promise.all(Array.from({ length: 30 }, () => w.send(api(cookie))))
    expect(burst.every((r) => r.status === 200)).toBe(true)
    expect(
      await fakeCalls('/oauth/token/introspection', 'token', first.tokens.accessToken)
    ).toHaveLength(1)

    w.advance(1209599)
    const refreshed = await Promise.all(Array.from({ length: 5 }, () => w.send(api(cookie))))
    expect(refreshed.every((r) => r.status === 200)).toBe(true)
    expect(
      await fakeCalls('/oauth/token', 'refresh_token', first.tokens.refreshToken!)
    ).toHaveLength(1)
    expect((await record(cookie)).tokens.accessToken).not.toBe(first.tokens.accessToken)
  })

  it('accepts a Bearer token with the identity from the introspection answer', async () => {
    const w = authingWorld()
    const token = (await record(await w.signIn())).tokens.accessToken
    const res = await w.send(api('', { authorization: `Bearer ${token}` }))
    expect(res.status).toBe(200)
    expect(((await res.json()) as EchoedRequest).headers['x-auth-request-user']).toBe(
      '603f184cec4505e2868431fc'
    )
  })

  it("signs out: revokes both tokens, then Authing's logout URL", async () => {
    const w = authingWorld()
    const cookie = await w.signIn()
    const rec = await record(cookie)
    const res = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
    )
    expect(res.headers.get('location')).toBe(
      `${inject('authingHost')}/login/profile/logout?redirect_uri=https%3A%2F%2Fproxy.test%2F_auth%2Fsigned-out`
    )
    expect(
      await fakeCalls('/oauth/token/revocation', 'token', rec.tokens.refreshToken!)
    ).toHaveLength(1)
    expect(
      await fakeCalls('/oauth/token/revocation', 'token', rec.tokens.accessToken)
    ).toHaveLength(1)
    expect((await w.send(api(cookie))).status).toBe(401)
  })
})
