import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import { api, LONG_IDLE, world } from '../helpers/session-world'

/** A KV wrapper that logs the key and the app's time of every write and delete. */
function loggingKv(inner: KVNamespace, nowSeconds: () => number) {
  const writes: { key: string; at: number }[] = []
  const kv = new Proxy(inner, {
    get(target, name) {
      const method = Reflect.get(target, name) as (...a: unknown[]) => unknown
      if (typeof method !== 'function') return method
      if (name === 'put' || name === 'delete') {
        return (key: string, ...rest: unknown[]) => {
          writes.push({ key: key.split(':')[0]!, at: nowSeconds() })
          return method.call(target, key, ...rest)
        }
      }
      return method.bind(target)
    },
  })
  return { kv, writes }
}

describe('what an active signed-in user costs in KV writes', () => {
  it('an hour of requests every 10 s: no verdict write, one session write per five minutes at most', async () => {
    const w = world({ ...LONG_IDLE, SESSION_IDLE_SECONDS: '1800' })
    const { cookie } = await w.signIn('hour')
    const now = () => Math.floor(w.clock.ms / 1000)
    const { kv, writes } = loggingKv(w.e.SESSIONS, now)
    const counted: Env = { ...w.e, SESSIONS: kv }
    for (let t = 0; t < 3600; t += 10) {
      w.advance(10)
      expect((await w.send(api(cookie), counted)).status).toBe(200)
    }
    expect(writes.filter((w) => w.key === 'introspect')).toEqual([])
    const sessionWrites = writes.filter((w) => w.key === 'session').map((w) => w.at)
    // 3600 s / 300 s = 12 idle marks, and a refresh's write when the access token expired.
    expect(sessionWrites.length).toBeLessThanOrEqual(14)
  })
})
