/**
 * @module
 * One JSON log line per request decision, `request.done`: the outcome (an error code, what the
 * proxy decided, or `ok`), the status, the route kind, the duration in ms until the answer's
 * headers (a streamed body goes on after), the request id (`cf-ray`) when present, and a short
 * hash of the user's `sub` (never the `sub`, a token or a cookie). Failures (status >= 400) are
 * always logged; other requests at `LOG_SAMPLE_RATE`. The counts (helper/metrics.ts) are taken
 * here too: sign-ins, refusals by code, upstream errors.
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { ProxyError } from '../errors'
import { countEvent } from '../helper/metrics'
import { log } from '../log'
import type { AppEnv } from '../types'
import { sha256Hex } from '../utils/crypto'

/** Hex digits of SHA-256(sub) in the log: enough to follow one user, too few to be a lookup key. */
const SUB_HASH_LENGTH = 12

/** Codes that mean something upstream (the provider or the origin) failed. */
const UPSTREAM_CODES: ReadonlySet<string> = new Set([
  'idp_error',
  'idp_unavailable',
  'origin_unavailable',
  'origin_timeout',
])

/** The short hash of `sub` for the log, from the isolate's memo (one digest per user). */
async function subHash(c: Context<AppEnv>, sub: string): Promise<string> {
  const memo = c.get('memory').subHashes
  let hash = memo.get(sub)
  if (hash === undefined) {
    hash = (await sha256Hex(sub)).slice(0, SUB_HASH_LENGTH)
    memo.set(sub, hash)
  }
  return hash
}

/** The route kind: `auth.<route>` for `/_auth/*`, `websocket` for an upgrade, else `origin`. */
function routeKind(c: Context<AppEnv>): string {
  const path = c.get('path') ?? new URL(c.req.url).pathname
  if (path.startsWith('/_auth/')) {
    const name = path
      .slice('/_auth/'.length)
      .split('/')[0]!
      .replace(/\.json$/, '')
    return /^[a-z_-]{1,20}$/.test(name) ? `auth.${name}` : 'auth.other'
  }
  if ((c.req.header('upgrade') ?? '').toLowerCase() === 'websocket') return 'websocket'
  return 'origin'
}

/** Options for {@link requestLog}. */
export interface RequestLogOptions {
  /** A number in [0, 1) per request, for sampling; `Math.random` by default. */
  random?: () => number
}

/** Middleware (right after `requestContext`): logs and counts each request's decision. */
export function requestLog({ random = Math.random }: RequestLogOptions = {}) {
  return createMiddleware<AppEnv>(async function requestLog(c, next) {
    const clock = c.get('clock')
    const started = clock.nowMs()
    await next()
    const status = c.res.status
    const error = c.error
    const code = error instanceof ProxyError ? error.code : error ? 'internal_error' : undefined
    const kind = routeKind(c)
    const outcome = code ?? c.get('outcome') ?? (kind === 'auth.callback' ? 'signed_in' : 'ok')
    if (outcome === 'signed_in') countEvent(c, 'sign_in')
    else if (code && UPSTREAM_CODES.has(code)) countEvent(c, 'upstream_error', code)
    else if (code) countEvent(c, 'refusal', code)
    const failed = status >= 400 || code !== undefined
    const rate = c.get('config')?.logSampleRate ?? 1
    if (!failed && !(rate >= 1 || random() < rate)) return
    const sub = c.get('identity')?.sub
    log(status >= 500 ? 'error' : failed ? 'warn' : 'info', 'request.done', {
      outcome,
      status,
      kind,
      method: c.req.method,
      duration_ms: clock.nowMs() - started,
      request_id: c.req.header('cf-ray') ?? undefined,
      sub_hash: sub ? await subHash(c, sub) : undefined,
    })
  })
}
