import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { decideRoute, looseReading, ruleAllows, type RouteRule } from '../../src/access/routes'
import { createApp } from '../../src/app'
import { configWarnings, parseConfig } from '../../src/config'
import type { SessionClaims } from '../../src/identity'
import { canonicalPath } from '../../src/utils/canonical-path'
import { HOSTILE_PATH_PIECES } from '../helpers/hostile-paths'
import { configProblems, validEnv } from '../helpers/config-env'

const valid = validEnv

const problems = (routes: unknown) => configProblems({ ROUTES: routes })

const rulesOf = (routes: unknown[], publicPaths?: string) =>
  parseConfig(valid({ ROUTES: routes, ...(publicPaths && { PUBLIC_PATHS: publicPaths }) })).routes

describe('ROUTES at start', () => {
  it.each([
    [
      'a string that is not JSON',
      'not json',
      'ROUTES must be a JSON array of rules (or [[vars.ROUTES]] tables in wrangler.toml)',
    ],
    [
      'a table instead of a list',
      { path: '/a' },
      'ROUTES must be a list of rules ([[vars.ROUTES]] tables in wrangler.toml)',
    ],
    ['a rule that is not a table', ['x'], 'ROUTES[1] must be a table (an object)'],
    [
      'a mistyped field',
      [{ path: '/a', action: 'authenticated', group: ['x'] }],
      'ROUTES[1] field "group" is not a rule field: did you mean groups?',
    ],
    [
      'a relative path',
      [{ name: 'api', path: 'api/*', action: 'public' }],
      'ROUTES[1] "api" field "path" must be a plain path starting with /, optionally ending in /*',
    ],
    [
      'a path that no request could have',
      [{ path: '/a/../b', action: 'public' }],
      'ROUTES[1] field "path" must be a plain path starting with /, optionally ending in /*',
    ],
    [
      'a wildcard inside',
      [{ path: '/a/*/b', action: 'public' }],
      'ROUTES[1] field "path" must be a plain path starting with /, optionally ending in /*',
    ],
    [
      'an unknown action',
      [{ path: '/a', action: 'open' }],
      'ROUTES[1] field "action" must be one of public, authenticated, allow, deny',
    ],
    [
      'allow without anyone',
      [{ path: '/a', action: 'allow' }],
      'ROUTES[1] field "action" "allow" needs at least one of emails, domains, groups, claims',
    ],
    [
      'a list on another action',
      [{ path: '/a', action: 'public', groups: ['x'] }],
      'ROUTES[1] field "groups" is only for action "allow"',
    ],
    [
      'a bad email',
      [{ path: '/a', action: 'allow', emails: ['not-an-email'] }],
      'ROUTES[1] field "emails" must be a list of email addresses',
    ],
    [
      'a look-alike domain',
      [{ path: '/a', action: 'allow', domains: ['ｃorp.example'] }],
      'ROUTES[1] field "domains" must be a list of domain names',
    ],
    [
      'a claim without values',
      [{ path: '/a', action: 'allow', claims: { dept: [] } }],
      'ROUTES[1] field "claims" must map claim names to a value or a list of values (strings)',
    ],
    [
      'a method list as a string',
      [{ path: '/a', action: 'public', methods: 'GET' }],
      'ROUTES[1] field "methods" must be a list of HTTP methods, like ["GET", "POST"]',
    ],
    [
      'api as a string',
      [{ path: '/a', action: 'public', api: 'yes' }],
      'ROUTES[1] field "api" must be true or false',
    ],
    [
      'an origin with a query',
      [{ path: '/a', action: 'public', origin: 'https://b.example/?x=1' }],
      'ROUTES[1] field "origin" must be an http(s) URL without credentials, query or fragment',
    ],
    [
      'an origin with credentials',
      [{ path: '/a', action: 'public', origin: 'https://u:p@b.example/' }],
      'ROUTES[1] field "origin" must be an http(s) URL without credentials, query or fragment',
    ],
    [
      'a name twice',
      [
        { name: 'x', path: '/a', action: 'public' },
        { name: 'x', path: '/b', action: 'public' },
      ],
      'ROUTES[2] "x" field "name" is used by another rule',
    ],
    [
      'a name with markup',
      [{ name: '<b>', path: '/a', action: 'public' }],
      'ROUTES[1] field "name" must be 1-64 letters, digits, spaces, dots, dashes or underscores',
    ],
  ])('refuses %s', (_what, routes, problem) => {
    expect(problems(routes)).toEqual([problem])
  })

  it('warns when an authenticated rule lets in users ALLOWED_* would refuse', () => {
    const routes = [{ name: 'docs', path: '/docs/*', action: 'authenticated' }]
    const both = parseConfig(valid({ ROUTES: routes, ALLOWED_EMAIL_DOMAINS: 'corp.example' }))
    expect(configWarnings(both)).toEqual([
      'ROUTES rules docs let in any signed-in user: ALLOWED_* applies only where no rule matches',
    ])
    expect(configWarnings(parseConfig(valid({ ROUTES: routes })))).toEqual([])
  })

  it('never echoes a value', () => {
    const found = problems([{ path: '/a', action: 'allow', emails: ['secret-value'] }])
    expect(found.join()).not.toContain('secret-value')
  })

  it('compiles once, with PUBLIC_PATHS after ROUTES, frozen', () => {
    const config = parseConfig(
      valid({
        ROUTES: [{ name: 'a', path: '/a/*', action: 'deny', methods: ['get'] }],
        PUBLIC_PATHS: '/healthz',
      })
    )
    expect(config.routes.map((r) => [r.source, r.index, r.path, r.action, r.methods])).toEqual([
      ['ROUTES', 1, '/a/', 'deny', ['GET', 'HEAD']],
      ['PUBLIC_PATHS', 1, '/healthz', 'public', []],
    ])
    expect(Object.isFrozen(config.routes)).toBe(true)
    expect(Object.isFrozen(config.routes[0])).toBe(true)
  })
})

