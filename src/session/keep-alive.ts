/**
 * @module
 * Keeping a session alive, on every signed-in request, with the provider consulted as rarely as
 * correctness allows:
 * 1. the record from isolate memory (kept at most `INTROSPECTION_CACHE_TTL_SECONDS`) or KV;
 * 2. ended past `SESSION_MAX_AGE_SECONDS` from creation or `SESSION_IDLE_SECONDS` unused;
 * 3. refreshed when the access token expires within `REFRESH_SKEW_SECONDS` (one refresh per
 *    session at a time per isolate; a rotated refresh token replaces the old one);
 * 4. re-checked by introspection once `checkedUntil` has passed;
 * 5. marked as used in KV at most once a minute.
 * Only `invalid_grant` (refresh) or an inactive token (introspection) ends a session because of the
 * provider; a provider that is down gives a 503 and the session is tried again next time.
 */
import { checkToken, type IntrospectionCacheDeps } from '../cache/introspection-cache'
import type { Config } from '../config'
import { ProxyError } from '../errors'
import { log } from '../log'
import type { OAuthClient } from '../oauth/client'
import { OAuthClientError } from '../oauth/errors'
import type { ProxyState } from '../state'
import {
  deleteSession,
  getSession,
  putSession,
  sessionTtlSeconds,
  type SessionRecord,
} from './session-store'

/** Idle tracking writes the record at most this often (KV: one write per second per key, and writes cost). */
export const IDLE_MARK_INTERVAL_SECONDS = 60

/** What {@link resumeSession} needs. */
export interface KeepAliveDeps {
  config: Config
  oauth: OAuthClient
  state: ProxyState
  /** Runs work after the response (`waitUntil`). */
  background(work: Promise<unknown>): void
}

/** A provider failure that is not the session's fault: 503 (or 502 for a bad answer), session kept. */
function providerFailure(err: OAuthClientError): ProxyError {
  return new ProxyError(err.kind === 'unavailable' ? 'idp_unavailable' : 'idp_error', {
    cause: err,
  })
}

async function endSession(id: string, deps: KeepAliveDeps, reason: string): Promise<null> {
  deps.state.sessions.delete(id)
  log('info', 'session.ended', { reason })
  deps.background(deleteSession(deps.config.sessions, id))
  return null
}

function remember(id: string, record: SessionRecord, deps: KeepAliveDeps, nowSeconds: number) {
  deps.state.sessions.set(id, record, nowSeconds + deps.config.introspectionCacheTtlSeconds)
}

async function store(id: string, record: SessionRecord, deps: KeepAliveDeps, nowSeconds: number) {
  const { config } = deps
  await putSession(
    config.sessions,
    id,
    record,
    sessionTtlSeconds(record, config.sessionMaxAgeSeconds, nowSeconds)
  )
}

/**
 * Refreshes the session's tokens (seed `get_new_access_token_by_refresh_token`).
 * @returns the new record, or null when the provider said `invalid_grant` (session ended).
 * @throws {ProxyError} `idp_unavailable`/`idp_error` (session kept), `session_store_unavailable`.
 */
