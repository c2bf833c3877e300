import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import type { Env } from '../../src/config'
import { countingKv, navigation, providerRequests, signIn } from '../helpers/harness'
import {
  api,
  calls,
  CLIENT,
  LONG_IDLE,
  record,
  sessionClient,
  world,
} from '../helpers/session-world'

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
    // Spoofed identity headers go too, on the Bearer path as everywhere.
    const bearer = {
      authorization: `Bearer ${token}`,
      'X-Auth-Request-User': 'admin',
      x_forwarded_user: 'admin',
    }
    for (let i = 0; i < 5; i++) {
      const res = await w.send(api('', '/api', bearer))
      expect(res.status).toBe(200)
      const echo = (await res.json()) as EchoedRequest
      expect(echo.headers['x-auth-request-user']).toBe('bert')
      expect(echo.headers.authorization).toBe(`Bearer ${token}`)
      expect(echo.headers['x_forwarded_user']).toBeUndefined()
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
    // Idle time is tracked to within the five-minute mark interval.
    w.advance(300 + 301)
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
  it('makes no provider call, at most one KV read and no KV write; idle marks every five minutes', async () => {
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

  it('tracks use without KV writes: the authority holds the latest use', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('mark')
    const { kv, counts } = countingKv(w.e.SESSIONS)
    const counted: Env = { ...w.e, SESSIONS: kv }
    for (const step of [150, 151, 250, 400]) {
      w.advance(step)
      expect((await w.send(api(cookie), counted)).status).toBe(200)
    }
    expect(counts.put + counts.delete).toBe(0)
  })
})
