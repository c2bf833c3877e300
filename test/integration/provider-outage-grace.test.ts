import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { createApp } from '../../src/app'
import { navigation, sendTo, SITE } from '../helpers/harness'
import { eventsOf, fakeDataset, withLogs } from '../helpers/logs'
import { api, LONG_IDLE, record, sessionClient, world } from '../helpers/session-world'

type Outage = (req: Request) => Promise<Response>

/** How the provider fails: each as the runtime's `fetch` would show it. */
const OUTAGES: Record<string, Outage> = {
  'a network error': async () => {
    throw new TypeError('Network connection lost.')
  },
  // What AbortSignal.timeout(OAUTH_TIMEOUT_MS) makes fetch throw, without waiting for it.
  'a timeout': async () => {
    throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
  },
  'a 500': async () => new Response('oops', { status: 500 }),
  'a 429': async () =>
    new Response('{"error":"temporarily_unavailable"}', {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '30' },
    }),
}

/**
 * A provider that hangs, held by the test: each call waits until the test times it out (as
 * OAUTH_TIMEOUT_MS would, without waiting for it); `untilHangs(n)` is a deferred promise.
 */
function hangingOutage() {
  const pending: (() => void)[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const state = { hangs: 0 }
  const outage: Outage = () => {
    state.hangs++
    for (const w of waiters.filter((w) => w.n <= state.hangs)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
    return new Promise<Response>((_, reject) =>
      pending.push(() =>
        reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
      )
    )
  }
  return {
    outage,
    state,
    untilHangs: (n: number) =>
      state.hangs >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    timeOut: () => pending.splice(0).forEach((fail) => fail()),
  }
}

type Step = 'refresh' | 'introspection'

/**
 * A world whose provider can be taken down for refreshes and introspection (sign-in and
 * revocation still work), counting what reached those endpoints and the origin.
 */
function outageWorld(overrides: Record<string, unknown> = {}) {
  const state = {
    down: {} as Partial<Record<Step, Outage>>,
    asked: { refresh: 0, introspection: 0 },
    origin: 0,
  }
  const faulty: typeof fetch = async (input, init) => {
    const req = new Request(input, init)
    const url = new URL(req.url)
    if (url.href.startsWith(inject('originUrl'))) state.origin++
    if (url.href.startsWith(inject('issuer'))) {
      const body =
        req.method === 'POST' ? new TextDecoder().decode(await req.clone().arrayBuffer()) : ''
      const step: Step | null =
        url.pathname === '/token/introspection'
          ? 'introspection'
          : url.pathname === '/token' && body.includes('grant_type=refresh_token')
            ? 'refresh'
            : null
      if (step) state.asked[step]++
      const outage = step && state.down[step]
      if (outage) return outage(req)
    }
    return fetch(req)
  }
  const metrics = fakeDataset()
  const w = world({ METRICS: metrics.METRICS, ...overrides }, faulty)
  return { w, state, metrics, faulty }
}

const userSeenByOrigin = async (res: Response) =>
  ((await res.json()) as EchoedRequest).headers['x-auth-request-user']

const logout = (cookie: string) =>
  new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })

