import { describe, expect, it } from 'vitest'
import { pickSessionClaims, withRuleClaims } from '../../src/session/claims'

describe('pickSessionClaims', () => {
  it('takes sub from the ID token and the rest from userinfo', () => {
    expect(
      pickSessionClaims(
        { sub: 'alice', email: 'old@x.test' },
        {
          sub: 'alice',
          email: 'a@x.test',
          email_verified: true,
          preferred_username: 'al',
          name: 'A',
        }
      )
    ).toEqual({
      sub: 'alice',
      email: 'a@x.test',
      email_verified: true,
      preferred_username: 'al',
      name: 'A',
    })
  })

  it.each([['false'], [0], [null], ['true'], [1]])(
    'treats email_verified %j (not a JSON boolean) as not verified',
    (value) => {
      const claims = pickSessionClaims(undefined, {
        sub: 'u',
        email: 'ceo@corp.test',
        email_verified: value,
      })
      expect(claims?.email_verified).toBe(false)
    }
  )

  it('takes email_verified from the same source as the email', () => {
    const claims = pickSessionClaims(
      { sub: 'u', email: 'real@x.test', email_verified: true },
      { sub: 'u', email: 'other@x.test' }
    )
    expect(claims).toMatchObject({ email: 'other@x.test' })
    expect(claims?.email_verified).toBeUndefined()
  })

  it.each(['  admin  ', 'alice\u0085admin', 'a\u2028b', 'a\u0001', '', 'x'.repeat(300)])(
    'refuses the sub %j',
    (sub) => {
      expect(pickSessionClaims(undefined, { sub })).toBeNull()
    }
  )

  it('refuses an ID token sub that is not clean, whatever userinfo says', () => {
    expect(pickSessionClaims({ sub: 'alice\u0001' }, { sub: 'bob' })).toBeNull()
  })

  it('drops other claims that are padded or hold control characters', () => {
    const claims = pickSessionClaims(undefined, {
      sub: 'u',
      email: ' a@x.test',
      preferred_username: 'adm\u0085in',
      name: 'N\u2029',
    })
    expect(claims).toEqual({ sub: 'u' })
  })

  it('keeps the groups claim as clean strings, from the configured claim name', () => {
    expect(
      pickSessionClaims({ sub: 'u', roles: ['a', ' b', 'c\u0001', 7, 'd'] }, undefined, 'roles')
        ?.groups
    ).toEqual(['a', 'd'])
    expect(pickSessionClaims({ sub: 'u', groups: 'admins' }, undefined)?.groups).toBeUndefined()
  })
})

describe('withRuleClaims', () => {
  const base = { sub: 'u' }

  it('keeps the claims ROUTES rules name, userinfo first, as clean strings', () => {
    const claims = withRuleClaims(
      base,
      { sub: 'u', department: 'sales', acr: 'mfa', level: 3 },
      { department: 'eng', roles: ['a', ' b', 7, 'c'], vip: true, other: 'x' },
      ['department', 'acr', 'roles', 'level', 'vip', 'missing']
    )
    expect(claims).toEqual({
      sub: 'u',
      ruleClaims: {
        department: ['eng'],
        acr: ['mfa'],
        roles: ['a', 'c'],
        level: ['3'],
        vip: ['true'],
      },
    })
  })

  it('leaves the claims as they are when no rule names one', () => {
    expect(withRuleClaims(base, { dept: 'x' }, undefined, [])).toBe(base)
    expect(withRuleClaims(null, { dept: 'x' }, undefined, ['dept'])).toBeNull()
    expect(withRuleClaims(base, { dept: ' padded' }, undefined, ['dept'])).toBe(base)
  })
})
