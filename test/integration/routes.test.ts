import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { navigation, send, signIn, SITE, testEnv } from '../helpers/harness'

// The echo origin on loopback, reached under two names: the second origin is `localhost` with a
// base path, so the Host and the path it sees tell the two apart.
const MAIN = new URL(inject('originUrl'))
const SECOND = `http://localhost:${MAIN.port}/svc/`

/** The rules as wrangler hands a `[[vars.ROUTES]]` TOML array to the Worker (JSON). */
const ROUTES = [
  { name: 'health', path: '/api/health', methods: ['GET'], action: 'public', origin: SECOND },
  { name: 'api', path: '/api/*', action: 'authenticated', api: true, origin: SECOND },
  { name: 'admin', path: '/admin/*', action: 'allow', emails: ['boss@example.com'] },
  { name: 'staff', path: '/staff/*', action: 'allow', domains: ['corp.example'] },
  { name: 'ops', path: '/ops/*', action: 'allow', claims: { preferred_username: ['root'] } },
  { path: '/internal/*', action: 'deny' },
  { name: 'docs', path: '/docs/*', action: 'authenticated' },
  { name: 'private assets', path: '/assets/private/*', action: 'deny' },
]
const e = testEnv({
  ROUTES,
  PUBLIC_PATHS: 'GET /assets/*',
  ALLOWED_EMAILS: 'boss@example.com, kim@corp.example, root@example.com',
})

const cookies = new Map<string, string>()
async function cookieOf(user: string): Promise<string> {
  if (!cookies.has(user)) cookies.set(user, (await signIn('/', user, e)).cookie)
  return cookies.get(user)!
}

async function request(
  user: string | null,
  method: string,
  path: string,
  kind: 'api' | 'page' = 'api'
): Promise<Response> {
  const headers: Record<string, string> = user ? { cookie: await cookieOf(user) } : {}
  const init = { method, headers, ...(method === 'POST' && { body: 'x' }) }
  if (kind === 'page') return send(navigation(path, init), e)
  return send(
    new Request(`${SITE}${path}`, { ...init, headers: { ...headers, accept: 'application/json' } }),
    e
  )
}

