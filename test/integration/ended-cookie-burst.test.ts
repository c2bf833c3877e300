import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { sendTo, SITE } from '../helpers/harness'
import { api, world } from '../helpers/session-world'

/** `namespace` whose stubs count each method called on them, by name. */
function countingAuthority(namespace: DurableObjectNamespace) {
  const calls: Record<string, number> = {}
  const counted = {
    idFromName: (name: string) => namespace.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = namespace.get(id) as unknown as Record<string, (...a: unknown[]) => unknown>
      return new Proxy(
        {},
        {
          get: (_, name) => {
            if (typeof name !== 'string' || name === 'then') return undefined
            return (...args: unknown[]) => {
              calls[name] = (calls[name] ?? 0) + 1
              return stub[name]!(...args)
            }
          },
        }
      )
    },
  } as unknown as DurableObjectNamespace
  return { counted, calls }
}

describe('a burst of requests with the cookie of a session that ended', () => {
  it('asks its authority once per isolate, as KV is read once (not once per request)', async () => {
    const w = world()
    const { cookie } = await w.signIn('ended-burst')
    const out = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'same-origin', origin: SITE },
      })
    )
    expect(out.status).toBe(302)
    const { counted, calls } = countingAuthority(w.e.SESSION_AUTHORITY)
    const e: Env = { ...w.e, SESSION_AUTHORITY: counted }
    const other = createApp({ now: () => w.clock.ms })
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => sendTo(other, api(cookie), e))
    )
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(401))
    expect(calls).toEqual({ check: 1 })
  })
})
