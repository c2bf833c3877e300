/**
 * @module
 * Keeping a session alive, on every signed-in request, with the provider consulted as rarely as
 * correctness allows. Small steps, as oauth2-proxy's `pkg/middleware/stored_session.go` takes
 * them:
 * 1. load the record from isolate memory or KV, one KV read per session at a time
 *    (session/remembered.ts holds the copies and the tombstones);
 * 2. ask its authority (a Durable Object: session/authority.ts) whether it still lives, once per
 *    `INTROSPECTION_CACHE_TTL_SECONDS` per isolate, taking the current tokens and latest use;
 * 3. end it by its lifetime rules (session/lifetime.ts);
 * 4. refresh it when the access token is due, one refresh at a time worldwide (session/refresh.ts);
 * 5. re-check the token by introspection once `checkedUntil` has passed (session/recheck.ts);
 * 6. note the use in this isolate's copy; the authority learns of it at the next check (no KV
 *    write: idle time is tracked by the authority, to within five minutes).
 * Only `invalid_grant` or an inactive token end a session because of the provider; a provider
 * that is down keeps the session: it goes on for `PROVIDER_OUTAGE_GRACE_SECONDS` past its last
 * active verdict (session/grace.ts), then the request fails (503) until the provider is back.
 */
import { authorityFor } from './authority'
import { graceOrThrow, inGrace } from './grace'
import type { KeepAliveDeps } from './keep-alive-deps'
import { lifetimeEnd, needsRefresh } from './lifetime'
import { isRecheckDue, recheckSession } from './recheck'
import { refreshOnce } from './refresh'
import { endSession, isEnded, rememberSession } from './remembered'
import { getSession, SessionStoreUnavailableError, type SessionRecord } from './session-store'

export type { KeepAliveDeps } from './keep-alive-deps'
export { endSession, isEnded } from './remembered'

const noop = () => undefined

/**
 * How long after its sign-in a session may still be missing from KV in another location: KV's
 * reads there lag up to 60 s, and the miss they saw is cached 60 s more.
 */
const KV_LAG_SECONDS = 120

/**
 * Session `id`, which KV does not show here, from its authority when it was signed in less than
 * {@link KV_LAG_SECONDS} ago (the record is on its way). Only a cookie signed with `COOKIE_SECRET`
 * gets here, so anonymous traffic costs no request.
 * @returns the record (to be introspected before use, when that is on), or null.
 * @throws {SessionStoreUnavailableError} when the authority cannot answer.
 */
async function fromAuthority(
  id: string,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const { config, memory } = deps
  let state
  try {
    state = await authorityFor(config.authority, id).check(nowSeconds)
  } catch (err) {
    throw new SessionStoreUnavailableError(err)
  }
  const createdAt = state.live ? state.until - config.sessionMaxAgeSeconds : 0
  if (!state.live || nowSeconds - createdAt > KV_LAG_SECONDS) {
    memory.ended.set(id, true, nowSeconds + config.introspectionCacheTtlSeconds + KV_LAG_SECONDS)
    return null
  }
  const { claims, tokens, lastSeenAt } = state
  const record: SessionRecord = { v: 1, claims, tokens, createdAt, lastSeenAt, checkedUntil: 0 }
  memory.confirmed.set(id, true, nowSeconds + config.introspectionCacheTtlSeconds)
  rememberSession(id, record, deps, nowSeconds)
  return record
}

/**
 * Session `id` from memory, or from KV with one read per session at a time (a burst of requests
 * that miss memory reads once; a KV miss asks the authority once, in the same flight); like a refresh, the read is kept alive with `waitUntil`, so no
 * request waits on one whose request ended.
 * @returns the record, or null when there is none or it has ended in this isolate.
 * @throws {SessionStoreUnavailableError} when KV fails.
 */
async function loadSession(
  id: string,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const remembered = deps.memory.sessions.get(id, nowSeconds)
  if (remembered) return remembered
  // A miss asks the authority within the same flight: a burst of requests with the cookie of a
  // session KV does not hold costs one authority call, not one each.
  const flight = deps.memory.loads.run(id, async () => {
    const stored = await getSession(deps.config.sessions, id)
    if (stored || isEnded(id, deps, nowSeconds)) return stored
    return fromAuthority(id, deps, nowSeconds)
  })
  deps.background(flight.then(noop, noop))
  const record = await flight
  if (!record || isEnded(id, deps, nowSeconds)) return null
  rememberSession(id, record, deps, nowSeconds)
  return record
}