describe('decideRoute', () => {
  const rules = rulesOf(
    [
      { name: 'admin', path: '/admin/*', action: 'allow', groups: ['admins'] },
      { name: 'hooks', path: '/hooks/*', action: 'public', methods: ['POST'] },
      { name: 'secret', path: '/docs/secret', action: 'deny' },
      { name: 'docs', path: '/docs/*', action: 'public' },
    ],
    'GET /assets/*'
  )
  const nameOf = (method: string, raw: string) => {
    const d = decideRoute(rules, method, canonicalPath(new URL(raw, 'https://p.test').pathname))
    return d === 'refused' ? 'refused' : d === null ? 'default' : (d.name ?? `${d.source}`)
  }

  it.each([
    ['GET', '/admin/x', 'admin'],
    // A lenient server serves a folder's bare name, a trailing slash, dot or space, and a
    // `.json`-style suffix as the path without them: each falls under the rule it names.
    ['GET', '/admin', 'refused'],
    ['GET', '/docs/secret/', 'refused'],
    ['GET', '/docs/secret//', 'refused'],
    ['GET', '/docs/secret.', 'refused'],
    ['GET', '/docs/secret/.', 'refused'],
    ['GET', '/docs/secret%20', 'refused'],
    ['GET', '/docs/secret.json', 'refused'],
    ['GET', '/docs/a.json', 'docs'],
    ['GET', '/admin/index.html', 'admin'],
    ['GET', '/adminX/y', 'default'],
    ['POST', '/hooks/a', 'hooks'],
    ['GET', '/hooks/a', 'default'],
    ['GET', '/docs/a', 'docs'],
    ['GET', '/docs/secret', 'secret'],
    ['GET', '/assets/a.js', 'PUBLIC_PATHS'],
    ['HEAD', '/assets/a.js', 'PUBLIC_PATHS'],
    // Dot-segments and escapes are resolved before matching: the path matched is the one sent.
    ['GET', '/docs/../admin/x', 'admin'],
    ['GET', '/docs/%2e%2e/admin/x', 'admin'],
    ['GET', '/docs/%73ecret', 'secret'],
    // Another server's reading would be a stricter rule: refused.
    ['GET', '/ADMIN/x', 'refused'],
    ['GET', '/Docs/Secret', 'refused'],
    ['GET', '/docs/secret;x', 'refused'],
    ['GET', '/docs//secret', 'refused'],
    ['GET', '/docs/x%2F..%2Fsecret', 'refused'],
    ['GET', '/docs/secret%00.html', 'refused'],
    ['GET', '/docs%2Fsecret', 'refused'],
    // ... or a public one: the strict reading stands (every other decision is stricter).
    ['GET', '/Assets/a.js', 'default'],
    ['GET', '/assets//a.js', 'default'],
    ['GET', '/DOCS/a', 'default'],
  ])('%s %s: %s', (method, raw, expected) => {
    expect(nameOf(method, raw)).toBe(expected)
  })

  it('refuses the lower-case spelling of a rule path written with capitals', () => {
    const cased = rulesOf([
      { name: 'admin', path: '/Admin/*', action: 'allow', groups: ['admins'] },
      { name: 'reports', path: '/Reports', action: 'deny' },
    ])
    const decide = (path: string) => {
      const d = decideRoute(cased, 'GET', path)
      return d === 'refused' || d === null ? d : d.name
    }
    expect(decide('/Admin/users')).toBe('admin')
    expect(decide('/admin/users')).toBe('refused')
    expect(decide('/Reports')).toBe('reports')
    expect(decide('/reports')).toBe('refused')
    expect(decide('/other')).toBe(null)
  })

  it('never lets a hostile spelling escape the rule its loose reading falls under', () => {
    const piece = fc.constantFrom(
      ...HOSTILE_PATH_PIECES,
      'admin',
      'docs',
      'secret',
      'ADMIN',
      'Docs'
    )
    const seen = new Set<string>()
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (pieces, glued) => {
        let url: URL
        try {
          url = new URL('/' + pieces.join(glued ? '' : '/'), 'https://p.test')
        } catch {
          return
        }
        const path = canonicalPath(url.pathname)
        const decision = decideRoute(rules, 'GET', path)
        seen.add(decision === 'refused' || decision === null ? String(decision) : decision.name!)
        if (decision === 'refused') return
        const loose = decideRoute(rules, 'GET', looseReading(path))
        // Whatever the readings, a request gets the rule of its loose reading, or a public one
        // gives way to the strict (stricter) one.
        expect(loose).not.toBe('refused')
        if (loose !== decision) expect(loose && loose !== 'refused' && loose.action).toBe('public')
        if (looseReading(path).startsWith('/admin/')) expect(decision?.name).toBe('admin')
        if (looseReading(path) === '/docs/secret') expect(decision?.name).toBe('secret')
      }),
      { numRuns: 20_000 }
    )
    expect([...seen]).toEqual(expect.arrayContaining(['admin', 'docs', 'null', 'refused']))
  })
})

