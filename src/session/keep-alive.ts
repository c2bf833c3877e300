/**
 * @module
 * Keeping a session alive, on every signed-in request, with the provider consulted as rarely as
 * correctness allows:
 * 1. the record from isolate memory (kept at most `INTROSPECTION_CACHE_TTL_SECONDS`) or KV;
 * 2. ended past `SESSION_MAX_AGE_SECONDS` from creation or `SESSION_IDLE_SECONDS` unused (to
 *    within the minute of idle tracking);
 * 3. refreshed when the access token expires within `REFRESH_SKEW_SECONDS` (one refresh per
 *    session at a time per isolate; a rotated refresh token replaces the old one);
 * 4. re-checked by introspection once `checkedUntil` has passed (an inactive token is refreshed
 *    when it can be, else the session ends);
 * 5. marked as used in KV at most once a minute, merged into what KV holds.
 * A session ended in this isolate (sign-out, expiry) is remembered as ended, so no request or
 * background write in flight brings it back here. Only `invalid_grant` or an inactive token end a
 * session because of the provider; a provider that is down fails the request and keeps the session.
 */
import { checkToken, type IntrospectionCacheDeps } from '../cache/introspection-cache'
import type { Config } from '../config'
import { log } from '../log'
import type { OAuthClient } from '../oauth/client'
import { OAuthClientError } from '../oauth/errors'
import type { ProxyState } from '../state'
import {
  deleteSession,
  freshCheckedUntil,
  getSession,
  putSession,
  sessionTtlSeconds,
  toSessionTokens,
  type SessionRecord,
} from './session-store'

/** Idle tracking writes the record at most this often (KV: one write per second per key, and writes cost). */
export const IDLE_MARK_INTERVAL_SECONDS = 60

/** How far ahead of this isolate's clock another isolate's clock may be, in seconds. */
const CLOCK_SKEW_SECONDS = 300

/** What {@link resumeSession} needs. */
export interface KeepAliveDeps {
  config: Config
  oauth: OAuthClient
  state: ProxyState
  /** Runs work after the response (`waitUntil`). */
  background(work: Promise<unknown>): void
}

/** The introspection cache's dependencies for this configuration and isolate. */
export function introspectionDeps(
  config: Config,
  state: ProxyState,
  background: (work: Promise<unknown>) => void
): IntrospectionCacheDeps {
  return {
    kv: config.sessions,
    memory: state.verdicts,
    flights: state.introspections,
    ttlSeconds: config.introspectionCacheTtlSeconds,
    negativeTtlSeconds: config.introspectionNegativeTtlSeconds,
    background,
  }
}

/**
 * Ends session `id` in this isolate at once (tombstone, memory) and in KV in the background.
 * @returns null, for `return endSession(...)`.
 */
export function endSession(id: string, deps: KeepAliveDeps, reason: string): null {
  const { config, state } = deps
  // Outlives every memory copy and every request in flight that could bring the session back.
  state.ended.set(id, true, state.nowSeconds() + config.introspectionCacheTtlSeconds + 60)
  state.sessions.delete(id)
  log('info', 'session.ended', { reason })
  deps.background(deleteSession(config.sessions, id))
  return null
}

const isEnded = (id: string, deps: KeepAliveDeps, nowSeconds: number) =>
  deps.state.ended.get(id, nowSeconds) === true

function rememberSession(
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
) {
  deps.state.sessions.set(id, record, nowSeconds + deps.config.introspectionCacheTtlSeconds)
}

function writeSession(id: string, record: SessionRecord, deps: KeepAliveDeps, nowSeconds: number) {
  const ttl = sessionTtlSeconds(record, deps.config.sessionMaxAgeSeconds, nowSeconds)
  return putSession(deps.config.sessions, id, record, ttl)
}

function needsRefresh(record: SessionRecord, config: Config, nowSeconds: number): boolean {
  const expiresAt = record.tokens.expiresAt
  return expiresAt !== undefined && nowSeconds >= expiresAt - config.refreshSkewSeconds
}

