import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import { countingKv } from '../helpers/harness'
import { api, world } from '../helpers/session-world'

const bearer = (token: string, ip: string) =>
  api('', '/api', { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip })

describe('a flood of made-up Bearer tokens from one address', () => {
  it('costs no KV read once the introspection limit answers 429 (the Free plan has 100,000 a day)', async () => {
    const w = world()
    const { kv, counts } = countingKv(w.e.SESSIONS)
    const e: Env = { ...w.e, SESSIONS: kv }
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`
    const statuses: number[] = []
    for (let i = 0; i < 100; i++) {
      statuses.push((await w.send(bearer(`made-up-${crypto.randomUUID()}`, ip), e)).status)
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(80)
    // Each token the limit let through may be looked up once; the 80 refused ones cost nothing.
    expect(counts.get).toBeLessThanOrEqual(20)
    expect(counts.put).toBe(0)
  })
})
