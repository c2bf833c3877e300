import { describe, expect, it } from 'vitest'
import { api, calls, world } from '../helpers/session-world'

const bearer = (token: string, ip: string) =>
  api('', '/api', { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip })

const hex = () => Math.floor(Math.random() * 0xffff).toString(16)

describe('introspection of unknown Bearer tokens from IPv6 clients', () => {
  it('is limited per /64 (what one host holds), not per address: a new address per token is held back too', async () => {
    const w = world()
    const prefix = `2001:db8:${hex()}:${hex()}`
    const statuses: number[] = []
    const tokens = Array.from({ length: 30 }, () => `made-up-${crypto.randomUUID()}`)
    for (const token of tokens) {
      // One host of a /64 sends each made-up token from another of its 2^64 addresses.
      const res = await w.send(bearer(token, `${prefix}:${hex()}:${hex()}:${hex()}:${hex()}`))
      statuses.push(res.status)
    }
    expect(statuses.slice(20)).toEqual(Array(10).fill(429))
    const asked = await calls('/token/introspection')
    expect(asked.filter((r) => tokens.includes(r.params.token ?? ''))).toHaveLength(20)
    // Another /64 is not held back.
    const other = `2001:db8:${hex()}:${hex()}::1`
    expect((await w.send(bearer('made-up-other-net', other))).status).toBe(401)
  })
})
