/**
 * @module
 * Re-checking a session's access token by introspection (RFC 7662) once `checkedUntil` has
 * passed, through the introspection cache (cache/introspection-cache.ts). An inactive token is
 * refreshed when it can be (perhaps it only expired early), else the session ends. A provider
 * that cannot answer leaves the session in its grace (session/grace.ts); one that said inactive
 * gets none, then or later (its record is checked until 0, in memory and KV).
 */
import { checkToken } from '../cache/introspection-cache'
import { graceOrThrow } from './grace'
import type { KeepAliveDeps } from './keep-alive-deps'
import { refreshOnce } from './refresh'
import { endSession, rememberSession } from './remembered'
import { saveSession, type SessionRecord } from './session-store'

/** The outcome of {@link recheckSession}: the record to go on with (kept in this isolate). */
export interface Recheck {
  record: SessionRecord
}

/** True when the token is due for a re-check at `nowSeconds`. */
export function isRecheckDue(
  record: SessionRecord,
  deps: Pick<KeepAliveDeps, 'config'>,
  nowSeconds: number
): boolean {
  return deps.config.introspection && nowSeconds >= (record.checkedUntil ?? 0)
}

/**
 * Re-checks the token of session `id` (call when {@link isRecheckDue}); `graceIt` false (a
 * re-ask in grace, behind a request) throws when the provider cannot answer.
 * @returns the record checked until the verdict's `cachedUntil`, the refreshed record, or null
 * when the session has ended.
 * @throws {OAuthClientError} when the provider cannot answer and the grace is off or over, or
 * cannot refresh a token it called inactive (the session is kept).
 */
export async function recheckSession(
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number,
  graceIt = true
): Promise<Recheck | null> {
  const token = record.tokens.accessToken
  let verdict
  try {
    verdict = await checkToken(token, nowSeconds, deps.introspection, () =>
      deps.oauth.introspectToken(token, 'access_token')
    )
  } catch (err) {
    // The provider could not answer: the session goes on while its grace lasts.
    if (!graceIt) throw err
    return { record: graceOrThrow(err, id, record, deps, 'introspection', nowSeconds) }
  }
  if (verdict.active) return { record: { ...record, checkedUntil: verdict.cachedUntil } }
  if (!record.tokens.refreshToken) return endSession(id, deps, 'token_inactive')
  // The provider said inactive: the last active verdict no longer counts for a grace, here or
  // (when the refresh cannot be made) in the record other isolates load.
  const withdrawn = { ...record, checkedUntil: 0 }
  rememberSession(id, withdrawn, deps, nowSeconds)
  // Perhaps only expired early: a refresh settles it (and ends the session on invalid_grant).
  const expired = { ...withdrawn, tokens: { ...record.tokens, expiresAt: 0 } }
  try {
    const refreshed = await refreshOnce(id, expired, deps, nowSeconds)
    return refreshed && { record: refreshed }
  } catch (err) {
    const { sessions, sessionMaxAgeSeconds } = deps.config
    const save = saveSession(sessions, id, withdrawn, sessionMaxAgeSeconds, nowSeconds)
    deps.background(save.catch(() => undefined))
    throw err
  }
}