/**
 * Asks the authority of session `id` whether it lives, unless it said so within the last
 * `INTROSPECTION_CACHE_TTL_SECONDS` here; takes its tokens (perhaps refreshed elsewhere), claims
 * and latest use.
 * @returns the record to go on with, or null when the session has ended.
 * @throws {SessionStoreUnavailableError} when the authority cannot answer.
 */
async function confirmSession(
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): Promise<SessionRecord | null> {
  const { memory, config } = deps
  if (memory.confirmed.get(id, nowSeconds)) return record
  let state
  try {
    state = await authorityFor(config.authority, id).check(nowSeconds)
  } catch (err) {
    throw new SessionStoreUnavailableError(err)
  }
  if (!state.live) return endSession(id, deps, 'ended_elsewhere', true)
  const sameToken = state.tokens.accessToken === record.tokens.accessToken
  const confirmed: SessionRecord = {
    ...record,
    tokens: state.tokens,
    claims: state.claims,
    lastSeenAt: Math.max(record.lastSeenAt, state.lastSeenAt),
    ...(!sameToken && { checkedUntil: 0 }),
  }
  memory.confirmed.set(id, true, nowSeconds + config.introspectionCacheTtlSeconds)
  rememberSession(id, confirmed, deps, nowSeconds)
  return confirmed
}

/**
 * The live session for `id`, or null when there is none or it has ended. May delete the session
 * (expiry, `invalid_grant`, inactive token) and write marks in the background.
 * @throws {SessionStoreUnavailableError} when KV fails; {@link OAuthClientError} when the
 * provider cannot refresh or introspect right now and the grace is off or over (the session is
 * kept).
 */
export async function resumeSession(
  id: string,
  deps: KeepAliveDeps
): Promise<SessionRecord | null> {
  const nowSeconds = deps.clock.nowSeconds()
  if (isEnded(id, deps, nowSeconds)) return null
  let record = await loadSession(id, deps, nowSeconds)
  if (!record) return null
  record = await confirmSession(id, record, deps, nowSeconds)
  if (!record) return null

  const ended = lifetimeEnd(record, deps.config, nowSeconds)
  if (ended) return endSession(id, deps, ended)

  if (needsRefresh(record, deps.config, nowSeconds)) {
    if (!record.tokens.refreshToken) return endSession(id, deps, 'expired_without_refresh_token')
    const due = record
    const again = () => refreshOnce(id, due, deps, nowSeconds)
    if (inGrace(id, record, deps, 'refresh', nowSeconds, again))
      return used(id, due, deps, nowSeconds)
    let refreshed
    try {
      refreshed = await refreshOnce(id, record, deps, nowSeconds)
    } catch (err) {
      // The provider could not answer: the session goes on while its grace lasts.
      return used(id, graceOrThrow(err, id, record, deps, 'refresh', nowSeconds), deps, nowSeconds)
    }
    if (!refreshed) return null
    record = refreshed
  }

  if (isRecheckDue(record, deps, nowSeconds)) {
    const due = record
    const again = async () => {
      const recheck = await recheckSession(id, due, deps, nowSeconds, false)
      if (recheck) used(id, recheck.record, deps, nowSeconds)
    }
    if (inGrace(id, record, deps, 'introspection', nowSeconds, again)) {
      return used(id, record, deps, nowSeconds)
    }
    const recheck = await recheckSession(id, record, deps, nowSeconds)
    if (!recheck) return null
    record = recheck.record
  }
  return used(id, record, deps, nowSeconds)
}

/**
 * Notes the use of session `id` at `nowSeconds` in this isolate's copy (no KV write); the
 * authority learns of it at the next check, within one INTROSPECTION_CACHE_TTL_SECONDS.
 * @returns the record to go on with.
 */
function used(
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): SessionRecord {
  const current = { ...record, lastSeenAt: nowSeconds }
  deps.memory.sessions.update(id, current, nowSeconds)
  return current
}
