import { describe, expect, it } from 'vitest'
import {
  isIdentityHeaderName,
  setIdentityHeaders,
  stripIdentityHeaders,
} from '../../src/proxy/identity-headers'

describe('identity headers', () => {
  it.each([
    ['X-Auth-Request-User', true],
    ['x_auth_request_email', true],
    ['X-AUTH_REQUEST-anything', true],
    ['X-Forwarded-Groups', true],
    ['x_forwarded_user', true],
    ['Forwarded', true],
    ['X-Real-IP', true],
    ['X-Forwarded-Host', true],
    ['X_Forwarded_Prefix', true],
    ['x-original-uri', true],
    ['X-Url-Scheme', true],
    ['Front_End_Https', true],
    ['True-Client-IP', true],
    ['Proxy-Authorization', true],
    ['X-HTTP-Method-Override', true],
    ['x_http_method', true],
    ['X-Method-Override', true],
    ['Cf-Access-Jwt-Assertion', true],
    ['X-Forwardedx', false],
    ['Accept', false],
    ['Authorization', false],
    ['X-Auth-Token', false],
  ])('%s is an identity header: %s', (name, expected) => {
    expect(isIdentityHeaderName(name)).toBe(expected)
  })

  it('sets the email only when it is not known to be unverified', () => {
    const verified = setIdentityHeaders(new Headers(), {
      sub: 'a',
      email: 'a@x.test',
      email_verified: true,
    })
    expect(verified.get('x-auth-request-email')).toBe('a@x.test')
    const unknown = setIdentityHeaders(new Headers(), { sub: 'a', email: 'a@x.test' })
    expect(unknown.get('x-auth-request-email')).toBe('a@x.test')
    const unverified = setIdentityHeaders(new Headers(), {
      sub: 'a',
      email: 'a@x.test',
      email_verified: false,
    })
    expect(unverified.get('x-auth-request-email')).toBeNull()
    expect(unverified.get('x-auth-request-user')).toBe('a')
  })

  it('strips every spelling, also when sent twice', () => {
    const headers = new Headers([
      ['X-Auth-Request-User', 'a'],
      ['x-auth-request-user', 'b'],
      ['X_Auth_Request_Groups', 'c'],
      ['Accept', 'text/html'],
    ])
    stripIdentityHeaders(headers)
    expect([...headers.keys()]).toEqual(['accept'])
  })

  it('sends groups comma-separated, leaving out a group whose name holds a comma', () => {
    const headers = setIdentityHeaders(new Headers(), {
      sub: 'a',
      groups: ['admins', 'x,y', 'staff'],
    })
    expect(headers.get('x-auth-request-groups')).toBe('admins,staff')
  })
})
