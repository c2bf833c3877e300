import { describe, expect, it } from 'vitest'
import { pickSessionClaims } from '../../src/session/claims'
import { parseClaimHeaders } from '../../src/utils/claim-headers'

describe('parseClaimHeaders', () => {
  it('reads claim:Header-Name pairs in order', () => {
    expect(
      parseClaimHeaders(
        'name:X-Auth-Request-Name, phone_number:X-Auth-Request-Phone,https://x.test/role:X-Role'
      )
    ).toEqual({
      headers: [
        { claim: 'name', header: 'X-Auth-Request-Name', normalised: 'x-auth-request-name' },
        {
          claim: 'phone_number',
          header: 'X-Auth-Request-Phone',
          normalised: 'x-auth-request-phone',
        },
        { claim: 'https://x.test/role', header: 'X-Role', normalised: 'x-role' },
      ],
      problems: [],
    })
    expect(parseClaimHeaders(undefined)).toEqual({ headers: [], problems: [] })
  })

  it.each([
    ['nomx', 'entry 1 must be claim:Header-Name'],
    ['nomx:', 'entry 1 must be claim:Header-Name'],
    [':X-Q', 'entry 1 must be claim:Header-Name'],
    ['nomx:X Q', 'entry 1 must be claim:Header-Name'],
    ['nomx:X-Q,,qq', 'entry 3 must be claim:Header-Name'],
    ['sub:X-Auth-Request-User', 'entry 1 names a header the proxy sets or the request needs'],
    ['sub:x_auth_request_jwt', 'entry 1 names a header the proxy sets or the request needs'],
    ['sub:Authorization', 'entry 1 names a header the proxy sets or the request needs'],
    ['sub:X-Forwarded-Access-Token', 'entry 1 names a header the proxy sets or the request needs'],
    ['a:X-A,b:x_a', 'entry 2 repeats a header'],
    ['name:Origin', 'entry 1 names a header the proxy sets or the request needs'],
    ['name:Sec-Fetch-Site', 'entry 1 names a header the proxy sets or the request needs'],
    ['name:Set-Cookie', 'entry 1 names a header the proxy sets or the request needs'],
    ['name:CF-Connecting-IP', 'entry 1 names a header the proxy sets or the request needs'],
    ['email:X-Email', 'entry 1 names a claim the proxy forwards itself'],
  ])('refuses %s: %s', (text, expected) => {
    const { problems } = parseClaimHeaders(text)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(expected)
    expect(problems[0]).not.toContain(text)
  })

  it('refuses more than 20', () => {
    const text = Array.from({ length: 21 }, (_, i) => `c${i}:X-C${i}`).join(',')
    expect(parseClaimHeaders(text).problems).toEqual(['CLAIM_HEADERS may list at most 20 claims'])
  })
})

describe('pickSessionClaims: CLAIM_HEADERS claims', () => {
  it('keeps each as one clean header value, userinfo first', () => {
    const claims = pickSessionClaims(
      { sub: 'u', phone_number: '+1 555', locale: 'fr' },
      {
        sub: 'u',
        locale: 'de',
        age: 42,
        admin: false,
        roles: ['a', 'b,c', 'd'],
        bad: 'x\ny',
        padded: ' x',
        long: 'x'.repeat(300),
        obj: { a: 1 },
      },
      'groups',
      ['phone_number', 'locale', 'age', 'admin', 'roles', 'bad', 'padded', 'long', 'obj', 'none']
    )
    expect(claims?.extra).toEqual({
      phone_number: '+1 555',
      locale: 'de',
      age: '42',
      admin: 'false',
      roles: 'a,d',
    })
    expect(pickSessionClaims({ sub: 'u' }, undefined, 'groups', ['x'])).toEqual({ sub: 'u' })
  })
})
