import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { canonicalPath } from '../../src/utils/canonical-path'
import { sendTo, SITE, testEnv } from '../helpers/harness'
import { HOSTILE_PATH_PIECES } from '../helpers/hostile-paths'

// The origin is faked by the injected fetch: every call to it is recorded, nothing leaves.
const ORIGIN = 'http://127.0.0.1:1'
interface Seen {
  url: string
  headers: Headers
}
function recordingApp() {
  const seen: Seen[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(ORIGIN)) return fetch(input, init)
    seen.push({ url, headers: new Headers(init?.headers ?? (input as Request).headers) })
    return new Response('origin', { status: 200 })
  }
  return { app: createApp({ fetch: fetchImpl }), seen }
}

const PIECES = ['assets', 'healthz', 'admin', 'x=/assets/', '%2E%2e', '%61', ...HOSTILE_PATH_PIECES]

describe('what the origin sees (property, through the app)', () => {
  it.each([`${ORIGIN}`, `${ORIGIN}/base/`, `${ORIGIN}/b%2Fase`])(
    'ORIGIN_URL=%s: only the canonical public path, under the origin, with the same query',
    async (originUrl) => {
      const { app, seen } = recordingApp()
      const e = testEnv({ ORIGIN_URL: originUrl, PUBLIC_PATHS: 'GET /assets/*, /healthz' })
      let forwarded = 0
      const base = new URL(originUrl).pathname.replace(/\/$/, '')
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('', 'assets/', 'healthz', 'assets'),
          fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }),
          async (prefix, pieces) => {
            let request: Request
            try {
              request = new Request(`${SITE}/${prefix}${pieces.join('')}`, {
                headers: { accept: 'application/json' },
              })
            } catch {
              return
            }
            const requested = new URL(request.url)
            const path = canonicalPath(requested.pathname)
            seen.length = 0
            const res = await sendTo(app, request, e)
            if (res.status !== 200) {
              expect([400, 401]).toContain(res.status)
              expect(seen).toHaveLength(0)
              return
            }
            forwarded++
            expect(seen).toHaveLength(1)
            const sent = new URL(seen[0]!.url)
            expect(sent.origin).toBe(ORIGIN)
            expect(sent.pathname).toBe(base + path)
            expect(sent.search).toBe(requested.search)
            expect(sent.hash).toBe('')
            expect(path === '/healthz' || path.startsWith('/assets/')).toBe(true)
            expect(path.split('/')).not.toContain('..')
            expect(seen[0]!.headers.get('x-forwarded-host')).toBe('proxy.test')
            expect(seen[0]!.headers.get('x-forwarded-proto')).toBe('https')
          }
        ),
        { numRuns: 1500 }
      )
      expect(forwarded).toBeGreaterThan(100)
    }
  )
})
