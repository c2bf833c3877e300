import { describe, expect, it } from 'vitest'
import {
  callbackRequest,
  loginAtProvider,
  navigation,
  sessionCount,
  startSignIn,
} from '../helpers/harness'
import { world } from '../helpers/session-world'

/** Waits `ms` (or for good) unless `signal` fires first, like a provider that is slow to answer. */
function hold(signal: AbortSignal | null | undefined, ms = Infinity): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = ms === Infinity ? null : setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      if (timer !== null) clearTimeout(timer)
      reject(signal.reason)
    })
  })
}

type Fault = (init: RequestInit | undefined) => Promise<Response>

const FAULTS: Record<string, [Fault, number, string]> = {
  refusing: [
    async () => {
      throw new TypeError('Network connection lost.')
    },
    503,
    'idp_unavailable',
  ],
  hanging: [
    async (init) => {
      await hold(init?.signal)
      throw new Error('unreachable')
    },
    503,
    'idp_unavailable',
  ],
  'answering after 10 s': [
    async (init) => {
      await hold(init?.signal, 10_000)
      return Response.json({ error: 'too late' })
    },
    503,
    'idp_unavailable',
  ],
  'a 500': [async () => new Response('oops', { status: 500 }), 503, 'idp_unavailable'],
  'an HTML page': [
    async () =>
      new Response('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } }),
    502,
    'idp_error',
  ],
  'truncated JSON': [
    async () =>
      new Response('{"access_token":"abc","token_type":"Bea', {
        headers: { 'content-type': 'application/json' },
      }),
    502,
    'idp_error',
  ],
}

/** OAUTH_TIMEOUT_MS in these tests, and the margin a failed sign-in must answer within. */
const TIMEOUT_MS = 150
const MARGIN_MS = 2000

describe('a provider that fails at the token endpoint during sign-in', () => {
  for (const [name, [fault, status, code]] of Object.entries(FAULTS)) {
    it(`${name}: ${status} ${code} within OAUTH_TIMEOUT_MS plus a margin, no session; then recovers`, async () => {
      let broken = true
      const faulty: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input))
        if (broken && url.pathname.endsWith('/token')) return fault(init)
        return fetch(input, init)
      }
      const w = world({ OAUTH_TIMEOUT_MS: String(TIMEOUT_MS) }, faulty)
      const before = await sessionCount(w.e)
      const started = await startSignIn('/after', w.e, undefined, (req) => w.send(req))
      const callbackUrl = await loginAtProvider(started.authorizeUrl.href, 'fay')
      const t0 = Date.now()
      const res = await w.send(callbackRequest(callbackUrl, started.jar))
      expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS + MARGIN_MS)
      expect(res.status).toBe(status)
      expect(await res.text()).toContain(`<code>${code}</code>`)
      expect(res.headers.getSetCookie().some((c) => /eap_session=[^;]/.test(c))).toBe(false)
      if (status === 503) expect(res.headers.get('retry-after')).toBe('10')
      expect(await sessionCount(w.e)).toBe(before)
      // Recovers without a restart: the next sign-in in the same isolate completes.
      broken = false
      const { callback } = await w.signIn('fay')
      expect(callback.status).toBe(302)
      expect(await sessionCount(w.e)).toBe(before + 1)
    })
  }
})

describe('a discovery failure', () => {
  it('is a 503 and is retried on the next request (not remembered)', async () => {
    let down = true
    const flaky: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (down && url.pathname.includes('/.well-known/')) return new Response('', { status: 502 })
      return fetch(input, init)
    }
    const w = world({}, flaky)
    const first = await w.send(navigation('/'))
    expect(first.status).toBe(503)
    expect(await first.text()).toContain('<code>idp_unavailable</code>')
    down = false
    const second = await w.send(navigation('/'))
    expect(second.status).toBe(302)
  })
})