describe('grace through a provider outage at introspection', () => {
  for (const [name, outage] of Object.entries(OUTAGES)) {
    it(`${name}: the session goes on for the grace past its verdict, then 503`, async () => {
      const { w, state, metrics } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '120' })
      const { cookie } = await w.signIn('gail')
      const before = await record(cookie)
      state.down.introspection = outage
      // The fresh token's verdict holds 60 s (INTROSPECTION_CACHE_TTL_SECONDS); then the grace.
      w.advance(61)
      metrics.points.length = 0
      const { result: graced, lines } = await withLogs(() => w.send(api(cookie)))
      expect(graced.status).toBe(200)
      expect(await userSeenByOrigin(graced)).toBe('gail')
      expect(state.asked.introspection).toBe(1)
      const [grace, ...more] = eventsOf(lines, 'session.grace')
      expect(more).toEqual([])
      expect(grace).toMatchObject({ level: 'warn', step: 'introspection', grace_left_seconds: 119 })
      expect(JSON.stringify(lines)).not.toContain(before!.tokens.accessToken)
      expect(metrics.events()).toEqual([['grace', 'introspection']])

      // Within the grace: still in; the provider is asked again at most every 10 s.
      for (let t = 0; t < 5; t++) {
        w.advance(20)
        expect((await w.send(api(cookie))).status).toBe(200)
      }
      expect(state.asked.introspection).toBe(6)
      // 60 s of verdict and 120 s of grace after sign-in: over.
      w.advance(180 - 161)
      const origin = state.origin
      const over = await w.send(api(cookie))
      expect(over.status).toBe(503)
      expect(await over.json()).toMatchObject({ error: 'idp_unavailable' })
      expect(over.headers.get('retry-after')).toBe(name === 'a 429' ? '30' : '10')
      expect(state.origin).toBe(origin)
      expect(await record(cookie)).toEqual(before)

      // The provider is back: the same session goes on.
      state.down = {}
      expect((await w.send(api(cookie))).status).toBe(200)
    })
  }

  it('a provider that hangs holds up no request in grace: it is asked again behind them', async () => {
    const { w, state } = outageWorld()
    const { cookie } = await w.signIn('hana')
    const hang = hangingOutage()
    state.down.introspection = hang.outage
    w.advance(61)
    // The first request past the verdict waits for the provider, until its timeout.
    const first = w.send(api(cookie))
    await hang.untilHangs(1)
    hang.timeOut()
    expect((await first).status).toBe(200)
    // 10 s on, in grace, the provider is asked again and hangs: no request waits for it.
    w.advance(11)
    const ctx = createExecutionContext()
    const asking = await w.app.fetch(api(cookie), w.e, ctx)
    expect(asking.status).toBe(200)
    expect(hang.state.hangs).toBe(2)
    const meanwhile = createExecutionContext()
    expect((await w.app.fetch(api(cookie), w.e, meanwhile)).status).toBe(200)
    expect(hang.state.hangs).toBe(2)
    hang.timeOut()
    await waitOnExecutionContext(ctx)
    await waitOnExecutionContext(meanwhile)
    // Still down: the grace goes on, and the provider is asked again 10 s later.
    w.advance(11)
    const later = createExecutionContext()
    expect((await w.app.fetch(api(cookie), w.e, later)).status).toBe(200)
    expect(hang.state.hangs).toBe(3)
    hang.timeOut()
    await waitOnExecutionContext(later)
  })

  it('PROVIDER_OUTAGE_GRACE_SECONDS=0: a 503 as soon as the verdict runs out, counted', async () => {
    const { w, state, metrics } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '0' })
    const { cookie } = await w.signIn('zero')
    state.down.introspection = OUTAGES['a 500']
    w.advance(61)
    const { result, lines } = await withLogs(() => w.send(api(cookie)))
    expect(result.status).toBe(503)
    expect(result.headers.get('retry-after')).toBe('10')
    expect(eventsOf(lines, 'session.grace')).toEqual([])
    expect(metrics.events()).toEqual([
      ['sign_in', ''],
      ['upstream_error', 'idp_unavailable'],
    ])
  })

  it('refuses a PROVIDER_OUTAGE_GRACE_SECONDS that is not a whole number, naming it', async () => {
    for (const bad of ['-1', '5m']) {
      const res = await world({ PROVIDER_OUTAGE_GRACE_SECONDS: bad }).send(navigation('/'))
      expect(res.status).toBe(500)
      const page = await res.text()
      expect(page).toContain('PROVIDER_OUTAGE_GRACE_SECONDS must be a whole number &#62;= 0')
      expect(page).not.toContain(bad)
    }
  })

  it('gives no grace to a token the provider called inactive', async () => {
    const { w, state } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '3000' })
    const { cookie } = await w.signIn('ina')
    const rec = (await record(cookie))!
    await sessionClient().revokeToken(rec.tokens.accessToken, 'access_token')
    // Introspection answers (inactive); the refresh that could save the session cannot be made.
    state.down.refresh = OUTAGES['a 500']
    w.advance(61)
    const origin = state.origin
    const { result, lines } = await withLogs(() => w.send(api(cookie)))
    expect(state.asked).toEqual({ introspection: 1, refresh: 1 })
    expect(result.status).toBe(503)
    expect(state.origin).toBe(origin)
    expect(eventsOf(lines, 'session.grace')).toEqual([])
  })

  it('gives no grace later either, once the provider called the token inactive and went down', async () => {
    const { w, state } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '3000' })
    const { cookie } = await w.signIn('inb')
    const rec = (await record(cookie))!
    await sessionClient().revokeToken(rec.tokens.accessToken, 'access_token')
    state.down.refresh = OUTAGES['a 500']
    w.advance(61)
    expect((await w.send(api(cookie))).status).toBe(503)
    // The inactive verdict's 10 s (INTROSPECTION_NEGATIVE_TTL_SECONDS) are over, and now the
    // provider cannot answer at all: the last thing it said of this token is still "inactive".
    state.down.introspection = OUTAGES['a 500']
    for (const wait of [11, 60]) {
      w.advance(wait)
      const origin = state.origin
      const { result, lines } = await withLogs(() => w.send(api(cookie)))
      expect(result.status).toBe(503)
      expect(state.origin).toBe(origin)
      expect(eventsOf(lines, 'session.grace')).toEqual([])
    }
  })
})