describe('per-route policies through the app', () => {
  it.each([
    // who, method, path, status, where it went (host, path) or what refused it
    [null, 'GET', '/api/health', 200, `localhost:${MAIN.port} /svc/api/health`],
    [null, 'HEAD', '/api/health', 200, 'second'],
    [null, 'POST', '/api/health', 401, 'no rule named'],
    [null, 'GET', '/assets/app.js', 200, `${MAIN.host} /assets/app.js`],
    [null, 'GET', '/assets/private/key.pem', 403, 'private assets'],
    [null, 'GET', '/internal/x', 403, 'ROUTES[6]'],
    ['ann', 'GET', '/internal/x', 403, 'ROUTES[6]'],
    ['ann', 'GET', '/api/items', 200, `localhost:${MAIN.port} /svc/api/items`],
    ['ann', 'POST', '/api/items', 200, 'second'],
    ['ann', 'GET', '/admin/users', 403, 'admin'],
    ['boss', 'GET', '/admin/users', 200, `${MAIN.host} /admin/users`],
    ['ann', 'GET', '/staff/plan', 403, 'staff'],
    ['kim@corp.example', 'GET', '/staff/plan', 200, 'main'],
    ['ann', 'GET', '/ops/deploy', 403, 'ops'],
    ['root', 'GET', '/ops/deploy', 200, 'main'],
    // An `authenticated` rule lets in any signed-in user; ALLOWED_* is the default's only.
    ['ann', 'GET', '/docs/intro', 200, 'main'],
    ['ann', 'GET', '/elsewhere', 403, 'no rule named'],
    ['boss', 'GET', '/elsewhere', 200, `${MAIN.host} /elsewhere`],
    [null, 'GET', '/elsewhere', 401, 'no rule named'],
  ] as const)('%s %s %s: %i (%s)', async (user, method, path, status, where) => {
    const res = await request(user, method, path)
    expect(res.status).toBe(status)
    if (status === 200) {
      expect(res.headers.get('x-echo-origin')).not.toBeNull()
      if (method === 'HEAD') return
      const echo = (await res.json()) as EchoedRequest
      const seen = `${echo.headers.host} ${echo.path}`
      if (where === 'second') expect(seen).toMatch(new RegExp(`^localhost:${MAIN.port} /svc/`))
      else if (where === 'main') expect(seen.startsWith(`${MAIN.host} /`)).toBe(true)
      else expect(seen).toBe(where)
      expect(echo.headers['x-auth-request-email']).toBe(
        user ? (user.includes('@') ? user : `${user}@example.com`) : undefined
      )
      return
    }
    expect(res.headers.get('x-echo-origin')).toBeNull()
    const body = (await res.json()) as Record<string, unknown>
    if (status === 403) {
      // Which rule refused, by its name (or its place), and nothing more.
      expect(body).toEqual({
        error: 'forbidden',
        error_description: 'This site does not let your account in.',
        ...(where !== 'no rule named' && { rule: where }),
      })
    } else {
      expect(body.rule).toBeUndefined()
    }
  })

  it("signs the identity assertion for the rule's own origin (aud), unless one audience is set", async () => {
    const audOf = async (path: string, env = e) => {
      const res = await send(
        new Request(`${SITE}${path}`, { headers: { cookie: await cookieOf('ann') } }),
        env
      )
      const jwt = ((await res.json()) as EchoedRequest).headers['x-auth-request-jwt'] as string
      const payload = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')
      return (JSON.parse(atob(payload)) as { aud: string }).aud
    }
    expect(await audOf('/api/items')).toBe(`http://localhost:${MAIN.port}`)
    expect(await audOf('/docs/intro')).toBe(MAIN.origin)
    const oneAudience = testEnv({ ROUTES, IDENTITY_JWT_AUDIENCE: 'urn:all' })
    const { cookie } = await signIn('/', 'ann', oneAudience)
    const res = await send(new Request(`${SITE}/api/items`, { headers: { cookie } }), oneAudience)
    const jwt = ((await res.json()) as EchoedRequest).headers['x-auth-request-jwt'] as string
    expect(JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).aud).toBe(
      'urn:all'
    )
  })

  it.each([
    ['/ADMIN/users', 400],
    ['/Admin/users', 400],
    ['/admin;x/users', 400],
    ['/admin//users', 403],
    ['//admin/users', 400],
    ['/%61dmin/users', 403],
    ['/docs/../admin/users', 403],
    ['/docs/%2e%2e/admin/users', 403],
    ['/docs/..%2Fadmin/users', 400],
    ['/docs/x%2F..%2F..%2Fadmin/users', 400],
    ['/admin%2Fusers', 400],
    ['/INTERNAL/x', 400],
    ['/internal%00/x', 400],
  ])('keeps a signed-in non-admin out of the admin area by %s (%i)', async (path, status) => {
    const res = await request('ann', 'GET', path)
    expect(res.status).toBe(status)
    expect(res.headers.get('x-echo-origin')).toBeNull()
  })

  it('answers an API rule with 401 JSON, never a redirect, even to a navigation', async () => {
    const res = await request(null, 'GET', '/api/items', 'page')
    expect(res.status).toBe(401)
    expect(res.headers.get('location')).toBeNull()
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toMatchObject({ error: 'unauthenticated' })
  })

  it('redirects a navigation to sign in elsewhere', async () => {
    const res = await request(null, 'GET', '/docs/intro', 'page')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toContain(inject('issuer'))
  })

  it('names the refusing rule on the 403 page, and offers another account', async () => {
    const res = await request('ann', 'GET', '/admin/users', 'page')
    expect(res.status).toBe(403)
    const body = await res.text()
    expect(body).toContain('Refused by the rule: <code>admin</code>')
    expect(body).toContain('Use another account')
    expect(body).not.toContain('boss@example.com')
  })

  it('refuses a deny rule before any sign-in', async () => {
    const res = await request(null, 'GET', '/internal/x', 'page')
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('Refused by the rule: <code>ROUTES[6]</code>')
  })

  it('reads the same rules from a JSON string (.dev.vars, --var, the dashboard)', async () => {
    const fromString = testEnv({ ROUTES: JSON.stringify(ROUTES) })
    const res = await send(new Request(`${SITE}/api/health`), fromString)
    expect(res.status).toBe(200)
    expect(((await res.json()) as EchoedRequest).path).toBe('/svc/api/health')
    const denied = await send(new Request(`${SITE}/internal/x`), fromString)
    expect(denied.status).toBe(403)
  })

  it('shows the configuration page for a bad rule, naming the rule and the field', async () => {
    const bad = testEnv({
      ROUTES: [
        { name: 'admin', path: '/admin/*', action: 'allow', group: ['admins'] },
        { path: 'api/*', action: 'public' },
      ],
    })
    const res = await send(navigation('/x'), bad)
    expect(res.status).toBe(500)
    const body = await res.text()
    expect(body).toContain(
      'ROUTES[1] &#34;admin&#34; field &#34;group&#34; is not a rule field: did you mean groups?'
    )
    expect(body).toContain('ROUTES[2] field &#34;path&#34; must be a plain path')
  })
})
