import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildUpstreamUrl } from '../../src/proxy/forward'
import { canonicalPath, isAmbiguousPath } from '../../src/utils/canonical-path'
import { isPublicPath, parsePublicPaths } from '../../src/access/public-paths'

/** The path a Worker sees for a raw request target, as the runtime parses it. */
const parsed = (raw: string) => new URL(`https://proxy.test${raw}`).pathname

const { paths: PUBLIC } = parsePublicPaths('GET /assets/*, /healthz, POST|PUT /hooks/*')
const isPublic = (method: string, raw: string) =>
  isPublicPath(PUBLIC, method, canonicalPath(parsed(raw)))

describe('PUBLIC_PATHS', () => {
  it('parses methods, exact paths and folders', () => {
    expect(PUBLIC).toEqual([
      { methods: ['GET', 'HEAD'], path: '/assets/', prefix: true },
      { methods: [], path: '/healthz', prefix: false },
      { methods: ['POST', 'PUT'], path: '/hooks/', prefix: true },
    ])
    expect(parsePublicPaths('GET /a b, /x?y, nothing, G3T /z').problems).toHaveLength(4)
  })

  it.each([
    ['GET', '/assets/app.js', true],
    ['HEAD', '/assets/app.js', true],
    ['GET', '/assets/', true],
    ['GET', '/assets', false],
    ['GET', '/assetsX/app.js', false],
    ['POST', '/assets/app.js', false],
    ['GET', '/healthz', true],
    ['DELETE', '/healthz', true],
    ['GET', '/healthz/', false],
    ['GET', '/healthz?x=/assets/', true],
    ['GET', '/admin?x=/assets/', false],
    ['GET', '/%61ssets/app.js', true],
    ['GET', '/assets/../admin', false],
    ['GET', '/assets/%2e%2e/admin', false],
    ['GET', '/assets/.%2e/admin', false],
    ['GET', '/assets%2F../admin', false],
    ['GET', '/assets/%2F..%2Fadmin', false],
    ['GET', '/assets/..%2Fadmin', false],
    ['GET', '/assets/..%5Cadmin', false],
    ['GET', '/assets\\..\\admin', false],
    ['GET', '/assets/%00/../admin', true], // resolved before matching: /assets/admin is what is sent
    ['GET', '/assets/%00/admin', false],
    ['GET', '/assets/;/../admin', true], // likewise /assets/admin
    ['GET', '/assets/;x/admin', false],
    ['GET', '/assets/..;/admin', false],
    ['GET', '/assets//admin', false],
    ['GET', '//assets/app.js', false],
    ['GET', '/assets/%zz', true], // a lone % is a literal %25, inside the folder
    ['GET', '/assets/%2%65%2%65/admin', true], // likewise: /assets/%252e%252e/admin, still inside
    ['GET', '/admin#/assets/', false],
    ['GET', '/ASSETS/app.js', false],
    ['POST', '/hooks/github', true],
    ['GET', '/hooks/github', false],
  ])('%s %s -> public: %s', (method, raw, expected) => {
    expect(isPublic(method, raw)).toBe(expected)
  })

  it('never lets a generated path reach outside a public folder (property)', () => {
    const origin = new URL('http://origin.test/')
    const piece = fc.constantFrom(
      '%2',
      '%',
      '65',
      'e',
      '2e',
      '2E',
      '%%32%65',
      'assets',
      'admin',
      '..',
      '.',
      '%2e',
      '%2E%2e',
      '%2f',
      '%2F',
      '%5c',
      '\\',
      '%00',
      ';',
      '',
      'a',
      '%61',
      '%25',
      '%',
      '~',
      '%7e'
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (pieces, glued) => {
        const raw = '/' + pieces.join(glued ? '' : '/')
        const path = canonicalPath(parsed(raw))
        // Canonical is a fixed point, and the URL sent carries exactly that path.
        expect(canonicalPath(path)).toBe(path)
        let sent: string | undefined
        try {
          sent = buildUpstreamUrl(origin, new URL(`https://proxy.test${raw}`)).pathname
        } catch {
          sent = undefined // refused (400): nothing is sent
        }
        if (sent !== undefined) expect(sent).toBe(path)
        if (isPublicPath(PUBLIC, 'GET', path)) {
          // What is public is exactly what is forwarded, and it lies under a public pattern.
          expect(path === '/healthz' || path.startsWith('/assets/')).toBe(true)
          expect(isAmbiguousPath(path)).toBe(false)
          expect(path.split('/')).not.toContain('..')
        }
      }),
      { numRuns: 20_000 }
    )
  })
})

describe('canonicalPath', () => {
  it.each([
    ['/a/%7euser/%41', '/a/~user/A'],
    ['/a%2fb', '/a%2Fb'],
    ['/a/b/./c/../d', '/a/b/d'],
    ['/', '/'],
  ])('%s -> %s', (raw, expected) => {
    expect(canonicalPath(parsed(raw))).toBe(expected)
  })

  it.each(['/a/b', '/a/.b/..c/', '/a.', '/..a/b..', '/.well-known/x', '//a'])(
    'leaves %s as it is (no escape, no dot-segment)',
    (raw) => {
      expect(canonicalPath(raw)).toBe(raw)
    }
  )

  it('is a fixed point without dot-segments for any path, parsed or not', () => {
    const piece = fc.constantFrom('a', '.', '..', '/', '%', '%2e', '%2E', '%2f', '%41', '.b', 'b.')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const path = canonicalPath('/' + pieces.join(''))
        expect(canonicalPath(path)).toBe(path)
        expect(path.startsWith('/')).toBe(true)
        expect(path.split('/').slice(1, -1)).not.toContain('..')
        expect(path.split('/').slice(1, -1)).not.toContain('.')
      }),
      { numRuns: 20_000 }
    )
  })
})
