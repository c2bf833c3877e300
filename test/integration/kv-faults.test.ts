import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { userIndexFor } from '../../src/session/authority'
import {
  callbackRequest,
  loginAtProvider,
  navigation,
  providerRequests,
  sendTo,
  sessionCount,
  SITE,
  startSignIn,
} from '../helpers/harness'
import { eventsOf, withLogs } from '../helpers/logs'
import { api, record, world } from '../helpers/session-world'
import { faultyKv, type KvFault, type KvFaults } from '../support/faulty-kv'
import { throughHangs } from '../support/hangs'

/** The default KV_TIMEOUT_MS. */
const KV_TIMEOUT_MS = 3000

/**
 * A signed-in user (signed in with a working KV), and a fresh isolate (no memory of the session)
 * whose KV has faults the test sets; it counts what reached the origin.
 */
async function signedInWithFaultyKv(username: string, overrides: Record<string, unknown> = {}) {
  const w = world(overrides)
  const { cookie } = await w.signIn(username)
  const { kv, faults } = faultyKv(w.e.SESSIONS)
  const e: Env = { ...w.e, SESSIONS: kv }
  const seen = { origin: 0 }
  const counting: typeof fetch = async (input, init) => {
    const url = new Request(input, init).url
    if (url.startsWith(inject('originUrl'))) seen.origin++
    return fetch(input, init)
  }
  const app = createApp({ now: () => w.clock.ms, fetch: counting })
  return { w, cookie, faults, e, seen, app, send: (req: Request) => sendTo(app, req, e) }
}

afterEach(() => vi.useRealTimers())

/**
 * A sign-out through a hanging KV, timers faked: the clock moves by the KV timeout once the
 * record's read hangs, and again for the KV delete in the background only after the answer (by
 * then the session's Durable Object, whose call the same timeout bounds, has answered).
 */
async function signOutThroughHangs(
  faults: KvFaults,
  send: (ctx: ExecutionContext) => Response | Promise<Response>
) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  try {
    const ctx = createExecutionContext()
    const pending = Promise.resolve(send(ctx))
    await faults.untilHangs(faults.hangs + 1)
    await vi.advanceTimersByTimeAsync(KV_TIMEOUT_MS)
    const res = await pending
    await vi.advanceTimersByTimeAsync(KV_TIMEOUT_MS)
    await waitOnExecutionContext(ctx)
    return res
  } finally {
    vi.useRealTimers()
  }
}

const logoutRequest = (cookie: string) =>
  new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })

describe('KV faults on a signed-in request', () => {
  for (const fault of ['throw', 'hang'] as KvFault[]) {
    it(`KV get ${fault}s: 503 with Retry-After, JSON and page; nothing reaches the origin`, async () => {
      const { cookie, faults, seen, send } = await signedInWithFaultyKv(`kv${fault}`)
      faults.mode.get = fault
      const { result: res, lines } = await withLogs(() =>
        throughHangs(faults, KV_TIMEOUT_MS, () => send(api(cookie)))
      )
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('10')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.json()).toMatchObject({ error: 'session_store_unavailable' })
      expect(res.headers.getSetCookie()).toEqual([])
      expect(eventsOf(lines, 'request.failed')).toMatchObject([
        {
          code: 'session_store_unavailable',
          cause: expect.stringContaining('SessionStoreUnavailableError'),
        },
      ])
      const page = await throughHangs(faults, KV_TIMEOUT_MS, () =>
        send(navigation('/page', { headers: { cookie } }))
      )
      expect(page.status).toBe(503)
      expect(await page.text()).toContain('href="/page">Try again</a>')
      expect(seen.origin).toBe(0)
      // The session itself is untouched: with KV back, the same cookie works.
      faults.all('ok')
      expect((await send(api(cookie))).status).toBe(200)
      expect(seen.origin).toBe(1)
    })
  }

  it('a hanging KV is given up after KV_TIMEOUT_MS, not before', async () => {
    const { cookie, faults, seen, send } = await signedInWithFaultyKv('kvbound', {
      KV_TIMEOUT_MS: '1500',
    })
    faults.mode.get = 'hang'
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let status = 0
    const pending = send(api(cookie)).then((res) => (status = res.status))
    await faults.untilHangs(1)
    await vi.advanceTimersByTimeAsync(1499)
    expect(status).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    await pending
    expect(status).toBe(503)
    expect(seen.origin).toBe(0)
  })

  it('refuses a KV_TIMEOUT_MS that is not a whole number', async () => {
    const w = world({ KV_TIMEOUT_MS: 'soon' })
    const res = await w.send(navigation('/'))
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('KV_TIMEOUT_MS must be a whole number')
  })
})

