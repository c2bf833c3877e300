/**
 * @module
 * Grace through provider outages (`PROVIDER_OUTAGE_GRACE_SECONDS`): when the provider cannot
 * answer (a timeout, a network error, a 5xx or a 429: an {@link OAuthClientError} of kind
 * `unavailable`) as a session is refreshed or re-checked, a session whose last verdict was active
 * goes on for up to the grace past that verdict, instead of failing with a 503. The verdict
 * counts until `checkedUntil` (its last introspection, or the token endpoint's issuance), or with
 * `INTROSPECTION=false` until the access token's `exp`; never past `exp` either way. So a grace
 * ends at most `PROVIDER_OUTAGE_GRACE_SECONDS` past the token's `exp`, and never past the
 * session's own lifetimes (checked before: session/lifetime.ts) or its end by sign-out or the
 * authority (checked before, once per `INTROSPECTION_CACHE_TTL_SECONDS`: session/keep-alive.ts).
 * A provider that answers (inactive, `invalid_grant`, a broken answer) is never graced.
 *
 * While a session is in grace, this isolate asks the provider again at most every
 * {@link GRACE_RETRY_SECONDS}, behind a request served in grace, so an outage (a provider that
 * hangs until `OAUTH_TIMEOUT_MS`) holds up only the request that found it. Each grace use is logged (`session.grace`, no token) and counted.
 */
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import type { KeepAliveDeps } from './keep-alive-deps'
import type { SessionRecord } from './session-store'

/** In grace, the provider is asked again at most this often per session and isolate (seconds). */
export const GRACE_RETRY_SECONDS = 10

/** What the provider was asked when it could not answer. */
export type GraceStep = 'refresh' | 'introspection'

/**
 * Until when (epoch seconds) session `record` may go on while the provider cannot answer:
 * `min(last active verdict, exp) + graceSeconds`; 0 when there is no grace.
 */
export function graceEndsAt(
  record: SessionRecord,
  settings: KeepAliveDeps['config'],
  graceSeconds = settings.providerOutageGraceSeconds
): number {
  if (graceSeconds <= 0) return 0
  const exp = record.tokens.expiresAt ?? Infinity
  const verdictUntil = settings.introspection ? (record.checkedUntil ?? 0) : exp
  const until = Math.min(verdictUntil, exp)
  return Number.isFinite(until) ? until + graceSeconds : 0
}

/** True when `err` means the provider could not answer (not: it answered no). */
export function isProviderUnavailable(err: unknown): err is OAuthClientError {
  return err instanceof OAuthClientError && err.kind === 'unavailable'
}

/** Logs and counts one grace use. */
function noteGrace(deps: KeepAliveDeps, step: GraceStep, until: number, nowSeconds: number) {
  log('warn', 'session.grace', { step, grace_left_seconds: until - nowSeconds })
  deps.count('grace', step)
}

/**
 * True when session `id` is in grace in this isolate (the provider failed for it, and the grace
 * has not ended): go on without waiting for the provider. Once {@link GRACE_RETRY_SECONDS} have
 * passed since it was last asked, `askAgain` runs behind this request (`waitUntil`), so a
 * provider that hangs holds up no request; an answer ends the grace (the next due step asks in
 * the request again), an outage keeps it. The use is logged and counted.
 */
export function inGrace(
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  step: GraceStep,
  nowSeconds: number,
  askAgain: () => Promise<unknown>
): boolean {
  const graced = deps.memory.graced
  const retryAt = graced.get(id, nowSeconds)
  if (retryAt === undefined) return false
  const until = graceEndsAt(record, deps.config)
  if (nowSeconds >= until) return false
  if (nowSeconds >= retryAt) {
    graced.set(id, Math.min(nowSeconds + GRACE_RETRY_SECONDS, until), until)
    const answered = () => graced.delete(id)
    deps.background(
      askAgain().then(answered, (err: unknown) => isProviderUnavailable(err) || answered())
    )
  }
  noteGrace(deps, step, until, nowSeconds)
  return true
}

/**
 * After the provider failed with `err` at `step`: the record to go on with while the grace
 * lasts (unchanged, so the next request past {@link GRACE_RETRY_SECONDS} asks again).
 * @throws `err` when it is not an outage, or the grace is off or over (a 503 then).
 */
export function graceOrThrow(
  err: unknown,
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  step: GraceStep,
  nowSeconds: number
): SessionRecord {
  if (!isProviderUnavailable(err)) throw err
  const until = graceEndsAt(record, deps.config)
  if (nowSeconds >= until) {
    if (until > 0) log('warn', 'session.grace_over', { step })
    throw err
  }
  deps.memory.graced.set(id, Math.min(nowSeconds + GRACE_RETRY_SECONDS, until), until)
  noteGrace(deps, step, until, nowSeconds)
  return record
}
