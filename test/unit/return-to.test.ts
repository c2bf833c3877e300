import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../../src/utils/return-to'

const SITE = 'https://proxy.test'

describe('safeReturnTo', () => {
  it.each([
    ['/docs?q=1', '/docs?q=1'],
    ['https://proxy.test/a/b?c=d#frag', '/a/b?c=d'],
    ['relative', '/relative'],
    ['/a/../b', '/b'],
    [null, '/'],
    ['', '/'],
    ['https://evil.example.com/', '/'],
    ['//evil.example.com', '/'],
    ['/\\evil.example.com', '/'],
    ['\\\\evil.example.com', '/'],
    ['/\t/evil.example.com', '/'],
    ['https:evil.example.com', '/evil.example.com'],
    ['http://proxy.test/', '/'],
    ['https://proxy.test@evil.example.com/', '/'],
    ['javascript:alert(1)', '/'],
    ['data:text/html,x', '/'],
  ])('%j -> %j', (input, expected) => {
    expect(safeReturnTo(input, SITE)).toBe(expected)
  })

  it('falls back to / for a very long address', () => {
    expect(safeReturnTo('/' + 'a'.repeat(20_000), SITE)).toBe('/')
  })
})
