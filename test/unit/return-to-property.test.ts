import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../../src/utils/return-to'

const SITE = 'https://proxy.test'

/** Pieces attackers mix into return addresses. */
const piece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '\\\\',
  '/\\',
  '\t',
  '\n',
  '\r',
  ' ',
  '@',
  ':',
  '.',
  '..',
  '%2f',
  '%2F',
  '%5c',
  '%252f',
  '%25',
  '%',
  '%0a',
  '%09',
  '%00',
  '?',
  '#',
  'evil.example',
  'proxy.test',
  'proxy.test.evil.example',
  'proxy.test@evil.example',
  'https:',
  'http:',
  'javascript:',
  'data:',
  '//proxy.test',
  'x',
  '\u3002',
  '\uFF0F',
  '\uD800'
)

describe('safeReturnTo (property)', () => {
  it('never yields an address that a browser would resolve off-site', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const value = pieces.join('')
        const result = safeReturnTo(value, SITE)
        // What goes into Location is a path: it starts with one `/`, and resolves to our origin.
        expect(result.startsWith('/')).toBe(true)
        expect(result.startsWith('//')).toBe(false)
        expect(result.startsWith('/\\')).toBe(false)
        expect(new URL(result, SITE).origin).toBe(SITE)
        // And it survives being parsed again unchanged (it is the re-serialised form).
        const again = new URL(result, SITE)
        expect(again.pathname + again.search).toBe(result)
      }),
      { numRuns: 100_000 }
    )
  }, 120_000)
})

describe('safeReturnTo (known tricks)', () => {
  it.each([
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['\\/evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    [' //evil.example', '/'],
    ['https://evil.example', '/'],
    ['https:/evil.example', '/evil.example'],
    ['https://proxy.test.evil.example/', '/'],
    ['https://proxy.test@evil.example/', '/'],
    ['https://evil.example@proxy.test/', '/'],
    ['//proxy.test@evil.example', '/'],
    ['/%2f%2fevil.example', '/%2f%2fevil.example'],
    ['/%5c%5cevil.example', '/%5c%5cevil.example'],
    ['javascript:alert(1)', '/'],
    ['%zz', '/'],
    ['/a%zz', '/'],
    ['/\uD800', '/'],
    ['/' + 'a'.repeat(20_000), '/'],
    ['/ok?next=//evil.example', '/ok?next=//evil.example'],
  ])('%j -> %j', (value, expected) => {
    expect(safeReturnTo(value, SITE)).toBe(expected)
  })
})
