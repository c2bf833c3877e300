import { env } from 'cloudflare:test'
import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { createOAuthClient } from '../../src/oauth/client'
import type { SessionRecord } from '../../src/session/session-store'
import {
  countingKv,
  navigation,
  providerRequests,
  sendTo,
  signIn,
  SITE,
  testEnv,
} from '../helpers/harness'
import { TEST_CLIENTS } from '../support/clients'

const CLIENT = TEST_CLIENTS.session

/** An app with its own caches and a clock the test moves. */
/** Refresh tests jump an hour at once: a day of idle time keeps the idle rule out of their way. */
const LONG_IDLE = { SESSION_IDLE_SECONDS: '86400' }

function world(overrides: Record<string, unknown> = {}, fetchImpl?: typeof fetch) {
  const clock = { ms: Date.now() }
  const app = createApp({ now: () => clock.ms, ...(fetchImpl && { fetch: fetchImpl }) })
  const e = testEnv({ CLIENT_ID: CLIENT.id, CLIENT_SECRET: CLIENT.secret, ...overrides })
  const send = (req: Request, envOverride: Env = e) => sendTo(app, req, envOverride)
  return {
    app,
    e,
    clock,
    send,
    advance(seconds: number) {
      clock.ms += seconds * 1000
    },
    async signIn(username = 'sam') {
      return signIn('/', username, e, (req) => send(req))
    },
  }
}

const api = (cookie: string, path = '/api', headers: Record<string, string> = {}) =>
  new Request(`${SITE}${path}`, { headers: { accept: 'application/json', cookie, ...headers } })

async function record(cookie: string): Promise<SessionRecord | null> {
  const id = cookie.split('=')[1]!.split('.')[0]!
  return (env as unknown as Env).SESSIONS.get<SessionRecord>(`session:${id}`, 'json')
}

/** Provider requests of the session test client, optionally only those with a parameter value. */
async function calls(path: string, param?: [string, string]) {
  return (await providerRequests()).filter(
    (r) =>
      r.path === path &&
      (r.params.client_id === CLIENT.id || r.authorization !== null) &&
      (!param || r.params[param[0]] === param[1])
  )
}

const sessionClient = () =>
  createOAuthClient({
    protocol: 'oidc',
    issuer: new URL(inject('issuer')),
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    redirectUri: `${SITE}/_auth/callback`,
  })

describe('refresh', () => {
  it('refreshes an expired access token once for many concurrent requests, keeping the rotated token', async () => {
    const w = world(LONG_IDLE)
    const { cookie } = await w.signIn('rita')
    const before = (await record(cookie))!
    w.advance(3600) // the provider's access tokens live 3600 s
    const responses = await Promise.all(Array.from({ length: 10 }, () => w.send(api(cookie))))
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200))
    const refreshes = await calls('/token', ['refresh_token', before.tokens.refreshToken!])
    expect(refreshes).toHaveLength(1)
    const after = (await record(cookie))!
    expect(after.tokens.accessToken).not.toBe(before.tokens.accessToken)
    expect(after.tokens.refreshToken).not.toBe(before.tokens.refreshToken)

    // The next expiry refreshes with the rotated token; the old one is never used again, so the
    // provider does not revoke the family and the session goes on.
    w.advance(3600)
    expect((await w.send(api(cookie))).status).toBe(200)
    expect(await calls('/token', ['refresh_token', before.tokens.refreshToken!])).toHaveLength(1)
    expect(await calls('/token', ['refresh_token', after.tokens.refreshToken!])).toHaveLength(1)
  })

  it('ends the session on invalid_grant: the user signs in again', async () => {
    const w = world(LONG_IDLE)
    const { cookie } = await w.signIn('ivan')
    const rec = (await record(cookie))!
    await sessionClient().revokeToken(rec.tokens.refreshToken!, 'refresh_token')
    w.advance(3600)
    expect((await w.send(api(cookie))).status).toBe(401)
    const nav = await w.send(navigation('/page', { headers: { cookie } }))
    expect(nav.status).toBe(302)
    expect(nav.headers.get('location')).toContain(`${inject('issuer')}/auth`)
    expect(await record(cookie)).toBeNull()
  })

  it('keeps the session when the provider is down: 503 now, refreshed on the next request', async () => {
    const failing: typeof fetch = async (input, init) => {
      const req = new Request(input, init)
      if (
        new URL(req.url).pathname === '/token' &&
        (await req.clone().text()).includes('refresh_token')
      ) {
        return new Response('down', { status: 503 })
      }
      return fetch(req)
    }
    const down = world(LONG_IDLE, failing)
    const { cookie } = await down.signIn('dora')
    down.advance(3600)
    const res = await down.send(api(cookie))
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'idp_unavailable' })
    expect(await record(cookie)).not.toBeNull()

    const up = world(LONG_IDLE)
    up.clock.ms = down.clock.ms
    expect((await up.send(api(cookie))).status).toBe(200)
  })
})