describe('KV faults at the callback', () => {
  for (const fault of ['throw', 'hang'] as KvFault[]) {
    it(`a session write that ${fault}s: no session cookie, a page to try again`, async () => {
      const w = world()
      const { kv, faults } = faultyKv(w.e.SESSIONS)
      const e: Env = { ...w.e, SESSIONS: kv }
      const app = createApp({ now: () => w.clock.ms })
      const before = await sessionCount(w.e)
      const { authorizeUrl, jar } = await startSignIn('/after', e, SITE, (req) =>
        sendTo(app, req, e)
      )
      const callbackUrl = await loginAtProvider(authorizeUrl.href, `cb${fault}`)
      faults.mode.put = fault
      const res = await throughHangs(faults, KV_TIMEOUT_MS, () =>
        sendTo(app, callbackRequest(callbackUrl, jar), e)
      )
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('10')
      const cookies = res.headers.getSetCookie()
      expect(cookies.some((c) => /eap_session=/.test(c))).toBe(false)
      // The used login cookie is cleared: the next try starts a new sign-in.
      expect(cookies).toContainEqual(expect.stringMatching(/eap_login.*Max-Age=0/))
      const page = await res.text()
      expect(page).toContain('<code>session_store_unavailable</code>')
      expect(page).toContain('href="/_auth/login?rd=%2Fafter"')
      expect(await sessionCount(w.e)).toBe(before)
      // Nor is a session left live in its Durable Object (the user's index finds none).
      const index = await userIndexFor(w.e.SESSION_AUTHORITY, `cb${fault}`)
      expect((await index.endAll('test')).ended).toBe(0)

      // KV back: signing in again works.
      faults.all('ok')
      const again = await w.signIn(`cb${fault}`)
      expect(again.callback.status).toBe(302)
      expect(await record(again.cookie)).not.toBeNull()
    })
  }
})

describe('KV faults at sign-out', () => {
  for (const fault of ['throw', 'hang'] as KvFault[]) {
    it(`KV that ${fault}s: the cookie is cleared and the tokens revoked`, async () => {
      const { cookie, faults, send, w, app, e } = await signedInWithFaultyKv(`so${fault}`)
      const tokens = (await record(cookie))!.tokens
      faults.all(fault)
      const res =
        fault === 'throw'
          ? await send(logoutRequest(cookie))
          : await signOutThroughHangs(faults, (ctx) => app.fetch(logoutRequest(cookie), e, ctx))
      expect(res.status).toBe(302)
      expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-eap_session=; Max-Age=0/)
      expect(res.headers.get('clear-site-data')).toBe('"cache", "cookies"')
      const revoked = (await providerRequests()).filter(
        (r) =>
          r.path === '/token/revocation' &&
          (r.params.token === tokens.refreshToken || r.params.token === tokens.accessToken)
      )
      expect(revoked.map((r) => r.params.token_type_hint)).toEqual([
        'refresh_token',
        'access_token',
      ])
      // Ended everywhere (its authority says so), though KV could not delete the record: the
      // isolate that signed in learns it at its next check.
      faults.all('ok')
      w.advance(61)
      expect((await w.send(api(cookie))).status).toBe(401)
    })
  }
})
