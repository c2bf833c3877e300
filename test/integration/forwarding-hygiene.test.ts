import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { SITE } from '../helpers/harness'
import { HOSTILE_PATH_PIECES } from '../helpers/hostile-paths'
import { record, world } from '../helpers/session-world'

// The origin is faked by the injected fetch (provider calls go to the real provider): it records
// what it was sent and answers with redirects to its own address.
const ORIGIN = 'http://127.0.0.1:1'
const BASE = '/base'

/** Everything a client could send that an origin might take for what the proxy set. */
const PROXY_SET_NAMES = [
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-prefix',
  'x-forwarded-port',
  'x-forwarded-uri',
  'x-forwarded-server',
  'x-forwarded-ssl',
  'x-forwarded-scheme',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-access-token',
  'forwarded',
  'x-original-uri',
  'x-original-url',
  'x-original-host',
  'x-original-method',
  'x-rewrite-url',
  'x-url-scheme',
  'front-end-https',
  'x-real-ip',
  'true-client-ip',
  'proxy-authorization',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-jwt',
]
const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '-')
const PROXY_SET = new Set(PROXY_SET_NAMES)
const isProxySet = (name: string) => {
  const n = normalise(name)
  return (
    PROXY_SET.has(n) ||
    ['x-forwarded-', 'x-original-', 'x-auth-request-'].some((p) => n.startsWith(p))
  )
}

/** A spelling of `name`: each `-` as `-`, `_` or `.`, each letter in either case. */
const spelling = fc
  .tuple(fc.constantFrom(...PROXY_SET_NAMES), fc.array(fc.nat(5), { minLength: 32, maxLength: 32 }))
  .map(([name, picks]) =>
    [...name]
      .map((ch, i) => {
        const pick = picks[i % 32]!
        if (ch === '-') return ['-', '_', '.', '-', '_', '-'][pick]!
        return pick % 2 ? ch.toUpperCase() : ch
      })
      .join('')
  )

/** Cookie fields other than the session cookie; several of them are the proxy's. */
const OTHER_COOKIES = [
  'theme=dark',
  'eap_session=forged',
  '__Host-eap_login.abc=1',
  'a=1; eap_other=2',
  '__Host-eap_return=q, z=9',
  'b=2,__Host-eap_x=3',
]

interface Seen {
  method: string
  url: string
  headers: Headers
}

describe('forwarding hygiene (property, through the app)', () => {
  const seen: Seen[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(ORIGIN)) return fetch(input, init)
    seen.push({ method: init?.method ?? 'GET', url, headers: new Headers(init?.headers) })
    const here = new URL(url)
    return new Response('origin', {
      status: 302,
      headers: {
        location: `${ORIGIN}${BASE}/next?from=1#top`,
        'content-location': `${ORIGIN}${here.pathname}`,
      },
    })
  }
  const w = world(
    { ORIGIN_URL: `${ORIGIN}${BASE}/`, PUBLIC_PATHS: 'GET /pub/*, POST /hooks/*' },
    fetchImpl
  )
  let sessionCookie = ''
  let token = ''

  beforeAll(async () => {
    sessionCookie = (await w.signIn('hana')).cookie
    token = (await record(sessionCookie))!.tokens.accessToken
  })

  it('no client copy of a proxy-set header, no proxy cookie reaches the origin; Location points at the site', async () => {
    const forwarded = { public: 0, hook: 0, session: 0, bearer: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('public', 'hook', 'session', 'bearer'),
        fc.array(fc.constantFrom('a', 'x.pdf', ...HOSTILE_PATH_PIECES), { maxLength: 6 }),
        fc.array(spelling, { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom(...OTHER_COOKIES), { maxLength: 3 }),
        async (mode, pieces, names, cookieFields) => {
          const prefix = mode === 'public' ? '/pub/' : mode === 'hook' ? '/hooks/' : '/'
          const headers = new Headers({ accept: 'application/json' })
          for (const name of names) headers.append(name, 'spoofed')
          if (mode === 'session') headers.append('cookie', `${sessionCookie}; eap_login=1`)
          for (const field of cookieFields) headers.append('cookie', field)
          if (mode === 'bearer') headers.set('authorization', `Bearer ${token}`)
          let request: Request
          try {
            request = new Request(`${SITE}${prefix}${pieces.join('')}`, {
              method: mode === 'hook' ? 'POST' : 'GET',
              headers,
              ...(mode === 'hook' && { body: 'x' }),
            })
          } catch {
            return
          }
          seen.length = 0
          const res = await w.send(request)
          if (res.status !== 302) {
            // A path the origin would read differently, or a session cookie that the joined
            // fields made unreadable (then nobody is signed in): the origin is not asked.
            expect([400, 401]).toContain(res.status)
            expect(seen).toHaveLength(0)
            return
          }
          forwarded[mode]++
          expect(seen).toHaveLength(1)
          const sent = seen[0]!
          expect(sent.method).toBe(mode === 'hook' ? 'POST' : 'GET')
          for (const [name, value] of sent.headers) {
            expect(value, name).not.toContain('spoofed')
            if (isProxySet(name)) {
              expect([
                'x-forwarded-host',
                'x-forwarded-proto',
                'x-auth-request-user',
                'x-auth-request-jwt',
                'x-auth-request-email',
                'x-auth-request-preferred-username',
                'x-auth-request-groups',
              ]).toContain(name)
            }
          }
          expect(sent.headers.get('x-forwarded-host')).toBe('proxy.test')
          expect(sent.headers.get('x-forwarded-proto')).toBe('https')
          const withIdentity = mode === 'session' || mode === 'bearer'
          expect(sent.headers.get('x-auth-request-user')).toBe(withIdentity ? 'hana' : null)
          expect(sent.headers.get('cookie') ?? '').not.toMatch(/(^|[;,]\s*)(__Host-)?eap_/)
          if (cookieFields.includes('theme=dark')) {
            expect(sent.headers.get('cookie')).toContain('theme=dark')
          }
          expect(res.headers.get('location')).toBe(`${SITE}/next?from=1#top`)
          const upstreamPath = new URL(sent.url).pathname
          expect(res.headers.get('content-location')).toBe(
            `${SITE}${upstreamPath.slice(BASE.length)}`
          )
        }
      ),
      { numRuns: 1500 }
    )
    for (const count of Object.values(forwarded)) expect(count).toBeGreaterThan(50)
  }, 60_000)
})
