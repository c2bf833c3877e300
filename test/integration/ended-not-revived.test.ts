import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { sendTo, SITE } from '../helpers/harness'
import { eventsOf, withLogs } from '../helpers/logs'
import { api, record, world } from '../helpers/session-world'
import { faultyAuthority } from '../support/faulty-authority'

/**
 * A session signed in less than 2 minutes ago whose KV record is gone is taken from its authority
 * (keep-alive.ts fromAuthority, for KV's lag elsewhere). A record deleted because the session
 * ended is gone too: the authority must not bring it back because it missed the end. The end is
 * tried again at once behind the answer (session/authority.ts endAtAuthority).
 */
describe('a session signed out while its authority failed', () => {
  const signOut = (cookie: string) =>
    new Request(`${SITE}/_auth/logout`, {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'same-origin', origin: SITE },
    })

  it('stays signed out in another isolate when the authority failed once (INTROSPECTION=false)', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('revive-after-signout')
    const { namespace, faults } = faultyAuthority(w.e.SESSION_AUTHORITY)
    const e: Env = { ...w.e, SESSION_AUTHORITY: namespace }
    faults.throwNext = 1
    const out = await w.send(signOut(cookie), e)
    expect(out.status).toBe(302)
    expect(out.headers.getSetCookie().join()).toMatch(/__Host-eap_session=; Max-Age=0/)
    expect(await record(cookie)).toBeNull() // KV no longer holds it
    w.advance(5)
    // The old cookie (kept by whoever copied it) reaches another isolate of the same location.
    const other = createApp({ now: () => w.clock.ms })
    expect((await sendTo(other, api(cookie), e)).status).toBe(401)
  })

  it('logs the end as lost when the authority failed at every attempt; the cookie is cleared', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('end-lost')
    const { namespace, faults } = faultyAuthority(w.e.SESSION_AUTHORITY)
    faults.mode = 'throw'
    const { result: out, lines } = await withLogs(() =>
      w.send(signOut(cookie), { ...w.e, SESSION_AUTHORITY: namespace })
    )
    expect(out.status).toBe(302)
    expect(out.headers.getSetCookie().join()).toMatch(/__Host-eap_session=; Max-Age=0/)
    expect(eventsOf(lines, 'auth.logout.authority_failed')).toHaveLength(1)
    expect(eventsOf(lines, 'session.end_failed')).toHaveLength(1)
  })
})