/**
 * What to write back for an idle mark or an introspection: the stored record (another isolate may
 * have refreshed its tokens since this one read it; writing older tokens back would lose a rotated
 * refresh token) with the later `lastSeenAt`, and `checkedUntil` only when it is about the same
 * access token.
 */
export function mergeMarks(stored: SessionRecord, marked: SessionRecord): SessionRecord {
  const sameToken = stored.tokens.accessToken === marked.tokens.accessToken
  return {
    ...stored,
    lastSeenAt: Math.max(stored.lastSeenAt ?? 0, marked.lastSeenAt ?? 0),
    ...(sameToken && {
      checkedUntil: Math.max(stored.checkedUntil ?? 0, marked.checkedUntil ?? 0),
    }),
  }
}

/**
 * Refreshes the session's tokens (seed `get_new_access_token_by_refresh_token`), unless this or
 * another isolate already did.
 * @returns the live record, or null when the session has ended (`invalid_grant`, or ended
 * elsewhere).
 * @throws {OAuthClientError} when the provider cannot answer (the session is kept);
 * {@link SessionStoreUnavailableError} when KV fails before the refresh.
 */
async function refreshSession(
  id: string,
  stale: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const { config, state } = deps
  const current = state.sessions.get(id, nowSeconds)
  if (current && current.tokens.accessToken !== stale.tokens.accessToken) return current
  const stored = await getSession(config.sessions, id)
  if (!stored) return endSession(id, deps, 'ended_elsewhere')
  const base = stored.tokens.accessToken !== stale.tokens.accessToken ? stored : stale
  if (base === stored && !needsRefresh(stored, config, nowSeconds)) {
    rememberSession(id, stored, deps, nowSeconds)
    return stored
  }
  let tokens
  try {
    tokens = await deps.oauth.getNewAccessTokenByRefreshToken(base.tokens.refreshToken!)
  } catch (err) {
    if (!(
      err instanceof OAuthClientError &&
      err.kind === 'rejected' &&
      err.error === 'invalid_grant'
    )) {
      throw err
    }
    // Another isolate may have rotated the refresh token a moment ago: take its result.
    const again = await getSession(config.sessions, id).catch(() => null)
    if (again && again.tokens.refreshToken !== base.tokens.refreshToken) {
      rememberSession(id, again, deps, nowSeconds)
      return again
    }
    return endSession(id, deps, 'refresh_invalid_grant')
  }
  if (isEnded(id, deps, nowSeconds)) return null // signed out while the refresh ran
  const sessionTokens = toSessionTokens(tokens, nowSeconds, base.tokens)
  const record: SessionRecord = {
    ...base,
    tokens: sessionTokens,
    checkedUntil: freshCheckedUntil(
      nowSeconds,
      config.introspectionCacheTtlSeconds,
      sessionTokens.expiresAt
    ),
    lastSeenAt: nowSeconds,
  }
  // Remembered first: if the KV write fails, this isolate still holds the rotated refresh token.
  rememberSession(id, record, deps, nowSeconds)
  try {
    await writeSession(id, record, deps, nowSeconds)
  } catch (err) {
    log('error', 'session.refresh.store_failed', {
      cause: err instanceof Error ? err.message : undefined,
    })
  }
  log('info', 'session.refreshed')
  return record
}

/** One refresh per session at a time; the leader's work is kept alive with `waitUntil`. */
function refreshOnce(
  id: string,
  stale: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const flight = deps.state.refreshes.run(id, () => refreshSession(id, stale, deps, nowSeconds))
  deps.background(flight.then(noop, noop))
  return flight
}

const noop = () => undefined

/**
 * One KV read per session at a time (a burst of requests that miss memory reads once); like a
 * refresh, the read is kept alive with `waitUntil`, so no request waits on one whose request ended.
 */
function loadOnce(id: string, deps: KeepAliveDeps): Promise<SessionRecord | null> {
  const flight = deps.state.loads.run(id, () => getSession(deps.config.sessions, id))
  deps.background(flight.then(noop, noop))
  return flight
}

