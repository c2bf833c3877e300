import { describe, expect, it } from 'vitest'
import { forgetToken, tokenHash } from '../../src/cache/introspection-cache'
import { bearerClaims, verdictFrom } from '../../src/cache/token-verdict'
import { createIsolateMemory } from '../../src/isolate-memory'

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

describe('tokenHash', () => {
  const sha256 = async (value: string) =>
    Array.from(
      new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))),
      (b) => b.toString(16).padStart(2, '0')
    ).join('')

  it('is the SHA-256 hex of the token, the same when asked again and after many other tokens', async () => {
    const { tokenHashes } = createIsolateMemory()
    const tokenHash_ = (t: string) => tokenHash(t, tokenHashes)
    const token = 'eyJhbGciOiJSUzI1NiJ9.e30.sig'
    const expected = await sha256(token)
    expect(await tokenHash_(token)).toBe(expected)
    expect(await tokenHash_(token)).toBe(expected)
    for (let i = 0; i < 1500; i++) await tokenHash_(`other-${i}`)
    expect(await tokenHash_(token)).toBe(expected)
    expect(await tokenHash_('other-1499')).toBe(await sha256('other-1499'))
    expect(tokenHashes.size).toBe(1000)
  })

  it('forgetToken gives the same key, so sign-out drops the right verdict', async () => {
    const { tokenHashes } = createIsolateMemory()
    const token = 'signed-out-token'
    const key = await tokenHash(token, tokenHashes)
    expect(await forgetToken(token, tokenHashes)).toBe(key)
    expect(tokenHashes.get(token)).toBeUndefined()
    expect(await tokenHash(token, tokenHashes)).toBe(key)
  })
})

describe('bearerClaims: an email and its verification come from one answer', () => {
  const verdict = verdictFrom(
    { active: true, sub: 'u1', email: 'mallory@gmail.example', email_verified: true },
    NOW,
    60,
    10
  )

  it('takes both from userinfo when userinfo names an email, verified or not', () => {
    expect(bearerClaims(verdict, { email: 'ceo@corp.example' })).toMatchObject({
      email: 'ceo@corp.example',
    })
    expect(bearerClaims(verdict, { email: 'ceo@corp.example' })).not.toHaveProperty(
      'email_verified'
    )
    expect(
      bearerClaims(verdict, { email: 'ceo@corp.example', email_verified: true })
    ).toMatchObject({ email: 'ceo@corp.example', email_verified: true })
  })

  it("keeps the introspection answer's pair when userinfo names no email", () => {
    expect(bearerClaims(verdict, { name: 'M', email_verified: false })).toMatchObject({
      email: 'mallory@gmail.example',
      email_verified: true,
      name: 'M',
    })
    expect(bearerClaims(verdict, undefined)).toMatchObject({
      sub: 'u1',
      email: 'mallory@gmail.example',
      email_verified: true,
    })
  })
})
