import { describe, expect, it } from 'vitest'
import { verdictFrom } from '../../src/cache/introspection-cache'

const NOW = 1_800_000_000

describe('verdictFrom', () => {
  it('trusts an active answer for the TTL, but never past the token exp', () => {
    expect(verdictFrom({ active: true, sub: 'a' }, NOW, 60, 10)).toMatchObject({
      active: true,
      sub: 'a',
      cachedUntil: NOW + 60,
    })
    expect(verdictFrom({ active: true, exp: NOW + 5 }, NOW, 60, 10).cachedUntil).toBe(NOW + 5)
  })

  it.each([
    [{ active: 'true' }],
    [{ active: 1 }],
    [{ active: false, sub: 'a' }],
    [{ active: true, exp: NOW }],
    [{ active: true, exp: NOW - 100 }],
  ])('counts %j as inactive, remembered for the negative TTL only', (answer) => {
    const verdict = verdictFrom(answer as never, NOW, 60, 10)
    expect(verdict).toEqual({ v: 1, active: false, cachedUntil: NOW + 10 })
  })

  it('keeps only string identity claims', () => {
    const verdict = verdictFrom(
      { active: true, sub: 'a', username: 7, email: ['x'] } as never,
      NOW,
      60,
      10
    )
    expect(verdict.username).toBeUndefined()
    expect(verdict.email).toBeUndefined()
  })
})
