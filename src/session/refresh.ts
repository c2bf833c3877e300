/**
 * @module
 * Refreshing a session's tokens (RFC 6749 6; Authing's `get_new_access_token_by_refresh_token`),
 * one refresh per session at a time per isolate. A rotated refresh token replaces the old one;
 * only `invalid_grant` ends the session, and only when no other isolate has rotated it meanwhile.
 */
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import type { KeepAliveDeps } from './keep-alive-deps'
import { needsRefresh } from './lifetime'
import { endSession, isEnded, rememberSession } from './remembered'
import {
  freshCheckedUntil,
  getSession,
  saveSession,
  toSessionTokens,
  type SessionRecord,
} from './session-store'

const isInvalidGrant = (err: unknown) =>
  err instanceof OAuthClientError && err.kind === 'rejected' && err.error === 'invalid_grant'

/**
 * Refreshes the session's tokens, unless this or another isolate already did.
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
  const { config, memory } = deps
  const current = memory.sessions.get(id, nowSeconds)
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
    if (!isInvalidGrant(err)) throw err
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
    await saveSession(config.sessions, id, record, config.sessionMaxAgeSeconds, nowSeconds)
  } catch (err) {
    log('error', 'session.refresh.store_failed', {
      cause: err instanceof Error ? err.message : undefined,
    })
  }
  log('info', 'session.refreshed')
  return record
}

const noop = () => undefined

/**
 * Refreshes session `id` whose record `stale` is due, one refresh per session at a time: callers
 * that arrive meanwhile share the leader's result, which is kept alive with `waitUntil`.
 * @returns as `refreshSession`: the live record, or null when the session has ended.
 * @throws {OAuthClientError} when the provider cannot answer (the session is kept).
 */
export function refreshOnce(
  id: string,
  stale: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const flight = deps.memory.refreshes.run(id, () => refreshSession(id, stale, deps, nowSeconds))
  deps.background(flight.then(noop, noop))
  return flight
}
