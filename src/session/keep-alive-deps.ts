/**
 * @module
 * What keeping a session alive works with ({@link KeepAliveDeps}), passed in by the caller
 * (helper/deps.ts builds it from the request's context): the settings, the provider calls, the
 * isolate's memory of sessions, the introspection cache, the clock, background work and counts.
 */
import type { ClaimSettings } from './claims'
import type { IntrospectionCacheDeps } from '../cache/introspection-cache'
import type { MemoryCache, SingleFlight } from '../cache/memory-cache'
import type { OAuthClient } from '../oauth/client'
import type { Clock } from '../utils/clock'
import type { SessionRecord } from './session-store'

/** The settings the session rules read (a `Config` is one). Durations in seconds. */
export interface KeepAliveSettings extends ClaimSettings {
  /** The KV namespace holding `session:<id>`. */
  sessions: KVNamespace
  /** The sessions' Durable Objects (session/authority.ts). */
  authority: DurableObjectNamespace
  sessionMaxAgeSeconds: number
  sessionIdleSeconds: number
  refreshSkewSeconds: number
  /** Re-check access tokens by introspection once `checkedUntil` has passed. */
  introspection: boolean
  /** How long a memory copy, and an active verdict, is trusted. */
  introspectionCacheTtlSeconds: number
  /** How long past its last active verdict a session goes on while the provider is down. */
  providerOutageGraceSeconds: number
}

/** The isolate's memory of sessions (an `IsolateMemory` is one: src/isolate-memory.ts). */
export interface SessionMemory {
  /** Session records by id, each kept at most `INTROSPECTION_CACHE_TTL_SECONDS`. */
  sessions: MemoryCache<SessionRecord>
  /** Sessions ended in this isolate (tombstones), so nothing in flight brings them back. */
  ended: MemoryCache<true>
  /** Sessions their authority (a Durable Object) said were live, each for one TTL. */
  confirmed: MemoryCache<true>
  /** One KV read per session id at a time (a burst of requests that miss memory reads once). */
  loads: SingleFlight<SessionRecord | null>
  /** One refresh per session id at a time. */
  refreshes: SingleFlight<SessionRecord | null>
  /**
   * Sessions in grace (session/grace.ts), until the grace ends: when (epoch seconds) the provider
   * is next asked, behind a request.
   */
  graced: MemoryCache<number>
}

/** What `resumeSession` and `endSession` need. */
export interface KeepAliveDeps {
  config: KeepAliveSettings
  oauth: Pick<
    OAuthClient,
    | 'getNewAccessTokenByRefreshToken'
    | 'introspectToken'
    | 'getUserInfoByAccessToken'
    | 'revokeToken'
  >
  memory: SessionMemory
  /** The introspection cache, for the re-check. */
  introspection: IntrospectionCacheDeps
  clock: Clock
  /** Runs work after the response (`waitUntil`). */
  background(work: Promise<unknown>): void
  /** Counts one `refresh` or `grace` (with the step as its code) in the metrics, if any. */
  count(event: 'refresh' | 'grace', code?: string): void
}
