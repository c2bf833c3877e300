import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import { brokenKv, countingKv, navigation, sendTo, SITE, testEnv } from '../helpers/harness'
import { fakeDataset, logsOf } from '../helpers/logs'
import { api, world } from '../helpers/session-world'

/** A fetch that fails the test if anything is fetched. */
const noFetch = vi.fn(async (): Promise<Response> => {
  throw new Error('nothing may be fetched')
})

/** KV that never answers (the pending promises end with the test). */
function hangingKv(): KVNamespace {
  const hang = () => new Promise<never>(() => {})
  return { get: hang, put: hang, delete: hang, list: hang } as unknown as KVNamespace
}

const decisions = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.event === 'request.done')

afterEach(() => noFetch.mockClear())

describe('GET /_auth/ping', () => {
  it('answers 200 without KV, the provider or even a configuration', async () => {
    const app = createApp({ fetch: noFetch })
    for (const e of [testEnv({ SESSIONS: brokenKv() }), testEnv({ CLIENT_ID: undefined })]) {
      const res = await sendTo(app, new Request(`${SITE}/_auth/ping`), e)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.text()).toBe('ok')
    }
    expect(noFetch).not.toHaveBeenCalled()
  })
})

describe('GET /_auth/ready', () => {
  const ready = (e = testEnv(), fetchImpl?: typeof fetch) =>
    sendTo(createApp(fetchImpl ? { fetch: fetchImpl } : {}), new Request(`${SITE}/_auth/ready`), e)

  it('answers 200 when the configuration, KV and the provider all answer', async () => {
    const res = await ready()
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: { config: 'ok', kv: 'ok', provider: 'ok' },
    })
  })

  it('answers 503 naming the KV check when KV throws or does not answer in time', async () => {
    for (const kv of [brokenKv(), hangingKv()]) {
      const res = await ready(testEnv({ SESSIONS: kv, OAUTH_TIMEOUT_MS: '50' }))
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('10')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.json()).toEqual({
        status: 'not_ready',
        checks: { config: 'ok', kv: 'failed', provider: 'ok' },
      })
    }
  })

  it('answers 503 naming the provider check when discovery fails, and recovers', async () => {
    let down = true
    const flaky: typeof fetch = async (input, init) => {
      if (down) throw new TypeError('Network connection lost.')
      return fetch(input, init)
    }
    const clock = { ms: Date.now() }
    const app = createApp({ fetch: flaky, now: () => clock.ms })
    const req = () => sendTo(app, new Request(`${SITE}/_auth/ready`))
    const res = await req()
    expect(res.status).toBe(503)
    expect((await res.json()) as unknown).toMatchObject({ checks: { provider: 'failed' } })
    down = false
    // The last checks answer for 5 s (READY_CACHE_SECONDS); then they run again.
    expect((await req()).status).toBe(503)
    clock.ms += 5000
    expect((await req()).status).toBe(200)
  })

  it('a flood of checks costs one KV read and one provider check per isolate per 5 s', async () => {
    // Anyone may ask: each answer must not cost a KV read (the Free plan has 100,000 a day, and
    // every session needs them) nor send the provider a request (it may 429 us for everyone).
    const base = testEnv()
    const { kv, counts } = countingKv(base.SESSIONS)
    let fetched = 0
    const counting: typeof fetch = async (input, init) => (fetched++, fetch(input, init))
    const clock = { ms: Date.now() }
    const app = createApp({ fetch: counting, now: () => clock.ms })
    const e = { ...base, SESSIONS: kv }
    const req = () => sendTo(app, new Request(`${SITE}/_auth/ready`), e)
    expect((await req()).status).toBe(200)
    const perCheck = fetched
    for (let i = 0; i < 50; i++) {
      const res = await req()
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ready' })
    }
    expect(counts.get).toBe(1)
    expect(fetched).toBe(perCheck)
    clock.ms += 5000
    expect((await req()).status).toBe(200)
    expect(counts.get).toBe(2)
  })

  it('answers 503 naming the configuration, with no value in the answer', async () => {
    const secret = 'sekrit-value-0123456789'
    const res = await ready(testEnv({ CLIENT_ID: undefined, CLIENT_SECRET: secret }))
    expect(res.status).toBe(503)
    const body = await res.text()
    expect(JSON.parse(body)).toEqual({
      status: 'not_ready',
      checks: { config: 'failed', kv: 'skipped', provider: 'skipped' },
    })
    expect(body).not.toContain(secret)
  })

  it('checks the token endpoint when there is no discovery (explicit endpoints)', async () => {
    const issuer = inject('issuer')
    const endpoints = {
      OAUTH_ISSUER: undefined,
      OAUTH_AUTHORIZATION_ENDPOINT: `${issuer}/auth`,
      OAUTH_TOKEN_ENDPOINT: `${issuer}/token`,
      OAUTH_PROTOCOL: 'oauth',
      OAUTH_USERINFO_ENDPOINT: `${issuer}/me`,
    }
    expect((await ready(testEnv(endpoints))).status).toBe(200)
    const down = await ready(
      testEnv({ ...endpoints, OAUTH_TOKEN_ENDPOINT: 'http://127.0.0.1:9/t' })
    )
    expect(down.status).toBe(503)
    expect((await down.json()) as unknown).toMatchObject({ checks: { provider: 'failed' } })
  })
})

