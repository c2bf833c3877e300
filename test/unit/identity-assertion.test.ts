import { createLocalJWKSet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { MemoryCache } from '../../src/cache/memory-cache'
import {
  identityAssertion,
  publicJwks,
  type AssertionMemory,
  type AssertionSettings,
} from '../../src/proxy/identity-assertion'
import { parseEcPrivateJwk } from '../../src/utils/jwk'
import { TEST_IDENTITY_KEY } from '../support/identity-keys'

const settings: AssertionSettings = {
  signingKey: parseEcPrivateJwk(TEST_IDENTITY_KEY, 'K').key!,
  previousKey: undefined,
  issuer: 'https://app.example.com',
  audience: 'https://origin.example.com',
  ttlSeconds: 300,
}
const memory = (): AssertionMemory => ({
  assertions: new MemoryCache(10),
  signingKeys: new WeakMap(),
})
const verify = async (jwt: string) =>
  (
    await jwtVerify(jwt, createLocalJWKSet(publicJwks(settings)), {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ['ES256'],
      currentDate: new Date(1_800_000_000_000),
    })
  ).payload

describe('identityAssertion', () => {
  it('carries non-ASCII values as UTF-8 JSON, groups as an array, and the email only when verified', async () => {
    const now = 1_800_000_000
    const jwt = await identityAssertion(
      {
        sub: 'céline',
        email: 'céline@exemple.fr',
        email_verified: true,
        preferred_username: '李雷',
        name: 'Céline',
        groups: ['équipe', 'a,b'],
      },
      settings,
      memory(),
      now
    )
    expect(await verify(jwt)).toEqual({
      iss: 'https://app.example.com',
      aud: 'https://origin.example.com',
      sub: 'céline',
      email: 'céline@exemple.fr',
      email_verified: true,
      preferred_username: '李雷',
      groups: ['équipe', 'a,b'],
      iat: now,
      exp: now + 300,
    })
    for (const email_verified of [false, undefined]) {
      const claims = await verify(
        await identityAssertion(
          { sub: 'u', email: 'u@x.test', ...(email_verified === false && { email_verified }) },
          settings,
          memory(),
          now
        )
      )
      expect(claims.email).toBeUndefined()
      expect(claims.email_verified).toBeUndefined()
    }
  })

  it('keeps one assertion per identity, a new one when the identity changes', async () => {
    const m = memory()
    const now = 1_800_000_000
    const a = await identityAssertion({ sub: 'u', groups: ['x'] }, settings, m, now)
    expect(await identityAssertion({ sub: 'u', groups: ['x'] }, settings, m, now + 10)).toBe(a)
    const b = await identityAssertion({ sub: 'u', groups: ['x', 'y'] }, settings, m, now + 10)
    expect(b).not.toBe(a)
    expect((await verify(b)).groups).toEqual(['x', 'y'])
  })
})

describe('identityAssertion across configurations', () => {
  it('does not reuse an assertion made for another audience or lifetime', async () => {
    const m = memory()
    const now = 1_800_000_000
    const first = await identityAssertion({ sub: 'u' }, settings, m, now)
    const other = { ...settings, audience: 'urn:other' }
    const forOther = await identityAssertion({ sub: 'u' }, other, m, now)
    expect(forOther).not.toBe(first)
    const longer = { ...settings, ttlSeconds: 600 }
    expect(await identityAssertion({ sub: 'u' }, longer, m, now)).not.toBe(first)
    expect(await identityAssertion({ sub: 'u' }, settings, m, now)).toBe(first)
  })
})

describe('the remembered assertion key', () => {
  it('follows the settings: the same claims object under another audience gets its own assertion', async () => {
    const mem = { ...memory(), assertionKeys: new WeakMap() }
    const claims = { sub: 'u1', email: 'u1@example.com', email_verified: true }
    const now = 1_800_000_000
    const first = await identityAssertion(claims, settings, mem, now)
    expect(await identityAssertion(claims, settings, mem, now)).toBe(first)
    const other = { ...settings, audience: 'https://other.example.com' }
    const second = await identityAssertion(claims, other, mem, now)
    expect(second).not.toBe(first)
    const payloadOf = (jwt: string) =>
      JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))
    expect(payloadOf(second)).toMatchObject({ aud: 'https://other.example.com', sub: 'u1' })
    // Other claims (a new object after a refresh) are signed anew.
    const changed = await identityAssertion({ ...claims, sub: 'u2' }, settings, mem, now)
    expect(payloadOf(changed)).toMatchObject({ sub: 'u2' })
  })
})
