import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProxyError } from '../../src/errors'
import { decideRoute, decideRouteRemembered } from '../../src/access/routes'
import { tokenHash } from '../../src/cache/introspection-cache'
import { parseConfig } from '../../src/config'
import { buildUpstreamUrl } from '../../src/proxy/forward'
import { isIdentityHeaderName, stripIdentityHeaders } from '../../src/proxy/identity-headers'
import { createIsolateMemory } from '../../src/isolate-memory'
import { canonicalPath } from '../../src/utils/canonical-path'
import { validEnv } from '../helpers/config-env'
import { HOSTILE_PATH_PIECES } from '../helpers/hostile-paths'

// The request path's shortcuts (one URL parse, the upstream URL by concatenation, per-isolate
// memos) must never change what the origin sees or which headers count as identity headers.

const piece = fc.oneof(
  fc.constantFrom(...HOSTILE_PATH_PIECES),
  fc.string({ maxLength: 3 }),
  fc.string({ unit: 'binary', maxLength: 2 })
)
const ORIGINS = [
  'http://origin.test',
  'http://origin.test:8080/',
  'http://127.0.0.1:9/base',
  'https://[::1]:8443/base/',
  'http://origin.test/a%2Fb/',
  'http://origin.test//',
  'http://xn--bcher-kva.test/b%C3%BC/x;y/',
].map((o) => new URL(o))

describe('the upstream URL (property)', () => {
  it('the origin sees its own scheme/host/port, base path + canonical path, the same query, no fragment', () => {
    let accepted = 0
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 10 }),
        fc.constantFrom(...ORIGINS),
        (pieces, origin) => {
          let requestUrl: URL
          try {
            requestUrl = new URL(`https://proxy.test/${pieces.join('')}`)
          } catch {
            return
          }
          const path = canonicalPath(requestUrl.pathname)
          let sent: URL | 'refused'
          try {
            sent = buildUpstreamUrl(origin, requestUrl, path)
          } catch (err) {
            expect(err).toBeInstanceOf(ProxyError)
            sent = 'refused'
          }
          if (sent === 'refused') return
          accepted++
          expect(sent.origin).toBe(origin.origin)
          expect(sent.username + sent.password).toBe('')
          expect(sent.pathname).toBe(origin.pathname.replace(/\/$/, '') + path)
          expect(sent.search).toBe(requestUrl.search)
          expect(sent.hash).toBe('')
        }
      ),
      { numRuns: 20_000 }
    )
    expect(accepted).toBeGreaterThan(10_000)
  })
})

describe('per-isolate memos', () => {
  it('header-name verdicts stay right once the memo is full of made-up names', () => {
    const memo = createIsolateMemory().headerNames
    const isIdentityHeaderName_ = (name: string) => isIdentityHeaderName(name, memo)
    for (let i = 0; i < 1200; i++) expect(isIdentityHeaderName_(`x-junk-${i}`)).toBe(false)
    expect(memo.size).toBe(1000)
    for (const name of [
      'x-auth-request-user',
      'x_auth_request_email',
      'x.auth.request.groups',
      'x~forwarded~user',
      'forwarded',
      'x-original-url',
      '__proto__',
      'constructor',
    ]) {
      const expected = !['__proto__', 'constructor'].includes(name)
      expect(isIdentityHeaderName_(name), name).toBe(expected)
      expect(isIdentityHeaderName_(name), name).toBe(expected)
    }
    const headers = new Headers({
      X_Auth_Request_User_2: 'admin',
      'x-junk-5': 'ok',
      'X.Forwarded.Email': 'a@b',
    })
    expect([...stripIdentityHeaders(headers, memo).keys()]).toEqual(['x-junk-5'])
  })

  it('token hashes are right under concurrency and past the bound', async () => {
    const sha256 = async (value: string) =>
      Array.from(
        new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))),
        (b) => b.toString(16).padStart(2, '0')
      ).join('')
    const { tokenHashes } = createIsolateMemory()
    const tokens = Array.from({ length: 2500 }, (_, i) => `tok-${i % 1700}`)
    const hashes = await Promise.all(tokens.map((t) => tokenHash(t, tokenHashes)))
    const expected = await Promise.all(tokens.map((t) => sha256(t)))
    expect(hashes).toEqual(expected)
  })
})

describe('remembered route decisions (property)', () => {
  const { routes } = parseConfig(
    validEnv({
      ROUTES: [
        { path: '/admin/*', action: 'allow', groups: ['admins'] },
        { path: '/admin', action: 'allow', groups: ['admins'] },
        { path: '/api/health', methods: ['GET'], action: 'public' },
        { path: '/api/*', action: 'authenticated', api: true },
        { path: '/internal/*', action: 'deny' },
        { path: '/docs/*', action: 'public' },
      ],
    })
  )
  it('are the decisions made afresh, for every hostile path, asked again, past the bound', () => {
    const memos = createIsolateMemory().routeDecisions
    const seen: [string, string][] = []
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 10 }),
        fc.constantFrom('/admin', '/api', '/docs', '/internal', '/x'),
        fc.constantFrom('GET', 'POST', 'HEAD', 'patch'),
        (pieces, prefix, method) => {
          let path: string
          try {
            path = canonicalPath(new URL(`https://p.test${prefix}${pieces.join('')}`).pathname)
          } catch {
            return
          }
          seen.push([method, path])
          expect(decideRouteRemembered(routes, method, path, memos)).toBe(
            decideRoute(routes, method, path)
          )
        }
      ),
      { numRuns: 5000 }
    )
    // Asked again, once the memo has dropped the oldest and keeps the newest: still the same.
    for (const [method, path] of seen) {
      expect(decideRouteRemembered(routes, method, path, memos)).toBe(
        decideRoute(routes, method, path)
      )
    }
  })
})