async function refresh(
  id: string,
  stale: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const { config, state } = deps
  // Another request of this isolate may have refreshed it a moment ago; another isolate, too.
  const current = state.sessions.get(id, nowSeconds)
  if (current && current.tokens.accessToken !== stale.tokens.accessToken) return current
  const stored = await getSession(config.sessions, id).catch(() => null)
  if (
    stored &&
    stored.tokens.accessToken !== stale.tokens.accessToken &&
    !needsRefresh(stored, config, nowSeconds)
  ) {
    remember(id, stored, deps, nowSeconds)
    return stored
  }
  let tokens
  try {
    tokens = await deps.oauth.getNewAccessTokenByRefreshToken(stale.tokens.refreshToken!)
  } catch (err) {
    if (
      err instanceof OAuthClientError &&
      err.kind === 'rejected' &&
      err.error === 'invalid_grant'
    ) {
      return endSession(id, deps, 'refresh_invalid_grant')
    }
    if (err instanceof OAuthClientError) throw providerFailure(err)
    throw err
  }
  const expiresAt = tokens.expires_in !== undefined ? nowSeconds + tokens.expires_in : undefined
  const record: SessionRecord = {
    ...stale,
    tokens: {
      accessToken: tokens.access_token,
      tokenType: tokens.token_type,
      ...((tokens.refresh_token ?? stale.tokens.refreshToken)
        ? { refreshToken: tokens.refresh_token ?? stale.tokens.refreshToken }
        : {}),
      ...((tokens.id_token ?? stale.tokens.idToken)
        ? { idToken: tokens.id_token ?? stale.tokens.idToken }
        : {}),
      ...((tokens.scope ?? stale.tokens.scope)
        ? { scope: tokens.scope ?? stale.tokens.scope }
        : {}),
      ...(expiresAt !== undefined && { expiresAt }),
    },
    // A token the token endpoint just issued is active.
    checkedUntil: Math.min(nowSeconds + config.introspectionCacheTtlSeconds, expiresAt ?? Infinity),
    lastSeenAt: nowSeconds,
  }
  // Awaited: losing a rotated refresh token would end the session at the next refresh.
  try {
    await store(id, record, deps, nowSeconds)
  } catch (err) {
    throw new ProxyError('session_store_unavailable', { cause: err })
  }
  remember(id, record, deps, nowSeconds)
  log('info', 'session.refreshed')
  return record
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

function needsRefresh(record: SessionRecord, config: Config, nowSeconds: number): boolean {
  const expiresAt = record.tokens.expiresAt
  return expiresAt !== undefined && nowSeconds >= expiresAt - config.refreshSkewSeconds
}

/**
 * The live session for `id`, or null when there is none or it has ended.
 * @throws {ProxyError} `session_store_unavailable` when KV fails; `idp_unavailable` / `idp_error`
 * when the provider cannot refresh or introspect right now (the session is kept).
 */
export async function resumeSession(
  id: string,
  deps: KeepAliveDeps
): Promise<SessionRecord | null> {
  const { config, state } = deps
  const nowSeconds = state.nowSeconds()
  let record = state.sessions.get(id, nowSeconds) ?? null
  if (!record) {
    try {
      record = await getSession(config.sessions, id)
    } catch (err) {
      throw new ProxyError('session_store_unavailable', { cause: err })
    }
    if (!record) return null
    remember(id, record, deps, nowSeconds)
  }

  if (nowSeconds >= record.createdAt + config.sessionMaxAgeSeconds) {
    return endSession(id, deps, 'max_age')
  }
  if (nowSeconds - (record.lastSeenAt ?? record.createdAt) > config.sessionIdleSeconds) {
    return endSession(id, deps, 'idle')
  }

  if (needsRefresh(record, config, nowSeconds)) {
    if (!record.tokens.refreshToken) return endSession(id, deps, 'expired_without_refresh_token')
    const stale = record
    record = await state.refreshes.run(id, () => refresh(id, stale, deps, nowSeconds))
    if (!record) return null
  }

  let dirty = false
  if (config.introspection && nowSeconds >= (record.checkedUntil ?? 0)) {
    const introspection: IntrospectionCacheDeps = {
      kv: config.sessions,
      memory: state.verdicts,
      flights: state.introspections,
      ttlSeconds: config.introspectionCacheTtlSeconds,
      negativeTtlSeconds: config.introspectionNegativeTtlSeconds,
      background: deps.background,
    }
    const token = record.tokens.accessToken
    let verdict
    try {
      verdict = await checkToken(token, nowSeconds, introspection, () =>
        deps.oauth.introspectToken(token, 'access_token')
      )
    } catch (err) {
      if (err instanceof OAuthClientError) throw providerFailure(err)
      throw err
    }
    if (!verdict.active) return endSession(id, deps, 'token_inactive')
    record = { ...record, checkedUntil: verdict.cachedUntil }
    dirty = true
  }

  if (nowSeconds - (record.lastSeenAt ?? record.createdAt) >= IDLE_MARK_INTERVAL_SECONDS) {
    record = { ...record, lastSeenAt: nowSeconds }
    dirty = true
  }
  if (dirty) {
    // The memory entry keeps its expiry: staleness stays bounded by when it was read from KV.
    state.sessions.update(id, record, nowSeconds)
    const latest = record
    deps.background(
      (async function markSession() {
        const current = await getSession(config.sessions, id)
        // Never resurrect a session that was ended elsewhere (sign-out in another isolate).
        if (!current) return state.sessions.delete(id)
        await store(id, mergeMarks(current, latest), deps, nowSeconds)
      })()
    )
  }
  return record
}