/** Writes the marks of `record` (merged into what KV holds), at most once a minute per session. */
function markSession(id: string, record: SessionRecord, deps: KeepAliveDeps, nowSeconds: number) {
  const { config, state } = deps
  state.sessions.update(id, record, nowSeconds)
  if (state.marking.get(id, nowSeconds)) return
  state.marking.set(id, true, nowSeconds + IDLE_MARK_INTERVAL_SECONDS)
  deps.background(
    (async function writeMarks() {
      const stored = await getSession(config.sessions, id)
      if (isEnded(id, deps, nowSeconds)) return
      // Ended elsewhere (sign-out in another isolate): do not bring it back.
      if (!stored) return endSession(id, deps, 'ended_elsewhere')
      await writeSession(id, mergeMarks(stored, record), deps, nowSeconds)
    })()
  )
}

/**
 * The live session for `id`, or null when there is none or it has ended. May delete the session
 * (expiry, `invalid_grant`, inactive token) and write marks in the background.
 * @throws {SessionStoreUnavailableError} when KV fails; {@link OAuthClientError} when the
 * provider cannot refresh or introspect right now (the session is kept).
 */
export async function resumeSession(
  id: string,
  deps: KeepAliveDeps
): Promise<SessionRecord | null> {
  const { config, state } = deps
  const nowSeconds = state.nowSeconds()
  if (isEnded(id, deps, nowSeconds)) return null
  let record = state.sessions.get(id, nowSeconds) ?? null
  if (!record) {
    record = await loadOnce(id, deps)
    if (!record || isEnded(id, deps, nowSeconds)) return null
    rememberSession(id, record, deps, nowSeconds)
  }

  if (nowSeconds >= record.createdAt + config.sessionMaxAgeSeconds) {
    return endSession(id, deps, 'max_age')
  }
  // Times from the future would switch the lifetime checks off: such a record is not trusted.
  if (
    record.createdAt > nowSeconds + CLOCK_SKEW_SECONDS ||
    (record.lastSeenAt ?? 0) > nowSeconds + CLOCK_SKEW_SECONDS
  ) {
    return endSession(id, deps, 'record_from_the_future')
  }
  // `lastSeenAt` in KV lags real use by up to one mark interval.
  const lastSeenAt = record.lastSeenAt ?? record.createdAt
  if (nowSeconds - lastSeenAt > config.sessionIdleSeconds + IDLE_MARK_INTERVAL_SECONDS) {
    return endSession(id, deps, 'idle')
  }

  if (needsRefresh(record, config, nowSeconds)) {
    if (!record.tokens.refreshToken) return endSession(id, deps, 'expired_without_refresh_token')
    record = await refreshOnce(id, record, deps, nowSeconds)
    if (!record) return null
  }

  let dirty = false
  if (config.introspection && nowSeconds >= (record.checkedUntil ?? 0)) {
    const token = record.tokens.accessToken
    const verdict = await checkToken(
      token,
      nowSeconds,
      introspectionDeps(config, state, deps.background),
      () => deps.oauth.introspectToken(token, 'access_token')
    )
    if (verdict.active) {
      record = { ...record, checkedUntil: verdict.cachedUntil }
      dirty = true
    } else if (record.tokens.refreshToken) {
      // Perhaps only expired early: a refresh settles it (and ends the session on invalid_grant).
      record = await refreshOnce(
        id,
        { ...record, tokens: { ...record.tokens, expiresAt: 0 } },
        deps,
        nowSeconds
      )
      if (!record) return null
    } else {
      return endSession(id, deps, 'token_inactive')
    }
  }

  if (nowSeconds - (record.lastSeenAt ?? record.createdAt) >= IDLE_MARK_INTERVAL_SECONDS) {
    record = { ...record, lastSeenAt: nowSeconds }
    dirty = true
  }
  if (dirty) markSession(id, record, deps, nowSeconds)
  return record
}
