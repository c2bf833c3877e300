/**
 * @module
 * Cached token introspection (RFC 7662): isolate memory first, then KV under
 * `introspect:<sha256 hex of the token>` (never the token itself), then the provider, one call per
 * token at a time per isolate. An active answer is trusted for `ttlSeconds` but never past the
 * token's `exp`; an inactive one for `negativeTtlSeconds`, in memory only. See docs/storage.md.
 */
import type { IntrospectionResult } from '../oauth/client'
import { sha256Hex } from '../utils/crypto'
import { kvTtlSeconds } from '../utils/kv'
import type { MemoryCache, SingleFlight } from './memory-cache'

/** What the proxy keeps of an introspection answer. Times in epoch seconds. */
export interface TokenVerdict {
  v: 1
  /** Only a JSON boolean `active: true`, with `exp` (if any) still ahead, counts (RFC 7662 2.2). */
  active: boolean
  sub?: string
  username?: string
  email?: string
  /** The answer's `email_verified`, when it had one. */
  emailVerified?: boolean
  /** Who the token was issued to: the answer's `client_id`, and its `aud` values. */
  clientId?: string
  aud?: string[]
  /** The answer's `token_type` (e.g. `Bearer`, or `refresh_token` from some providers). */
  tokenType?: string
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

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined)

/**
 * The verdict for an introspection answer at `nowSeconds`.
 * The answer's identity and audience are kept for Bearer checks (RFC 7662 2.2).
 * @returns active only for `active === true` and an `exp` (if present, a number) after now; trusted until
 * `min(now + ttlSeconds, exp)`, or `now + negativeTtlSeconds` when inactive.
 */
export function verdictFrom(
  result: IntrospectionResult,
  nowSeconds: number,
  ttlSeconds: number,
  negativeTtlSeconds: number
): TokenVerdict {
  // An `exp` that is not a number cannot be checked: such a token is not trusted.
  const exp = typeof result.exp === 'number' ? result.exp : undefined
  const expOk = result.exp === undefined || (exp !== undefined && exp > nowSeconds)
  const active = result.active === true && expOk
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
  if (typeof result.email_verified === 'boolean') verdict.emailVerified = result.email_verified
  const clientId = stringOrUndefined(result.client_id)
  if (clientId !== undefined) verdict.clientId = clientId
  const aud =
    typeof result.aud === 'string' ? [result.aud] : Array.isArray(result.aud) ? result.aud : []
  if (aud.length) verdict.aud = aud.filter((a): a is string => typeof a === 'string')
  const tokenType = stringOrUndefined(result.token_type)
  if (tokenType !== undefined) verdict.tokenType = tokenType
  return verdict
}

/** Hashes of the tokens seen last in this isolate, oldest first (a Bearer API is called often). */
const tokenHashes = new Map<string, string>()
/** At most this many: 1 000 tokens of at most 4 KiB each (middleware/bearer.ts) stay under 4 MiB. */
const MAX_TOKEN_HASHES = 1000

/**
 * The key of `token` in the verdict caches: the lower-case hex SHA-256 of its UTF-8, remembered
 * for the last {@link MAX_TOKEN_HASHES} tokens so that a busy token is hashed once per isolate.
 */
export async function tokenHash(token: string): Promise<string> {
  const known = tokenHashes.get(token)
  if (known !== undefined) return known
  const hash = await sha256Hex(token)
  if (tokenHashes.size >= MAX_TOKEN_HASHES) tokenHashes.delete(tokenHashes.keys().next().value!)
  tokenHashes.set(token, hash)
  return hash
}

/**
 * Forgets `token` (sign-out): its verdict key, and the token itself if the memo holds it.
 * @returns the key of `token` in the verdict caches (see {@link tokenHash}).
 */
export async function forgetToken(token: string): Promise<string> {
  tokenHashes.delete(token)
  return sha256Hex(token)
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
  const hash = await tokenHash(token)
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
    // Only active answers go to KV: a flood of random tokens costs no KV writes.
    if (verdict.active) {
      deps.background(
        deps.kv.put(key, JSON.stringify(verdict), {
          // `cachedUntil` inside the record is what counts; KV's minimum TTL is 60 s.
          expirationTtl: kvTtlSeconds(verdict.cachedUntil - nowSeconds),
        })
      )
    }
    return verdict
  })
}
