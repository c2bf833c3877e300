import { describe, expect, inject, it, vi } from 'vitest'
import type { Env } from '../../src/config'
import { navigation, SITE } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'

/** A signed-in world whose origin is the fault origin, with a small origin timeout. */
async function signedInAtFaultOrigin(overrides: Record<string, unknown> = {}) {
  const w = world({ ORIGIN_URL: inject('faultOriginUrl'), ORIGIN_TIMEOUT_MS: '200', ...overrides })
  const { cookie } = await w.signIn('olga')
  const before = await record(cookie)
  return { w, cookie, before }
}

async function expectSessionUntouched(res: Response, cookie: string, before: unknown) {
  expect(res.headers.getSetCookie()).toEqual([])
  expect(await record(cookie)).toEqual(before)
}

describe('an origin that cannot be reached', () => {
  it('refused: 502 JSON for an API call, a page for a navigation; the session untouched', async () => {
    const w = world({ ORIGIN_URL: 'http://127.0.0.1:9' })
    const { cookie } = await w.signIn('rita')
    const before = await record(cookie)
    const res = await w.send(api(cookie))
    expect(res.status).toBe(502)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toMatchObject({ error: 'origin_unavailable' })
    await expectSessionUntouched(res, cookie, before)
    const page = await w.send(navigation('/x', { headers: { cookie } }))
    expect(page.status).toBe(502)
    expect(await page.text()).toContain('<code>origin_unavailable</code>')
    // Still signed in: the next request that reaches a working origin goes through.
    const ok = await w.send(api(cookie), { ...w.e, ORIGIN_URL: inject('originUrl') } as Env)
    expect(ok.status).toBe(200)
  })

  it('reset after reading the request: 502, the session untouched', async () => {
    const { w, cookie, before } = await signedInAtFaultOrigin()
    const res = await w.send(api(cookie, '/reset'))
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: 'origin_unavailable' })
    await expectSessionUntouched(res, cookie, before)
  })

  it('unresolvable (the runtime throws as for a DNS failure): 502', async () => {
    const dnsFails: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.hostname === 'origin.invalid') throw new TypeError('DNS lookup failed')
      return fetch(input, init)
    }
    const w = world({ ORIGIN_URL: 'http://origin.invalid' }, dnsFails)
    const { cookie } = await w.signIn('dina')
    const res = await w.send(api(cookie))
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: 'origin_unavailable' })
  })
})

describe('an origin that does not answer in time', () => {
  it('is a 504 after ORIGIN_TIMEOUT_MS, in JSON and as a page; the session untouched', async () => {
    const { w, cookie, before } = await signedInAtFaultOrigin()
    const started = Date.now()
    const res = await w.send(api(cookie, '/hang'))
    expect(Date.now() - started).toBeLessThan(5000)
    expect(res.status).toBe(504)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      error: 'origin_timeout',
      error_description: 'The site behind the proxy did not answer in time. Try again in a moment.',
    })
    await expectSessionUntouched(res, cookie, before)
    const page = await w.send(
      navigation('/hang', { headers: { cookie, 'accept-language': 'zh-CN' } })
    )
    expect(page.status).toBe(504)
    const html = await page.text()
    expect(html).toContain('网站没有响应')
    expect(html).toContain('<code>origin_timeout</code>')
    const hant = await w.send(
      navigation('/hang', { headers: { cookie, 'accept-language': 'zh-TW' } })
    )
    expect(await hant.text()).toContain('網站沒有回應')
  })

  it('applies to public paths too', async () => {
    const w = world({
      ORIGIN_URL: inject('faultOriginUrl'),
      ORIGIN_TIMEOUT_MS: '100',
      PUBLIC_PATHS: '/hang',
    })
    const res = await w.send(new Request(`${SITE}/hang`))
    expect(res.status).toBe(504)
  })

  it('stops counting once the headers came: a stream longer than the timeout goes on', async () => {
    const signals: AbortSignal[] = []
    const capturing: typeof fetch = async (input, init) => {
      if (init?.signal) signals.push(init.signal)
      return fetch(input, init)
    }
    const w = world({ ORIGIN_URL: inject('faultOriginUrl'), ORIGIN_TIMEOUT_MS: '100' }, capturing)
    const { cookie } = await w.signIn('stan')
    // The proxy's timers are faked from here: time is moved, not waited for.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      signals.length = 0
      const res = await w.send(api(cookie, '/sse', { accept: 'text/event-stream' }))
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: first')
      vi.advanceTimersByTime(60_000)
      expect(signals).toHaveLength(1)
      expect(signals[0]!.aborted).toBe(false)
      await reader.cancel()
    } finally {
      vi.useRealTimers()
    }
  })

  it('times out by the timer, which the fake clock moves (no waiting)', async () => {
    const { w, cookie } = await signedInAtFaultOrigin({ ORIGIN_TIMEOUT_MS: '30000' })
    // One request first, so the session's checks are behind it: the next one goes straight to
    // the origin, and the only timer left to move is the origin's.
    expect((await w.send(api(cookie, '/download?bytes=0'))).status).toBe(200)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const pending = w.send(api(cookie, '/hang'))
      await vi.advanceTimersByTimeAsync(30_000)
      expect((await pending).status).toBe(504)
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses an ORIGIN_TIMEOUT_MS that is not a whole number', async () => {
    const w = world({ ORIGIN_TIMEOUT_MS: 'soon' })
    const res = await w.send(navigation('/'))
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('ORIGIN_TIMEOUT_MS must be a whole number')
  })
})
