/**
 * @module
 * What this isolate remembers of sessions: a live copy of each record (kept at most
 * `INTROSPECTION_CACHE_TTL_SECONDS`, since another isolate may change it), and a tombstone for
 * each session ended here (sign-out, expiry), so that no request or background write in flight
 * brings it back.
 */
import { log } from '../log'
import { endAtAuthority } from './authority'
import type { KeepAliveDeps } from './keep-alive-deps'
import { deleteSession, type SessionRecord } from './session-store'

/** A tombstone outlives every memory copy (one TTL) and every request in flight (a minute). */
const TOMBSTONE_MARGIN_SECONDS = 60

/**
 * An end the authority did not take after every attempt: the session may live on there until
 * its re-check by introspection, its refresh or its end of life (docs/failures.md).
 */
export function endLost(err: unknown): void {
  log('error', 'session.end_failed', { cause: err instanceof Error ? err.message : undefined })
}

/** Keeps `record` as this isolate's copy of session `id`. */
export function rememberSession(
  id: string,
  record: SessionRecord,
  deps: Pick<KeepAliveDeps, 'config' | 'memory'>,
  nowSeconds: number
): void {
  deps.memory.sessions.set(id, record, nowSeconds + deps.config.introspectionCacheTtlSeconds)
}

/** True when session `id` was ended in this isolate. */
export function isEnded(
  id: string,
  deps: Pick<KeepAliveDeps, 'memory'>,
  nowSeconds: number
): boolean {
  return deps.memory.ended.get(id, nowSeconds) === true
}

/**
 * Ends session `id` in this isolate at once (tombstone, memory), and in its authority and KV in
 * the background.
 * @param reason for the log (`sign_out`, `idle`, `max_age`, `refresh_invalid_grant`...).
 * @param known the authority already knows (it said so): it is not told again.
 * @returns null, for `return endSession(...)`.
 */
export function endSession(id: string, deps: KeepAliveDeps, reason: string, known = false): null {
  const { config, memory } = deps
  const until =
    deps.clock.nowSeconds() + config.introspectionCacheTtlSeconds + TOMBSTONE_MARGIN_SECONDS
  memory.ended.set(id, true, until)
  memory.sessions.delete(id)
  memory.confirmed.delete(id)
  if (!known) deps.background(endAtAuthority(config.authority, id, reason).catch(endLost))
  log('info', 'session.ended', { reason })
  deps.background(deleteSession(config.sessions, id))
  return null
}