describe('the log line per request decision', () => {
  it('logs outcome, status, route kind, duration, cf-ray and a short hash of sub', async () => {
    const w = world()
    const { cookie } = await w.signIn('logan')
    const lines = await logsOf(() =>
      w.send(api(cookie, '/api/x', { 'cf-ray': '8f00aa11bb22-SJC' }))
    )
    const [line, ...more] = decisions(lines)
    expect(more).toEqual([])
    expect(line).toMatchObject({
      level: 'info',
      outcome: 'ok',
      status: 200,
      kind: 'origin',
      method: 'GET',
      request_id: '8f00aa11bb22-SJC',
    })
    expect(line!.duration_ms).toEqual(expect.any(Number))
    expect(line!.sub_hash).toMatch(/^[0-9a-f]{12}$/)
    expect(JSON.stringify(lines)).not.toContain('logan')
    expect(JSON.stringify(lines)).not.toContain(cookie.split('=')[1]!)
  })

  it('logs sign-in steps with their outcome: login_started, signed_in', async () => {
    const w = world()
    const lines = await logsOf(() => w.signIn('lena'))
    expect(decisions(lines).map((l) => [l.kind, l.outcome, l.status])).toEqual([
      ['origin', 'login_started', 302],
      ['auth.callback', 'signed_in', 302],
    ])
  })

  it('names the user in auth.callback.ok as request.done does: sub_hash, 12 hex digits', async () => {
    const w = world()
    let cookie = ''
    const lines = await logsOf(async () => {
      cookie = (await w.signIn('hugo')).cookie
      await w.send(api(cookie, '/api/x'))
    })
    const ok = lines.find((l) => l.event === 'auth.callback.ok')
    const done = decisions(lines).find((l) => l.kind === 'origin' && l.outcome === 'ok')
    expect(ok).toBeDefined()
    expect(ok!.sub_hash).toMatch(/^[0-9a-f]{12}$/)
    expect(ok!.sub_hash).toBe(done!.sub_hash)
    expect(ok).not.toHaveProperty('sub_sha256')
    expect(JSON.stringify(lines)).not.toContain('hugo')
  })

  it('with LOG_SAMPLE_RATE=0 logs only failures', async () => {
    const w = world({ LOG_SAMPLE_RATE: '0' })
    const { cookie } = await w.signIn('sara')
    const lines = await logsOf(async () => {
      await w.send(api(cookie))
      await w.send(api(''))
    })
    expect(decisions(lines).map((l) => [l.outcome, l.status, l.level])).toEqual([
      ['unauthenticated', 401, 'warn'],
    ])
  })

  it('samples successes at LOG_SAMPLE_RATE with the injected random', async () => {
    const rolls = [0.1, 0.9]
    const app = createApp({ random: () => rolls.shift()! })
    const e = testEnv({ LOG_SAMPLE_RATE: '0.5', PUBLIC_PATHS: '/open' })
    const lines = await logsOf(async () => {
      await sendTo(app, new Request(`${SITE}/open`), e)
      await sendTo(app, new Request(`${SITE}/open`), e)
    })
    expect(decisions(lines)).toHaveLength(1)
  })

  it('refuses a bad LOG_SAMPLE_RATE on the configuration page, naming it', async () => {
    const res = await sendTo(createApp(), navigation('/'), testEnv({ LOG_SAMPLE_RATE: '2' }))
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('LOG_SAMPLE_RATE must be a number from 0 to 1')
  })
})

describe('counts in Analytics Engine', () => {
  it('counts a sign-in and refusals by code, and nothing about the user', async () => {
    const { points, METRICS } = fakeDataset()
    const w = world({ METRICS })
    const { cookie } = await w.signIn('mia')
    await w.send(api(cookie))
    await w.send(api(''))
    expect(points).toEqual([
      { indexes: ['sign_in'], blobs: ['sign_in', ''], doubles: [1] },
      { indexes: ['refusal'], blobs: ['refusal', 'unauthenticated'], doubles: [1] },
    ])
  })

  it('counts an upstream error', async () => {
    const { points, METRICS } = fakeDataset()
    const w = world({ METRICS, ORIGIN_URL: 'http://127.0.0.1:9' })
    const { cookie } = await w.signIn('ugo')
    points.length = 0
    expect((await w.send(api(cookie))).status).toBe(502)
    expect(points).toEqual([
      {
        indexes: ['upstream_error'],
        blobs: ['upstream_error', 'origin_unavailable'],
        doubles: [1],
      },
    ])
  })

  it('writes nothing and fails nothing without the binding', async () => {
    const w = world()
    const { cookie } = await w.signIn('nia')
    expect((await w.send(api(cookie))).status).toBe(200)
  })
})

describe("a provider's 429", () => {
  /** The real provider, but its token endpoint answers 429 with `retryAfter`. */
  const throttled =
    (retryAfter: string): typeof fetch =>
    async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname.endsWith('/token')) {
        return new Response('{"error":"temporarily_unavailable"}', {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': retryAfter },
        })
      }
      return fetch(input, init)
    }

  it("is a 503 idp_unavailable with the provider's Retry-After, bounded to 120 s", async () => {
    for (const [given, passed] of [
      ['30', '30'],
      ['86400', '120'],
      ['soon', '10'],
    ]) {
      const w = world({}, throttled(given!))
      const { callback } = await w.signIn('tess')
      expect(callback.status).toBe(503)
      expect(callback.headers.get('retry-after')).toBe(passed)
      expect(await callback.text()).toContain('idp_unavailable')
      expect(callback.headers.getSetCookie().some((c) => c.includes('eap_session='))).toBe(false)
    }
  })
})