describe('introspection with a TTL', () => {
  it('re-checks at most once per TTL, however many requests arrive', async () => {
    const w = world()
    const { cookie } = await w.signIn('tina')
    const token = (await record(cookie))!.tokens.accessToken
    // Within the first TTL after sign-in, the fresh token needs no check.
    for (let i = 0; i < 5; i++) expect((await w.send(api(cookie))).status).toBe(200)
    expect(await calls('/token/introspection', ['token', token])).toHaveLength(0)
    w.advance(61)
    const burst = await Promise.all(Array.from({ length: 30 }, () => w.send(api(cookie))))
    expect(burst.every((r) => r.status === 200)).toBe(true)
    expect(await calls('/token/introspection', ['token', token])).toHaveLength(1)
    w.advance(30)
    for (let i = 0; i < 5; i++) expect((await w.send(api(cookie))).status).toBe(200)
    expect(await calls('/token/introspection', ['token', token])).toHaveLength(1)
  })

  it('ends the session when the token is no longer active', async () => {
    const w = world()
    const { cookie } = await w.signIn('una')
    const token = (await record(cookie))!.tokens.accessToken
    await sessionClient().revokeToken(token, 'access_token')
    w.advance(61)
    expect((await w.send(api(cookie))).status).toBe(401)
    expect(await record(cookie)).toBeNull()
  })

  it('does not introspect with INTROSPECTION=false', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('olga')
    const token = (await record(cookie))!.tokens.accessToken
    w.advance(120)
    expect((await w.send(api(cookie))).status).toBe(200)
    expect(await calls('/token/introspection', ['token', token])).toHaveLength(0)
  })
})

describe('Bearer tokens', () => {
  async function accessToken(w: ReturnType<typeof world>, username: string) {
    const { cookie } = await w.signIn(username)
    return (await record(cookie))!.tokens.accessToken
  }

  it('proxies an active token with the identity from introspection, checked once per TTL', async () => {
    const w = world()
    const token = await accessToken(w, 'bert')
    const bearer = { authorization: `Bearer ${token}` }
    for (let i = 0; i < 5; i++) {
      const res = await w.send(api('', '/api', bearer))
      expect(res.status).toBe(200)
      const echo = (await res.json()) as EchoedRequest
      expect(echo.headers['x-auth-request-user']).toBe('bert')
      expect(echo.headers.authorization).toBe(`Bearer ${token}`)
    }
    expect(await calls('/token/introspection', ['token', token])).toHaveLength(1)
  })

  it('adds userinfo claims with BEARER_USERINFO=true', async () => {
    const w = world({ BEARER_USERINFO: 'true' })
    const token = await accessToken(w, 'beth')
    const res = await w.send(api('', '/api', { authorization: `Bearer ${token}` }))
    const echo = (await res.json()) as EchoedRequest
    expect(echo.headers['x-auth-request-email']).toBe('beth@example.com')
  })

  it('answers 401 invalid_token for an unknown token and 400 invalid_request for a malformed header', async () => {
    const w = world()
    const unknown = await w.send(api('', '/api', { authorization: 'Bearer not-a-real-token' }))
    expect(unknown.status).toBe(401)
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    const malformed = await w.send(api('', '/api', { authorization: 'Bearer a b' }))
    expect(malformed.status).toBe(400)
    expect(malformed.headers.get('www-authenticate')).toBe('Bearer error="invalid_request"')
  })
})

