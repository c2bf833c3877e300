import { describe, expect, it } from 'vitest'
import { authorityFor, userIndexFor } from '../../src/session/authority'
import { newSessionId } from '../../src/session/session-store'
import { world } from '../helpers/session-world'

/**
 * The callback registers a session with its authority and adds it to its user's (and sid's) index
 * at the same time (routes/callback.ts), so an operator's call or a back-channel logout may reach
 * the index between the two: the member is there, its authority knows nothing yet.
 */
describe("ending a user's sessions while one of them is still being signed in", () => {
  it('the member the index could not end yet is kept: the next call ends it', async () => {
    const w = world()
    const now = Math.floor(w.clock.ms / 1000)
    const until = now + 3600
    const id = newSessionId()
    const sub = 'index-race-user'
    const index = await userIndexFor(w.e.SESSION_AUTHORITY, sub)
    await index.add(id, until)
    // The operator's call lands now: the session's authority has no record yet.
    expect((await index.endAll('operator')).ended).toBe(0)
    // The sign-in's registration arrives: the session is live.
    await authorityFor(w.e.SESSION_AUTHORITY, id).register({
      until,
      tokens: { accessToken: 'at-index-race', tokenType: 'Bearer' },
      claims: { sub },
      lastSeenAt: now,
    })
    // The operator, seeing the user still signed in, ends the sessions again.
    expect(await index.endAll('operator')).toMatchObject({ ended: 1, ids: [id] })
    expect((await authorityFor(w.e.SESSION_AUTHORITY, id).check(now)).live).toBe(false)
  })
})
