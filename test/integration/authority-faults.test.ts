import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { sendTo, SITE } from '../helpers/harness'
import { api, world } from '../helpers/session-world'
import { faultyAuthority } from '../support/faulty-authority'
import { throughHangs } from '../support/hangs'

/** The default KV_TIMEOUT_MS, which bounds every session-store call (KV and Durable Object). */
const KV_TIMEOUT_MS = 3000

/**
 * A signed-in user, and a fresh isolate (no memory of the session) whose `SESSION_AUTHORITY`
 * has faults the test sets; it counts what reached the origin.
 */
async function signedInWithFaultyAuthority(username: string) {
  const w = world()
  const { cookie } = await w.signIn(username)
  const { namespace, faults } = faultyAuthority(w.e.SESSION_AUTHORITY)
  const e: Env = { ...w.e, SESSION_AUTHORITY: namespace }
  const seen = { origin: 0 }
  const counting: typeof fetch = async (input, init) => {
    if (new Request(input, init).url.startsWith(inject('originUrl'))) seen.origin++
    return fetch(input, init)
  }
  const app = createApp({ now: () => w.clock.ms, fetch: counting })
  return { w, cookie, faults, seen, send: (req: Request) => sendTo(app, req, e) }
}

afterEach(() => vi.useRealTimers())

describe('the session authority (Durable Object) failing on a signed-in request', () => {
  for (const fault of ['throw', 'hang'] as const) {
    it(`${fault}s: 503 with Retry-After, nothing reaches the origin, the session kept`, async () => {
      const { cookie, faults, seen, send } = await signedInWithFaultyAuthority(`do${fault}`)
      faults.mode = fault
      const res = await throughHangs(faults, KV_TIMEOUT_MS, () => send(api(cookie)))
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('10')
      expect(await res.json()).toMatchObject({ error: 'session_store_unavailable' })
      expect(res.headers.getSetCookie()).toEqual([])
      expect(seen.origin).toBe(0)
      faults.mode = 'ok'
      expect((await send(api(cookie))).status).toBe(200)
    })
  }
})

describe('the session authority hanging at sign-out', () => {
  it('the sign-out still answers: the cookie is cleared', async () => {
    const { cookie, faults, send } = await signedInWithFaultyAuthority('dologout')
    faults.mode = 'hang'
    const logout = new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
    const res = await throughHangs(faults, KV_TIMEOUT_MS, () => send(logout))
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-eap_session=; Max-Age=0/)
  })
})

describe('the session authority failing where an operator ends sessions', () => {
  it('throws: 503 session_store_unavailable with Retry-After (try again), not a 500', async () => {
    const ADMIN_TOKEN = 'an-operator-secret-of-at-least-32-characters'
    const w = world({ ADMIN_TOKEN })
    const { namespace, faults } = faultyAuthority(w.e.SESSION_AUTHORITY)
    const e: Env = { ...w.e, SESSION_AUTHORITY: namespace }
    faults.mode = 'throw'
    const res = await sendTo(
      w.app,
      new Request(`${SITE}/_auth/admin/sessions/end`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'someone' }),
      }),
      e
    )
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('10')
    expect(await res.json()).toMatchObject({ error: 'session_store_unavailable' })
  })
})
