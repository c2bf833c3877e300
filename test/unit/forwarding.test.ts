import { describe, expect, it } from 'vitest'
import { stripProxyCookies } from '../../src/proxy/forward'
import { siteLocation, siteLocationHeader } from '../../src/proxy/location'

describe('stripProxyCookies', () => {
  it.each([
    [null, null],
    ['theme=dark', 'theme=dark'],
    ['__Host-eap_session=abc', null],
    ['a=1; __Host-eap_session=abc; b=2', 'a=1; b=2'],
    // Repeated Cookie fields as workerd joins them.
    ['a=1, __Host-eap_session=abc', 'a=1'],
    ['__Host-eap_session=abc, a=1', 'a=1'],
    ['a=1, b=2; eap_login=x, c=3', 'a=1, b=2; c=3'],
    ['eap_a=1,eap_b=2', null],
    ['x="quoted, value"', 'x="quoted, value"'],
  ])('%s -> %s', (header, expected) => {
    expect(stripProxyCookies(header)).toBe(expected)
  })
})

describe('siteLocation', () => {
  const site = new URL('https://app.example.com/some/page')
  it.each([
    ['http://origin.test/account', 'http://origin.test', 'https://app.example.com/account'],
    ['http://ORIGIN.test:80/a?b=1#c', 'http://origin.test', 'https://app.example.com/a?b=1#c'],
    ['//origin.test/x', 'http://origin.test', 'https://app.example.com/x'],
    ['http://origin.test/base/x', 'http://origin.test/base/', 'https://app.example.com/x'],
    ['http://origin.test/base', 'http://origin.test/base/', 'https://app.example.com/'],
    ['http://origin.test/base', 'http://origin.test/base', 'https://app.example.com/'],
    ['http://origin.test/other', 'http://origin.test/base/', null],
    ['http://origin.test/base/../admin', 'http://origin.test/base/', null],
    ['https://origin.test/x', 'http://origin.test', null],
    ['http://origin.test:8080/x', 'http://origin.test', null],
    ['http://user@origin.test/x', 'http://origin.test', null],
    ['/account', 'http://origin.test', null],
    ['account', 'http://origin.test', null],
    ['https://elsewhere.test/', 'http://origin.test', null],
    ['http://[bad', 'http://origin.test', null],
  ])('%s under ORIGIN_URL=%s -> %s', (value, origin, expected) => {
    expect(siteLocation(value, new URL(origin), site)).toBe(expected)
  })
})

describe('siteLocationHeader: Refresh', () => {
  const site = new URL('https://app.example.com/page')
  const origin = new URL('http://origin.test/base/')
  it.each([
    ['0; url=http://origin.test/base/x', '0; url=https://app.example.com/x'],
    ['5;URL="http://origin.test/base/y?z=1"', '5;URL=https://app.example.com/y?z=1'],
    ['0, http://origin.test/base/', '0, https://app.example.com/'],
    ['3', null],
    ['0; url=https://elsewhere.test/', null],
    ['0; url=/relative', null],
  ])('%s -> %s', (value, expected) => {
    expect(siteLocationHeader('refresh', value, origin, site)).toBe(expected)
  })
})