describe('grace through a provider outage at refresh', () => {
  it('goes on past the access token’s exp for the grace, never longer; then refreshes', async () => {
    const { w, state, metrics } = outageWorld({ ...LONG_IDLE, INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('rhea')
    const before = (await record(cookie))!
    const exp = before.tokens.expiresAt!
    const at = (t: number) => (w.clock.ms = t * 1000 + 500)
    state.down.refresh = OUTAGES['a network error']
    at(exp - 20) // within REFRESH_SKEW_SECONDS (30): due
    metrics.points.length = 0
    const { result, lines } = await withLogs(() => w.send(api(cookie)))
    expect(result.status).toBe(200)
    expect(await userSeenByOrigin(result)).toBe('rhea')
    // The default grace: 300 s past exp.
    expect(eventsOf(lines, 'session.grace')).toMatchObject([
      { step: 'refresh', grace_left_seconds: 320 },
    ])
    expect(metrics.events()).toEqual([['grace', 'refresh']])
    at(exp + 299)
    expect((await w.send(api(cookie))).status).toBe(200)
    at(exp + 300)
    const over = await w.send(api(cookie))
    expect(over.status).toBe(503)
    expect(await over.json()).toMatchObject({ error: 'idp_unavailable' })
    expect(over.headers.get('retry-after')).toBe('10')
    expect(state.asked.refresh).toBe(3)
    expect((await record(cookie))!.tokens).toEqual(before.tokens)

    // Back: one refresh, counted, and the session goes on with the new tokens.
    state.down = {}
    metrics.points.length = 0
    expect((await w.send(api(cookie))).status).toBe(200)
    expect(metrics.events()).toEqual([['refresh', '']])
    expect((await record(cookie))!.tokens.accessToken).not.toBe(before.tokens.accessToken)
  })

  it('gives no grace on invalid_grant: the session and its cookie are gone', async () => {
    const { w } = outageWorld({ ...LONG_IDLE, PROVIDER_OUTAGE_GRACE_SECONDS: '3000' })
    const { cookie } = await w.signIn('ivy')
    const rec = (await record(cookie))!
    await sessionClient().revokeToken(rec.tokens.refreshToken!, 'refresh_token')
    w.advance(3600)
    const { result, lines } = await withLogs(() => w.send(api(cookie)))
    expect(result.status).toBe(401)
    expect(result.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^__Host-eap_session=; Max-Age=0/)
    )
    expect(eventsOf(lines, 'session.grace')).toEqual([])
    expect(await record(cookie)).toBeNull()
  })
})

describe('grace ends with the session', () => {
  it('never past SESSION_MAX_AGE_SECONDS', async () => {
    const { w, state } = outageWorld({
      SESSION_MAX_AGE_SECONDS: '600',
      PROVIDER_OUTAGE_GRACE_SECONDS: '3000',
    })
    const { cookie } = await w.signIn('maxi')
    state.down.introspection = OUTAGES['a 500']
    for (let t = 0; t < 11; t++) {
      w.advance(50)
      expect((await w.send(api(cookie))).status).toBe(200)
    }
    w.advance(50) // 600 s after sign-in
    const res = await w.send(api(cookie))
    expect(res.status).toBe(401)
    expect(await record(cookie)).toBeNull()
  })

  it('never past SESSION_IDLE_SECONDS', async () => {
    const { w, state } = outageWorld({
      SESSION_IDLE_SECONDS: '300',
      PROVIDER_OUTAGE_GRACE_SECONDS: '3000',
    })
    const { cookie } = await w.signIn('idla')
    state.down.introspection = OUTAGES['a 500']
    w.advance(61)
    expect((await w.send(api(cookie))).status).toBe(200)
    // Idle time is tracked to within the five-minute mark interval.
    w.advance(300 + 301)
    expect((await w.send(api(cookie))).status).toBe(401)
  })

  it('never after sign-out, here or in another isolate', async () => {
    const { w, state } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '3000' })
    const here = await w.signIn('sign')
    const there = await w.signIn('sign')
    state.down.introspection = OUTAGES['a 500']
    w.advance(61)
    expect((await w.send(api(here.cookie))).status).toBe(200)
    expect((await w.send(api(there.cookie))).status).toBe(200)

    expect((await w.send(logout(here.cookie))).status).toBe(302)
    expect((await w.send(api(here.cookie))).status).toBe(401)

    // Another isolate signs the other session out (its authority, a Durable Object, ends it):
    // this isolate learns it at its next check, within INTROSPECTION_CACHE_TTL_SECONDS.
    const elsewhere = createApp({ now: () => w.clock.ms })
    expect((await sendTo(elsewhere, logout(there.cookie), w.e)).status).toBe(302)
    w.advance(61)
    const { result, lines } = await withLogs(() => w.send(api(there.cookie)))
    expect(result.status).toBe(401)
    expect(eventsOf(lines, 'session.grace')).toEqual([])
  })
})

