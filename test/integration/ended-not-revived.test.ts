import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { sendTo, SITE } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'
import { faultyAuthority } from '../support/faulty-authority'

/**
 * A session signed in less than 2 minutes ago whose KV record is gone is taken from its authority
 * (keep-alive.ts fromAuthority, for KV's lag elsewhere). A record deleted because the session
 * ended is gone too: the authority must not bring it back when it missed the end.
 */
describe('a session signed out while its authority failed', () => {
  it('stays signed out in another isolate once the authority answers again (INTROSPECTION=false)', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('revive-after-signout')
    const { namespace, faults } = faultyAuthority(w.e.SESSION_AUTHORITY)
    const e: Env = { ...w.e, SESSION_AUTHORITY: namespace }
    faults.mode = 'throw'
    const out = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'same-origin', origin: SITE },
      }),
      e
    )
    expect(out.status).toBe(302)
    expect(out.headers.getSetCookie().join()).toMatch(/__Host-eap_session=; Max-Age=0/)
    expect(await record(cookie)).toBeNull() // KV no longer holds it
    faults.mode = 'ok'
    w.advance(5)
    // The old cookie (kept by whoever copied it) reaches another isolate of the same location.
    const other = createApp({ now: () => w.clock.ms })
    const res = await sendTo(other, api(cookie), e)
    expect(res.status).toBe(401)
  })
})