describe('ruleAllows', () => {
  const [rule] = rulesOf([
    {
      path: '/a/*',
      action: 'allow',
      emails: ['boss@example.com'],
      domains: ['corp.example'],
      groups: ['admins'],
      claims: { department: ['eng', 'ops'], acr: 'mfa' },
    },
  ]) as [RouteRule]
  const user = (claims: Partial<SessionClaims>): SessionClaims => ({ sub: 's', ...claims })

  it.each([
    [{ email: 'boss@example.com', email_verified: true }, true],
    [{ email: 'boss@example.com', email_verified: false }, false],
    [{ email: 'BOSS@example.com', email_verified: true }, false],
    [{ email: 'kim@CORP.example', email_verified: true }, true],
    [{ email: 'kim@sub.corp.example', email_verified: true }, false],
    [{ groups: ['users', 'admins'] }, true],
    [{ groups: ['Admins'] }, false],
    [{ ruleClaims: { department: ['ops'] } }, true],
    [{ ruleClaims: { department: ['sales'] } }, false],
    [{ ruleClaims: { acr: ['mfa'] } }, true],
    [{ ruleClaims: { acr: ['pwd'] } }, false],
    [{}, false],
  ])('%o -> %s', (claims, allowed) => {
    expect(ruleAllows(rule, user(claims))).toBe(allowed)
  })

  it('reads a claim named like an Object member as a claim, never a crash', () => {
    const [odd] = rulesOf([
      { path: '/o/*', action: 'allow', claims: { constructor: 'x', __proto__: 'y' } },
    ]) as [RouteRule]
    expect(ruleAllows(odd, user({ ruleClaims: { department: ['eng'] } }))).toBe(false)
    const held: Record<string, string[]> = Object.create(null)
    held['constructor'] = ['x']
    expect(ruleAllows(odd, user({ ruleClaims: held }))).toBe(true)
  })

  it('refuses a claims rule on the email: emails and domains need it verified', () => {
    expect(
      problems([{ path: '/e', action: 'allow', claims: { email: 'boss@example.com' } }])
    ).toEqual([expect.stringContaining('must not name email: use emails or domains')])
  })
})

