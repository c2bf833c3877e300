/**
 * @module
 * Health endpoints for load balancers and monitors, both `Cache-Control: no-store`:
 * - `GET /_auth/ping`: 200 `ok` from the isolate alone (no configuration, KV or provider);
 * - `GET /_auth/ready`: 200 only when the configuration is valid, KV answers (a `get` of one fixed
 *   key) and the provider is reachable (oauth/reachability.ts), each within `OAUTH_TIMEOUT_MS`;
 *   else 503 with `Retry-After` and which check failed. No value, secret or cause is shown (the
 *   cause goes to the log). The checks are run at most once per {@link READY_CACHE_SECONDS} per
 *   isolate (anyone may ask): a flood costs no KV reads and sends the provider nothing more.
 * Both are registered before the configuration is loaded, so a bad configuration is reported
 * here as a failed check rather than as the configuration page.
 */
import type { Context } from 'hono'
import { getConfig, type Config } from '../config'
import { RETRY_AFTER_SECONDS } from '../errors'
import { log } from '../log'
import { probeProvider } from '../oauth/reachability'
import { DEFAULT_TIMEOUT_MS } from '../oauth/options'
import type { AppEnv } from '../types'

/** The KV key `/_auth/ready` reads; it is never written, a miss is an answer. */
export const READY_PROBE_KEY = 'ready:probe'

const NO_STORE = { 'Cache-Control': 'no-store' }

/** `GET /_auth/ping`. */
export function ping(c: Context<AppEnv>): Response {
  return c.text('ok', 200, NO_STORE)
}

/** `work`, or a rejection after `ms`. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => timer !== null && clearTimeout(timer))
}

type Check = 'ok' | 'failed' | 'skipped'

/** Runs one check; a failure is logged with its cause. */
async function check(name: string, work: () => Promise<unknown>): Promise<Check> {
  try {
    await work()
    return 'ok'
  } catch (err) {
    log('warn', 'ready.check_failed', {
      check: name,
      cause: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    })
    return 'failed'
  }
}

/**
 * How long (seconds) this isolate answers `/_auth/ready` from its last checks: anyone may ask,
 * and each check costs a KV read and a provider request.
 */
export const READY_CACHE_SECONDS = 5

/** Runs the checks: the configuration, then KV and the provider together. */
async function runChecks(c: Context<AppEnv>, fetchImpl?: typeof fetch) {
  let config: Config | undefined
  const checks: Record<'config' | 'kv' | 'provider', Check> = {
    config: await check('config', async () => {
      config = getConfig(c.env, c.get('memory').configs)
    }),
    kv: 'skipped',
    provider: 'skipped',
  }
  if (config) {
    const options = { ...config.client, ...(fetchImpl && { fetch: fetchImpl }) }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const sessions = config.sessions
    ;[checks.kv, checks.provider] = await Promise.all([
      check('kv', () => within(timeoutMs, sessions.get(READY_PROBE_KEY))),
      check('provider', () => within(timeoutMs + 1000, probeProvider(options))),
    ])
  }
  return checks
}

/** `GET /_auth/ready`, with the app's `fetch` for the provider. */
export function ready(fetchImpl?: typeof fetch) {
  return async function ready(c: Context<AppEnv>): Promise<Response> {
    const [memory, nowSeconds] = [c.get('memory'), c.get('clock').nowSeconds()]
    const checks =
      memory.readiness.get('ready', nowSeconds) ??
      (await memory.readinessChecks.run('ready', async () => {
        const fresh = await runChecks(c, fetchImpl)
        memory.readiness.set('ready', fresh, nowSeconds + READY_CACHE_SECONDS)
        return fresh
      }))
    const ok = Object.values(checks).every((v) => v === 'ok')
    const failed = Object.entries(checks)
      .filter(([, v]) => v === 'failed')
      .map(([k]) => k)
    if (!ok) c.set('outcome', `not_ready:${failed.join(',')}`)
    return c.json({ status: ok ? 'ready' : 'not_ready', checks }, ok ? 200 : 503, {
      ...NO_STORE,
      ...(!ok && { 'Retry-After': String(RETRY_AFTER_SECONDS) }),
    })
  }
}
