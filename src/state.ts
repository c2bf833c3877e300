/**
 * @module
 * What the proxy keeps in isolate memory between requests: the session and introspection caches,
 * the single-flight gates for refresh and introspection, and the clock. One per app, and the
 * Worker makes one app per isolate.
 */
import type { TokenVerdict } from './cache/introspection-cache'
import { MemoryCache, SingleFlight } from './cache/memory-cache'
import type { SessionRecord } from './session/session-store'

/** Entries per cache: enough for a busy isolate, small enough for its 128 MB. */
const MAX_CACHED_ENTRIES = 10_000

/** Per-isolate state. Times in epoch seconds. */
export interface ProxyState {
  /** Session records by id, each kept at most `INTROSPECTION_CACHE_TTL_SECONDS`. */
  sessions: MemoryCache<SessionRecord>
  /** Introspection verdicts by token hash. */
  verdicts: MemoryCache<TokenVerdict>
  /** Sessions ended in this isolate (tombstones), so nothing in flight brings them back. */
  ended: MemoryCache<true>
  /** Sessions whose marks were written within the last minute. */
  marking: MemoryCache<true>
  /** One KV read per session id at a time (a burst of requests that miss memory reads once). */
  loads: SingleFlight<SessionRecord | null>
  /** One refresh per session id at a time. */
  refreshes: SingleFlight<SessionRecord | null>
  /** One introspection per token at a time. */
  introspections: SingleFlight<TokenVerdict>
  /** The clock, in epoch seconds (injected in tests). */
  nowSeconds(): number
}

/**
 * Creates the per-isolate state.
 * @param nowMs the clock in epoch milliseconds; `Date.now` by default.
 */
export function createProxyState(nowMs: () => number = Date.now): ProxyState {
  return {
    sessions: new MemoryCache(MAX_CACHED_ENTRIES),
    verdicts: new MemoryCache(MAX_CACHED_ENTRIES),
    ended: new MemoryCache(MAX_CACHED_ENTRIES),
    marking: new MemoryCache(MAX_CACHED_ENTRIES),
    loads: new SingleFlight(),
    refreshes: new SingleFlight(),
    introspections: new SingleFlight(),
    nowSeconds: () => Math.floor(nowMs() / 1000),
  }
}
