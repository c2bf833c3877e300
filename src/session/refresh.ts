/**
 * @module
 * Refreshing a session's tokens (RFC 6749 6; Authing's `get_new_access_token_by_refresh_token`),
 * one refresh per session worldwide: the session's authority (session/authority.ts) gives one
 * caller a lease and the current refresh token, and the others its outcome, so a rotated refresh
 * token is never used twice and never lost. Within an isolate, callers also share one flight.
 * Each refresh re-derives the claims (the new ID token's and userinfo's, as at sign-in), so the
 * allow-list sees what the provider says now. Only `invalid_grant`, or another `sub`, ends the
 * session.
 */
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import type { SessionClaims } from '../identity'
import type { TokenSet } from '../oauth/token-set'
import { authorityFor, type LiveState } from './authority'
import { expectedSubject, sessionClaimsFrom } from './claims'
import type { KeepAliveDeps } from './keep-alive-deps'
import { endSession, isEnded, rememberSession } from './remembered'
import {
  freshCheckedUntil,
  saveSession,
  SessionStoreUnavailableError,
  toSessionTokens,
  type SessionRecord,
} from './session-store'

/**
 * Revokes, in the background, tokens a refresh obtained that the session will never use (it
 * ended while the provider answered, or they name another user): they are what the provider
 * holds as current (RFC 7009; best effort).
 */
function revokeUnused(tokens: TokenSet, deps: KeepAliveDeps): void {
  const revoke = (token: string, hint: 'refresh_token' | 'access_token') =>
    deps.background(deps.oauth.revokeToken(token, hint).catch(() => undefined))
  if (tokens.refresh_token) revoke(tokens.refresh_token, 'refresh_token')
  revoke(tokens.access_token, 'access_token')
}

const isInvalidGrant = (err: unknown) =>
  err instanceof OAuthClientError && err.kind === 'rejected' && err.error === 'invalid_grant'

/** `base` with the authority's live state, checked until one TTL (not past the token's expiry). */
function withState(
  base: SessionRecord,
  state: LiveState,
  deps: KeepAliveDeps,
  nowSeconds: number
): SessionRecord {
  const ttl = deps.config.introspectionCacheTtlSeconds
  return {
    ...base,
    tokens: state.tokens,
    claims: state.claims,
    lastSeenAt: Math.max(base.lastSeenAt, state.lastSeenAt),
    checkedUntil: freshCheckedUntil(nowSeconds, ttl, state.tokens.expiresAt),
  }
}

/**
 * The claims the provider gives now for refreshed `tokens` (the ID token's, if any, and
 * userinfo's). A provider that cannot answer userinfo right now leaves the claims as they were
 * (the rotated tokens must not be lost for it): the next refresh tries again.
 * @returns the claims, or null when they name another user (or none), or userinfo's answer is
 * not one.
 */
async function refreshedClaims(
  tokens: TokenSet,
  previous: SessionClaims,
  deps: KeepAliveDeps
): Promise<SessionClaims | null> {
  const idTokenClaims = tokens.idTokenClaims as Record<string, unknown> | undefined
  let userinfo: Record<string, unknown>
  try {
    userinfo = await deps.oauth.getUserInfoByAccessToken(
      tokens.access_token,
      expectedSubject(idTokenClaims) ?? previous.sub
    )
  } catch (err) {
    if (!(err instanceof OAuthClientError)) throw err
    log('warn', 'session.refresh.userinfo_failed', { kind: err.kind, status: err.status })
    // A userinfo answer about another user (or not one at all) fails closed; a provider that
    // refuses or cannot answer just now does not end the session.
    return err.kind === 'invalid_response' ? null : previous
  }
  const claims = sessionClaimsFrom(idTokenClaims, userinfo, deps.config)
  return claims && claims.sub === previous.sub ? claims : null
}

/**
 * Refreshes the session's tokens through its authority, unless another isolate already did.
 * @returns the live record, or null when the session has ended (`invalid_grant`, or ended
 * elsewhere).
 * @throws {OAuthClientError} when the provider cannot answer (the session is kept);
 * {@link SessionStoreUnavailableError} when the authority cannot answer.
 */
async function refreshSession(
  id: string,
  stale: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const { config } = deps
  const authority = authorityFor(config.authority, id)
  const start = await authority
    .beginRefresh(stale.tokens.accessToken, nowSeconds)
    .catch((err: unknown) => {
      throw new SessionStoreUnavailableError(err)
    })
  if (!start.live) return endSession(id, deps, 'ended_elsewhere', true)
  if ('failed' in start) {
    throw new OAuthClientError('token', 'unavailable')
  }
  if (!('lease' in start)) {
    // Refreshed elsewhere (or by this isolate's lease a moment ago): go on with those tokens.
    const record = withState(stale, start, deps, nowSeconds)
    rememberSession(id, record, deps, nowSeconds)
    return record
  }
  let tokens
  try {
    tokens = await deps.oauth.getNewAccessTokenByRefreshToken(start.tokens.refreshToken!)
  } catch (err) {
    const outcome = isInvalidGrant(err)
      ? { ended: 'refresh_invalid_grant' }
      : { failed: true as const }
    await authority.finishRefresh(start.lease, outcome, nowSeconds).catch(() => null)
    if (isInvalidGrant(err)) return endSession(id, deps, 'refresh_invalid_grant', true)
    throw err
  }
  const sessionTokens = toSessionTokens(tokens, nowSeconds, start.tokens)
  const claims = await refreshedClaims(tokens, stale.claims, deps)
  if (!claims) {
    revokeUnused(tokens, deps)
    await authority.finishRefresh(start.lease, { ended: 'subject_changed' }, nowSeconds)
    return endSession(id, deps, 'subject_changed', true)
  }
  const state = await authority
    .finishRefresh(start.lease, { tokens: sessionTokens, claims }, nowSeconds)
    .catch((err: unknown) => {
      throw new SessionStoreUnavailableError(err)
    })
  // Signed out while the refresh ran: the authority refused the new tokens.
  if (!state.live || isEnded(id, deps, nowSeconds)) {
    revokeUnused(tokens, deps)
    return endSession(id, deps, 'ended_elsewhere', true)
  }
  const record = { ...withState(stale, state, deps, nowSeconds), lastSeenAt: nowSeconds }
  rememberSession(id, record, deps, nowSeconds)
  deps.memory.confirmed.set(id, true, nowSeconds + config.introspectionCacheTtlSeconds)
  try {
    await saveSession(config.sessions, id, record, config.sessionMaxAgeSeconds, nowSeconds)
  } catch (err) {
    // The authority holds the tokens: every isolate gets them from it at its next check.
    log('error', 'session.refresh.store_failed', {
      cause: err instanceof Error ? err.message : undefined,
    })
  }
  log('info', 'session.refreshed')
  deps.count('refresh')
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
