import { describe, expect, it } from 'vitest'
import { api, calls, world } from '../helpers/session-world'

const bearer = (token: string, ip: string) =>
  api('', '/api', { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip })

describe('introspection of unknown Bearer tokens', () => {
  it('is limited to 20 a minute per client address: then 429 with Retry-After, no provider call', async () => {
    const w = world()
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`
    const statuses: number[] = []
    const tokens = Array.from({ length: 30 }, () => `made-up-${crypto.randomUUID()}`)
    for (const token of tokens) {
      const res = await w.send(bearer(token, ip))
      statuses.push(res.status)
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('60')
        expect(await res.json()).toMatchObject({ error: 'rate_limited' })
      }
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401))
    expect(statuses.slice(20)).toEqual(Array(10).fill(429))
    const asked = await calls('/token/introspection')
    const ours = asked.filter((r) => tokens.includes(r.params.token ?? ''))
    expect(ours).toHaveLength(20)
    // Another address is not held back.
    expect((await w.send(bearer('made-up-other', '203.0.113.7'))).status).toBe(401)
  })
})
