/**
 * @module
 * The session authority: the one writer of what must be consistent about a session, whichever
 * isolate or location asks. It is a Durable Object per session (`session:<id>`, see
 * objects/session-authority.ts and docs/storage.md); this module declares what the request path
 * asks of it ({@link SessionAuthority}) and holds its rules as pure functions of the stored
 * {@link AuthorityRecord}:
 * - a session is live from its sign-in until its absolute end, unless ended; an ended session
 *   stays ended (nothing any isolate sends brings it back);
 * - one refresh at a time worldwide: the first caller gets a lease and the current refresh token,
 *   the others wait for its outcome; a caller whose access token is already replaced gets the
 *   current tokens;
 * - the last use seen by any isolate (`lastSeenAt`).
 * KV stays the store the request path reads; the authority is asked at sign-in, once per
 * `INTROSPECTION_CACHE_TTL_SECONDS` per session and isolate, at refresh and at sign-out.
 */
import type { SessionClaims } from '../identity'
import { sha256Hex } from '../utils/crypto'
import type { SessionTokens } from './session-store'

/** What the authority keeps of one session (its storage, key `session`). Epoch seconds. */
export interface AuthorityRecord {
  v: 1
  status: 'live' | 'ended'
  /** The session's absolute end (`createdAt + SESSION_MAX_AGE_SECONDS`): kept until then. */
  until: number
  /** The current tokens (absent once ended: they were handed out for revocation). */
  tokens?: SessionTokens
  claims: SessionClaims
  /** The latest use any isolate reported. */
  lastSeenAt: number
  /** Why it ended, for the log. */
  reason?: string
}

/** The live state the request path goes on with. */
export interface LiveState {
  live: true
  /** The session's absolute end (epoch seconds). */
  until: number
  tokens: SessionTokens
  claims: SessionClaims
  lastSeenAt: number
}

/** The session has ended (or the authority never heard of it). */
export interface EndedState {
  live: false
}

/** The answer to {@link SessionAuthority.beginRefresh}. */
export type RefreshStart =
  | EndedState
  /** Already refreshed (another isolate, or the lease holder just now): go on with these. */
  | LiveState
  /** Refresh now with this refresh token, then call `finishRefresh` with the lease. */
  | { live: true; lease: string; tokens: SessionTokens }
  /** The refresh holding the lease failed (the provider could not answer): fail this request. */
  | { live: true; failed: true }

/** What a lease holder reports. */
export type RefreshOutcome =
  { tokens: SessionTokens; claims: SessionClaims } | { ended: string } | { failed: true }

/** What the request path asks of the authority of one session (a Durable Object stub). */
export interface SessionAuthority {
  /** Sign-in: the session is live until `until`. */
  register(record: Omit<AuthorityRecord, 'v' | 'status'>): Promise<void>
  /** Is it live? Answers with the current tokens, claims and latest use; reports a use now. */
  check(nowSeconds: number): Promise<LiveState | EndedState>
  /** Starts a refresh of the session whose access token the caller holds is `accessToken`. */
  beginRefresh(accessToken: string, nowSeconds: number): Promise<RefreshStart>
  /** Reports the lease holder's outcome; an ended session refuses new tokens. */
  finishRefresh(
    lease: string,
    outcome: RefreshOutcome,
    nowSeconds: number
  ): Promise<LiveState | EndedState>
  /**
   * Ends the session for the rest of its life.
   * @returns the tokens that were current (to revoke), when it was live; `unknown` when the
   * authority has no record of it (never registered, or registering now).
   */
  end(reason: string): Promise<{ tokens?: SessionTokens; unknown?: true }>
}

/**
 * The authority of session `id`: the Durable Object named `session:<id>` in `namespace`.
 * Nothing is sent until a method is called.
 */
export function authorityFor(namespace: DurableObjectNamespace, id: string): SessionAuthority {
  return namespace.get(namespace.idFromName(`session:${id}`)) as unknown as SessionAuthority
}

/** Calls an end is tried in all: a lost end would leave the session live at its authority. */
export const END_ATTEMPTS = 3

/**
 * Ends session `id` at its authority, trying again at once, with a new stub, when a call fails
 * (an overloaded or restarted object usually answers the next call).
 * @param attempts how many calls in all, {@link END_ATTEMPTS} by default.
 * @returns what {@link SessionAuthority.end} answers.
 * @throws the last call's error when every attempt failed.
 */
export async function endAtAuthority(
  namespace: DurableObjectNamespace,
  id: string,
  reason: string,
  attempts: number = END_ATTEMPTS
): Promise<{ tokens?: SessionTokens; unknown?: true }> {
  for (let n = 1; ; n++) {
    try {
      return await authorityFor(namespace, id).end(reason)
    } catch (err) {
      if (n >= attempts) throw err
    }
  }
}

/**
 * An index of sessions (the same Durable Object class, named `user:<sha256 of sub>` or
 * `sid:<sha256 of sid>`): which sessions to end when a user, or one provider session,
 * signs out elsewhere (back-channel logout, an operator).
 */
export interface SessionIndex {
  /** Sign-in: session `id` belongs here until `until` (epoch seconds). */
  add(id: string, until: number): Promise<void>
  /**
   * Ends every session here through its authority.
   * @returns how many were live, their ids (to end in this isolate's memory at once), and the
   * tokens that were current (to revoke).
   */
  endAll(reason: string): Promise<{ ended: number; ids: string[]; tokens: SessionTokens[] }>
}

async function indexFor(namespace: DurableObjectNamespace, name: string): Promise<SessionIndex> {
  const id = namespace.idFromName(`${name.slice(0, name.indexOf(':'))}:${await sha256Hex(name)}`)
  return namespace.get(id) as unknown as SessionIndex
}

/** The index of the sessions of user `sub`. */
export function userIndexFor(
  namespace: DurableObjectNamespace,
  sub: string
): Promise<SessionIndex> {
  return indexFor(namespace, `user:${sub}`)
}

/** The index of the sessions of the provider's session `sid` (one provider per deployment). */
export function sidIndexFor(namespace: DurableObjectNamespace, sid: string): Promise<SessionIndex> {
  return indexFor(namespace, `sid:${sid}`)
}

/** How long a lease holder may take before another caller may refresh (OAUTH_TIMEOUT_MS x 2). */
export const REFRESH_LEASE_SECONDS = 30

/** The state of `record` at `nowSeconds`: live with its tokens, or ended. */
export function stateOf(
  record: AuthorityRecord | undefined,
  nowSeconds: number
): LiveState | EndedState {
  if (!record || record.status !== 'live' || !record.tokens || nowSeconds >= record.until) {
    return { live: false }
  }
  const { until, tokens, claims, lastSeenAt } = record
  return { live: true, until, tokens, claims, lastSeenAt }
}

/** `record` ended for `reason` (idempotent: an ended record stays as it was). */
export function ended(record: AuthorityRecord, reason: string): AuthorityRecord {
  if (record.status === 'ended') return record
  const { tokens: _revoked, ...rest } = record
  return { ...rest, status: 'ended', reason }
}
