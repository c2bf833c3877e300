/**
 * @module
 * Cached token introspection (RFC 7662): isolate memory first, then (for Bearer tokens) KV under
 * `introspect:<sha256 hex of the token>` (never the token itself), then the provider, one call per
 * token at a time per isolate. An active answer is trusted for `ttlSeconds` but never past the
 * token's `exp`, and kept `graceSeconds` longer for when the provider cannot answer
 * (`PROVIDER_OUTAGE_GRACE_SECONDS`); an inactive one for `negativeTtlSeconds`, in memory only.
 * See docs/storage.md and docs/failures.md.
 * What is kept in memory is passed in ({@link IntrospectionCacheDeps}); this module keeps nothing.
 */
import type { IntrospectionResult } from '../oauth/client'
import { OAuthClientError } from '../oauth/errors'
import { sha256Hex } from '../utils/crypto'
import { kvTtlSeconds } from '../utils/kv'
import type { Memo, MemoryCache, SingleFlight } from './memory-cache'
import { verdictFrom, type TokenVerdict } from './token-verdict'

export type { TokenVerdict } from './token-verdict'

/** What {@link checkToken} works with; created once per app (so once per isolate). */
export interface IntrospectionCacheDeps {
  /**
   * Where active verdicts are shared between isolates; null keeps them in memory only (a
   * session's re-check: a verdict per session per minute in KV would cost a write each).
   */
  kv: KVNamespace | null
  memory: MemoryCache<TokenVerdict>
  flights: SingleFlight<TokenVerdict>
  /** Hashes of the tokens seen last (see {@link tokenHash}). */
  hashes: Memo<string>
  ttlSeconds: number
  negativeTtlSeconds: number
  /** Runs a write after the response (`waitUntil`). */
  background(work: Promise<unknown>): void
  /**
   * `PROVIDER_OUTAGE_GRACE_SECONDS`: an active verdict is kept this long past its `cachedUntil`,
   * and used when the provider cannot answer (see {@link checkToken}); 0: no grace.
   */
  graceSeconds: number
  /** Called on each use of a verdict past its `cachedUntil` (to log and count it). */
  onGrace(graceLeftSeconds: number): void
}

/**
 * The key of `token` in the verdict caches: the lower-case hex SHA-256 of its UTF-8, remembered
 * in `hashes` (the isolate's last tokens: a Bearer API is called often) so that a busy token is
 * hashed once per isolate.
 */
export async function tokenHash(token: string, hashes?: Memo<string>): Promise<string> {
  const known = hashes?.get(token)
  if (known !== undefined) return known
  const hash = await sha256Hex(token)
  hashes?.set(token, hash)
  return hash
}

/**
 * Forgets `token` (sign-out): the token itself if `hashes` holds it.
 * @returns the key of `token` in the verdict caches (see {@link tokenHash}).
 */
export async function forgetToken(token: string, hashes?: Memo<string>): Promise<string> {
  hashes?.delete(token)
  return sha256Hex(token)
}

/** True when `err` means the provider could not answer (not: it answered no). */
const isProviderUnavailable = (err: unknown) =>
  err instanceof OAuthClientError && err.kind === 'unavailable'

/** Until when (epoch seconds) an active `verdict` is kept: `cachedUntil` plus the grace. */
const keptUntil = (verdict: TokenVerdict, graceSeconds: number) =>
  verdict.active ? verdict.cachedUntil + graceSeconds : verdict.cachedUntil

/**
 * Is `token` active? From memory, KV, or (one call per token at a time) `introspect()`.
 * A KV failure only skips the KV layer. When the provider cannot answer (an `OAuthClientError`
 * of kind `unavailable`: timeout, network, 5xx, 429), an active verdict past its `cachedUntil`
 * by less than `graceSeconds` is used instead (and `onGrace` called); it never outlives the
 * token's `exp` by more than the grace, as `cachedUntil` is never past `exp`. A token once
 * active that the provider now calls inactive loses its active verdict (memory and KV): no grace.
 * @param admit called when memory does not know the token, before KV and the provider: a rate
 * limit throws there, so a refused token costs neither a KV read nor a provider call.
 * @throws whatever `admit()` or `introspect()` throws (an `OAuthClientError`, a `ProxyError`);
 * nothing is cached then.
 */
export async function checkToken(
  token: string,
  nowSeconds: number,
  deps: IntrospectionCacheDeps,
  introspect: () => Promise<IntrospectionResult>,
  admit?: () => Promise<void>
): Promise<TokenVerdict> {
  const hash = await tokenHash(token, deps.hashes)
  const cached = deps.memory.get(hash, nowSeconds)
  if (cached && cached.cachedUntil > nowSeconds) return cached
  return deps.flights.run(hash, async function introspectOnce() {
    if (!cached) await admit?.()
    const key = `introspect:${hash}`
    const kv = deps.kv
    const stored = kv && (await kv.get<TokenVerdict>(key, 'json').catch(() => null))
    if (stored?.v === 1 && stored.cachedUntil > nowSeconds) {
      deps.memory.set(hash, stored, keptUntil(stored, deps.graceSeconds))
      return stored
    }
    // The last active verdict, for the grace: this isolate's, else the one KV still holds.
    const last = cached ?? (stored?.v === 1 ? stored : undefined)
    let result
    try {
      result = await introspect()
    } catch (err) {
      const graceEnd = last?.active ? last.cachedUntil + deps.graceSeconds : 0
      if (!isProviderUnavailable(err) || nowSeconds >= graceEnd) throw err
      deps.onGrace(graceEnd - nowSeconds)
      return last!
    }
    const verdict = verdictFrom(result, nowSeconds, deps.ttlSeconds, deps.negativeTtlSeconds)
    if (!verdict.active && last?.active) {
      // Once active, now inactive (revoked): the old verdict must not grace it in an outage.
      // Kept here for the grace; gone from KV (other locations may read it up to KV's 60 s).
      deps.memory.set(hash, verdict, verdict.cachedUntil + deps.graceSeconds)
      if (stored && kv) deps.background(kv.delete(key))
      return verdict
    }
    deps.memory.set(hash, verdict, keptUntil(verdict, deps.graceSeconds))
    // Only active answers go to KV: a flood of random tokens costs no KV writes.
    if (verdict.active && kv) {
      deps.background(
        kv.put(key, JSON.stringify(verdict), {
          // `cachedUntil` inside the record is what counts (kept for the grace after it); KV's
          // minimum TTL is 60 s.
          expirationTtl: kvTtlSeconds(keptUntil(verdict, deps.graceSeconds) - nowSeconds),
        })
      )
    }
    return verdict
  })
}