describe('sign-out', () => {
  it('revokes the tokens, deletes the session, clears the cookie and goes to the provider', async () => {
    const w = world()
    const { cookie } = await w.signIn('sara')
    const rec = (await record(cookie))!
    const res = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie, origin: SITE } })
    )
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${inject('issuer')}/session/end`)
    expect(location.searchParams.get('id_token_hint')).toBe(rec.tokens.idToken)
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${SITE}/`)
    expect(res.headers.get('clear-site-data')).toBe('"cookies"')
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-eap_session=; Max-Age=0/)
    const revocations = (await providerRequests()).filter(
      (r) =>
        r.path === '/token/revocation' &&
        (r.params.token === rec.tokens.refreshToken || r.params.token === rec.tokens.accessToken)
    )
    expect(revocations.map((r) => r.params.token_type_hint)).toEqual([
      'refresh_token',
      'access_token',
    ])
    expect(await record(cookie)).toBeNull()
    expect((await w.send(api(cookie))).status).toBe(401)
  })

  it('refuses a cross-site POST and keeps the session', async () => {
    const w = world()
    const { cookie } = await w.signIn('carl')
    const cross = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', accept: 'text/html' },
      })
    )
    expect(cross.status).toBe(403)
    const fetchMeta = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'cross-site' },
      })
    )
    expect(fetchMeta.status).toBe(403)
    expect((await w.send(api(cookie))).status).toBe(200)
  })

  it('shows a page with a button that POSTs', async () => {
    const w = world()
    const { cookie } = await w.signIn('gail')
    const res = await w.send(navigation('/_auth/logout', { headers: { cookie } }))
    expect(res.status).toBe(200)
    const body = await res.text()
    expect(body).toContain('<form method="post" action="/_auth/logout">')
    expect(body).toContain('gail@example.com')
  })
})

describe('/_auth/userinfo', () => {
  it("returns the signed-in user's claims without tokens, and 401 without a session", async () => {
    const w = world()
    const { cookie } = await w.signIn('uma')
    const res = await w.send(api(cookie, '/_auth/userinfo'))
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toEqual({
      sub: 'uma',
      email: 'uma@example.com',
      email_verified: true,
      preferred_username: 'uma',
      name: 'uma',
    })
    expect((await w.send(api('', '/_auth/userinfo'))).status).toBe(401)
  })
})

describe('session lifetime', () => {
  it('ends a session past SESSION_MAX_AGE_SECONDS, even while in use', async () => {
    const w = world({ SESSION_MAX_AGE_SECONDS: '600', INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('max')
    for (let t = 0; t < 9; t++) {
      w.advance(60)
      expect((await w.send(api(cookie))).status).toBe(200)
    }
    w.advance(60)
    expect((await w.send(api(cookie))).status).toBe(401)
  })

  it('ends a session unused for SESSION_IDLE_SECONDS', async () => {
    const w = world({ SESSION_IDLE_SECONDS: '300', INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('idle')
    w.advance(200)
    expect((await w.send(api(cookie))).status).toBe(200)
    w.advance(301)
    expect((await w.send(api(cookie))).status).toBe(401)
  })

  it('gives a new session id to each sign-in and ends the old one', async () => {
    const w = world()
    const first = await w.signIn('fay')
    const second = await signIn('/_auth/login?rd=%2F', 'fay', w.e, (req) => {
      const headers = new Headers(req.headers)
      headers.set('cookie', [headers.get('cookie'), first.cookie].filter(Boolean).join('; '))
      return w.send(new Request(req, { headers }))
    })
    expect(second.cookie).not.toBe(first.cookie)
    expect(await record(first.cookie)).toBeNull()
    expect((await w.send(api(first.cookie))).status).toBe(401)
  })
})

describe('the budget of an ordinary signed-in request', () => {
  it('makes no provider call, at most one KV read and no KV write; idle marks once a minute', async () => {
    const w = world()
    const { cookie } = await w.signIn('budget')
    const { kv, counts } = countingKv(w.e.SESSIONS)
    const counted: Env = { ...w.e, SESSIONS: kv }
    const providerBefore = (await providerRequests()).length
    const n = 20
    for (let i = 0; i < n; i++) {
      w.advance(1)
      expect((await w.send(api(cookie), counted)).status).toBe(200)
    }
    expect(counts.get).toBeLessThanOrEqual(n)
    expect(counts.get).toBeLessThanOrEqual(1)
    expect(counts.put).toBe(0)
    const ours = (await providerRequests())
      .slice(providerBefore)
      .filter((r) => r.params.client_id === CLIENT.id)
    expect(ours).toHaveLength(0)
  })

  it('marks the session as used at most once a minute', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('mark')
    const { kv, counts } = countingKv(w.e.SESSIONS)
    const counted: Env = { ...w.e, SESSIONS: kv }
    w.advance(30)
    expect((await w.send(api(cookie), counted)).status).toBe(200)
    expect(counts.put).toBe(0)
    w.advance(31)
    // One idle mark, with one read first so that a session ended elsewhere is not brought back.
    expect((await w.send(api(cookie), counted)).status).toBe(200)
    expect(counts.put).toBe(1)
    expect(counts.get).toBe(2)
    w.advance(50)
    expect((await w.send(api(cookie), counted)).status).toBe(200)
    expect(counts.put).toBe(1)
    expect((await record(cookie))!.lastSeenAt).toBe(Math.floor(w.clock.ms / 1000) - 50)
  })
})