describe('grace for Bearer tokens', () => {
  it('an active verdict goes on for the grace past its cache, then 503', async () => {
    const { w, state, metrics } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '120' })
    const { cookie } = await w.signIn('bea')
    const token = (await record(cookie))!.tokens.accessToken
    const bearer = () => api('', '/api', { authorization: `Bearer ${token}` })
    expect((await w.send(bearer())).status).toBe(200)
    state.down.introspection = OUTAGES['a timeout']
    w.advance(61)
    metrics.points.length = 0
    const { result, lines } = await withLogs(() => w.send(bearer()))
    expect(result.status).toBe(200)
    expect(await userSeenByOrigin(result)).toBe('bea')
    expect(eventsOf(lines, 'bearer.grace')).toMatchObject([{ grace_left_seconds: 119 }])
    expect(JSON.stringify(lines)).not.toContain(token)
    expect(metrics.events()).toEqual([['grace', 'bearer']])
    w.advance(119)
    const over = await w.send(bearer())
    expect(over.status).toBe(503)
    expect(await over.json()).toMatchObject({ error: 'idp_unavailable' })
  })

  it('gives no grace to a token the provider called inactive since its active verdict', async () => {
    const { w, state, faulty } = outageWorld({ PROVIDER_OUTAGE_GRACE_SECONDS: '3000' })
    const { cookie } = await w.signIn('bei')
    const token = (await record(cookie))!.tokens.accessToken
    const bearer = () => api('', '/api', { authorization: `Bearer ${token}` })
    expect((await w.send(bearer())).status).toBe(200)
    await sessionClient().revokeToken(token, 'access_token')
    w.advance(61)
    expect((await w.send(bearer())).status).toBe(401)
    // Past the inactive verdict's 10 s, the provider goes down: here, and in another isolate
    // that never saw the token, the old active verdict (in KV) must not let it back in.
    state.down.introspection = OUTAGES['a 500']
    w.advance(11)
    const elsewhere = createApp({ now: () => w.clock.ms, fetch: faulty })
    for (const send of [w.send, (req: Request) => sendTo(elsewhere, req, w.e)]) {
      const origin = state.origin
      const { result, lines } = await withLogs(() => send(bearer()))
      expect(result.status).toBe(503)
      expect(state.origin).toBe(origin)
      expect(eventsOf(lines, 'bearer.grace')).toEqual([])
    }
  })

  it('gives no grace to an unknown token', async () => {
    const { w, state } = outageWorld()
    state.down.introspection = OUTAGES['a 500']
    const res = await w.send(api('', '/api', { authorization: 'Bearer never-seen' }))
    expect(res.status).toBe(503)
  })
})
