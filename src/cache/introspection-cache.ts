/**
 * @module
 * Cached token introspection (RFC 7662): isolate memory first, then KV under
 * `introspect:<sha256 hex of the token>` (never the token itself), then the provider, one call per
 * token at a time per isolate. An active answer is trusted for `ttlSeconds` but never past the
 * token's `exp`; an inactive one for `negativeTtlSeconds`. See docs/storage.md.
 */
import type { IntrospectionResult } from '../oauth/client'
import { sha256Hex } from '../utils/crypto'
import type { MemoryCache, SingleFlight } from './memory-cache'

/** What the proxy keeps of an introspection answer. Times in epoch seconds. */
export interface TokenVerdict {
  v: 1
  /** Only a JSON boolean `active: true`, with `exp` (if any) still ahead, counts (RFC 7662 2.2). */
  active: boolean
  sub?: string
  username?: string
  email?: string
  exp?: number
  /** Trusted until then. */
  cachedUntil: number
}

/** What {@link checkToken} works with; created once per app (so once per isolate). */
export interface IntrospectionCacheDeps {
  kv: KVNamespace
  memory: MemoryCache<TokenVerdict>
  flights: SingleFlight<TokenVerdict>
  ttlSeconds: number
  negativeTtlSeconds: number
  /** Runs a write after the response (`waitUntil`). */
  background(work: Promise<unknown>): void
}

/** KV refuses an `expirationTtl` below 60 seconds; `cachedUntil` inside the record is what counts. */
const KV_MIN_TTL_SECONDS = 60

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined)

/**
 * The verdict for an introspection answer at `nowSeconds`.
 * @returns active only for `active === true` and an `exp` (if present) after now; trusted until
 * `min(now + ttlSeconds, exp)`, or `now + negativeTtlSeconds` when inactive.
 */
export function verdictFrom(
  result: IntrospectionResult,
  nowSeconds: number,
  ttlSeconds: number,
  negativeTtlSeconds: number
): TokenVerdict {
  const exp = typeof result.exp === 'number' ? result.exp : undefined
  const active = result.active === true && (exp === undefined || exp > nowSeconds)
  if (!active) return { v: 1, active: false, cachedUntil: nowSeconds + negativeTtlSeconds }
  const verdict: TokenVerdict = {
    v: 1,
    active: true,
    cachedUntil: Math.min(nowSeconds + ttlSeconds, exp ?? Infinity),
  }
  const sub = stringOrUndefined(result.sub)
  const username = stringOrUndefined(result.username)
  const email = stringOrUndefined(result.email)
  if (sub !== undefined) verdict.sub = sub
  if (username !== undefined) verdict.username = username
  if (email !== undefined) verdict.email = email
  if (exp !== undefined) verdict.exp = exp
  return verdict
}

/**
 * Is `token` active? From memory, KV, or (one call per token at a time) `introspect()`.
 * A KV failure only skips the KV layer.
 * @throws whatever `introspect()` throws (an `OAuthClientError`); nothing is cached then.
 */
export async function checkToken(
  token: string,
  nowSeconds: number,
  deps: IntrospectionCacheDeps,
  introspect: () => Promise<IntrospectionResult>
): Promise<TokenVerdict> {
  const hash = await sha256Hex(token)
  const cached = deps.memory.get(hash, nowSeconds)
  if (cached) return cached
  return deps.flights.run(hash, async function introspectOnce() {
    const key = `introspect:${hash}`
    const stored = await deps.kv.get<TokenVerdict>(key, 'json').catch(() => null)
    if (stored?.v === 1 && stored.cachedUntil > nowSeconds) {
      deps.memory.set(hash, stored, stored.cachedUntil)
      return stored
    }
    const verdict = verdictFrom(
      await introspect(),
      nowSeconds,
      deps.ttlSeconds,
      deps.negativeTtlSeconds
    )
    deps.memory.set(hash, verdict, verdict.cachedUntil)
    deps.background(
      deps.kv.put(key, JSON.stringify(verdict), {
        expirationTtl: Math.max(KV_MIN_TTL_SECONDS, verdict.cachedUntil - nowSeconds),
      })
    )
    return verdict
  })
}
