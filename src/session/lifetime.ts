/**
 * @module
 * The session's lifetime rules, as pure functions of the record, the settings and the time:
 * ended past `SESSION_MAX_AGE_SECONDS` from creation or `SESSION_IDLE_SECONDS` unused (to within
 * the five minutes of idle tracking), or when its times come from the future; refreshed when the
 * access token expires within `REFRESH_SKEW_SECONDS`.
 */
import type { KeepAliveSettings } from './keep-alive-deps'
import type { SessionRecord } from './session-store'

/**
 * The session's authority (a Durable Object) stores the latest use at most this often (it keeps
 * it in memory between), so `SESSION_IDLE_SECONDS` is kept to within this interval. KV holds no
 * idle marks.
 */
export const IDLE_MARK_INTERVAL_SECONDS = 300

/** How far ahead of this isolate's clock another isolate's clock may be, in seconds. */
const CLOCK_SKEW_SECONDS = 300

/** Why a session ends by its own times. */
export type LifetimeEnd = 'max_age' | 'record_from_the_future' | 'idle'

/**
 * Whether the session has outlived its lifetime at `nowSeconds`.
 * @returns the reason it ends, or null while it lives.
 */
export function lifetimeEnd(
  record: SessionRecord,
  settings: KeepAliveSettings,
  nowSeconds: number
): LifetimeEnd | null {
  if (nowSeconds >= record.createdAt + settings.sessionMaxAgeSeconds) return 'max_age'
  // Times from the future would switch the lifetime checks off: such a record is not trusted.
  if (
    record.createdAt > nowSeconds + CLOCK_SKEW_SECONDS ||
    (record.lastSeenAt ?? 0) > nowSeconds + CLOCK_SKEW_SECONDS
  ) {
    return 'record_from_the_future'
  }
  // `lastSeenAt` in KV lags real use by up to one mark interval.
  const lastSeenAt = record.lastSeenAt ?? record.createdAt
  if (nowSeconds - lastSeenAt > settings.sessionIdleSeconds + IDLE_MARK_INTERVAL_SECONDS) {
    return 'idle'
  }
  return null
}

/** True when the access token expires within `refreshSkewSeconds` (or has expired). */
export function needsRefresh(
  record: SessionRecord,
  settings: KeepAliveSettings,
  nowSeconds: number
): boolean {
  const expiresAt = record.tokens.expiresAt
  return expiresAt !== undefined && nowSeconds >= expiresAt - settings.refreshSkewSeconds
}