describe('forwarding under rules (property)', () => {
  const ORIGINS = {
    b: 'https://b.example/base',
    rest: 'https://a.example/',
  }
  const routes = [
    { name: 'admin', path: '/admin/*', action: 'deny' },
    { name: 'b', path: '/b/*', action: 'public', origin: ORIGINS.b },
    { name: 'rest', path: '/', action: 'public', origin: ORIGINS.rest },
    { name: 'rest-folder', path: '/*', action: 'public', origin: ORIGINS.rest },
  ]
  const e = valid({ ROUTES: routes })
  const sent: URL[] = []
  const app = createApp({
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      sent.push(url)
      const echo: EchoedRequest = {
        method: 'GET',
        path: url.pathname,
        query: {},
        headers: {},
        body: '',
        bodyBytes: 0,
      }
      return Response.json(echo)
    },
  })
  const config = parseConfig(e)

  it('sends a request to exactly the origin its rule names, with the path it was matched on', async () => {
    const piece = fc.constantFrom(...HOSTILE_PATH_PIECES, 'admin', 'b', 'ADMIN', 'B')
    const forwarded = new Set<string>()
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 6 }), fc.boolean(), async (pieces, glued) => {
        let url: URL
        try {
          url = new URL('/' + pieces.join(glued ? '' : '/'), 'https://app.example.com')
        } catch {
          return
        }
        sent.length = 0
        const res = await app.fetch(new Request(url), e)
        const path = canonicalPath(url.pathname)
        const decision = decideRoute(config.routes, 'GET', path)
        if (decision === null || decision === 'refused' || decision.action === 'deny') {
          expect(sent).toEqual([])
          expect([400, 401, 403]).toContain(res.status)
          return
        }
        if (sent.length === 0) {
          // Refused as a path the origin would read otherwise (forward.ts): nothing went out.
          expect(res.status).toBe(400)
          return
        }
        expect(res.status).toBe(200)
        expect(sent).toHaveLength(1)
        forwarded.add(decision.name!)
        const origin = new URL(ORIGINS[decision.name as 'b' | 'rest'] ?? ORIGINS.rest)
        const base = origin.pathname === '/' ? '' : origin.pathname
        expect(sent[0]!.origin).toBe(origin.origin)
        expect(sent[0]!.pathname).toBe(base + path)
        expect(sent[0]!.search).toBe(url.search)
        // The deny rule is never reached around, in any reading.
        expect(looseReading(path).startsWith('/admin/')).toBe(false)
      }),
      { numRuns: 3000 }
    )
    // Both origins were reached: the property was exercised, not skipped.
    expect([...forwarded].sort()).toEqual(['b', 'rest', 'rest-folder'])
  }, 60_000)
})
