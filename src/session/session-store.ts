/**
 * @module
 * Sessions in Workers KV, under `session:<id>` (see docs/storage.md). The id is 256 random bits;
 * the record holds the user's claims and the provider's tokens, which never leave the edge.
 */
import type { SessionClaims } from '../identity'
import type { TokenSet } from '../oauth/token-set'
import { randomId } from '../utils/crypto'
import { kvTtlSeconds } from '../utils/kv'

/** KV failed (not: the record is missing). The proxy fails closed on it. */
export class SessionStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the session store (KV) failed', { cause })
    this.name = 'SessionStoreUnavailableError'
  }
}

/** The provider's tokens (RFC 6749 5.1). `expiresAt` is epoch seconds. */
export interface SessionTokens {
  accessToken: string
  tokenType: string
  refreshToken?: string
  idToken?: string
  scope?: string
  expiresAt?: number
}

/** A session record as stored in KV (JSON). `v` is the record version. Times in epoch seconds. */
export interface SessionRecord {
  v: 1
  claims: SessionClaims
  tokens: SessionTokens
  createdAt: number
  /** Last use, written at most every five minutes (for `SESSION_IDLE_SECONDS`). */
  lastSeenAt: number
  /** Until when the access token is known active without asking the introspection endpoint. */
  checkedUntil?: number
}

/**
 * The KV `expirationTtl` that ends a record at the session's absolute end
 * (`createdAt + maxAgeSeconds`), but not below KV's minimum of 60 s.
 */
export function sessionTtlSeconds(
  record: SessionRecord,
  maxAgeSeconds: number,
  nowSeconds: number
): number {
  return kvTtlSeconds(record.createdAt + maxAgeSeconds - nowSeconds)
}

/**
 * Stores a new session.
 * @param ttlSeconds KV `expirationTtl` (>= 60).
 * @param id the new session's id ({@link newSessionId}).
 * @returns the id.
 * @throws when KV refuses the write.
 */
export async function createSession(
  kv: KVNamespace,
  record: SessionRecord,
  ttlSeconds: number,
  id: string = newSessionId()
): Promise<string> {
  await kv.put(`session:${id}`, JSON.stringify(record), { expirationTtl: ttlSeconds })
  return id
}

/** A fresh session id: 32 random bytes, base64url (43 characters). */
export function newSessionId(): string {
  return randomId(32)
}

/** True for a version-1 record whose fields have the types the proxy relies on. */
function isSessionRecord(record: unknown): record is SessionRecord {
  const r = record as SessionRecord | null
  return (
    !!r &&
    r.v === 1 &&
    typeof r.claims?.sub === 'string' &&
    typeof r.tokens?.accessToken === 'string' &&
    Number.isFinite(r.createdAt) &&
    (r.lastSeenAt === undefined || Number.isFinite(r.lastSeenAt)) &&
    (r.tokens.expiresAt === undefined || Number.isFinite(r.tokens.expiresAt))
  )
}

/**
 * Loads a session.
 * @returns the record, or null when there is none or it is not a well-formed version-1 record.
 * @throws {SessionStoreUnavailableError} when KV fails (the caller fails closed).
 */
export async function getSession(kv: KVNamespace, id: string): Promise<SessionRecord | null> {
  let record: SessionRecord | null
  try {
    record = await kv.get<SessionRecord>(`session:${id}`, 'json')
  } catch (err) {
    throw new SessionStoreUnavailableError(err)
  }
  return isSessionRecord(record) ? record : null
}

/**
 * Writes `record` back under `session:<id>` (after a refresh or an idle mark).
 * @param ttlSeconds KV `expirationTtl` (see {@link sessionTtlSeconds}).
 * @throws when KV refuses the write.
 */
export async function putSession(
  kv: KVNamespace,
  id: string,
  record: SessionRecord,
  ttlSeconds: number
): Promise<void> {
  await kv.put(`session:${id}`, JSON.stringify(record), { expirationTtl: ttlSeconds })
}

/**
 * Writes `record` back until the session's absolute end (see {@link sessionTtlSeconds}).
 * @throws when KV refuses the write.
 */
export function saveSession(
  kv: KVNamespace,
  id: string,
  record: SessionRecord,
  maxAgeSeconds: number,
  nowSeconds: number
): Promise<void> {
  return putSession(kv, id, record, sessionTtlSeconds(record, maxAgeSeconds, nowSeconds))
}

/**
 * Deletes a session (sign-out, expiry, inactive token).
 * @throws when KV fails.
 */
export async function deleteSession(kv: KVNamespace, id: string): Promise<void> {
  await kv.delete(`session:${id}`)
}

/**
 * The session's tokens from a token response (RFC 6749 5.1) received at `nowSeconds`; what the
 * response leaves out (a refresh token that was not rotated, an ID token on refresh) is kept from
 * `previous`. `expiresAt` is epoch seconds.
 */
export function toSessionTokens(
  tokens: TokenSet,
  nowSeconds: number,
  previous?: SessionTokens
): SessionTokens {
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken
  const idToken = tokens.id_token ?? previous?.idToken
  const scope = tokens.scope ?? previous?.scope
  return {
    accessToken: tokens.access_token,
    tokenType: tokens.token_type,
    ...(refreshToken !== undefined && { refreshToken }),
    ...(idToken !== undefined && { idToken }),
    ...(scope !== undefined && { scope }),
    ...(tokens.expires_in !== undefined && { expiresAt: nowSeconds + tokens.expires_in }),
  }
}

/**
 * Until when a token the token endpoint has just issued counts as active without introspection:
 * one introspection TTL, but not past its expiry. Epoch seconds.
 */
export function freshCheckedUntil(
  nowSeconds: number,
  ttlSeconds: number,
  expiresAt: number | undefined
): number {
  return Math.min(nowSeconds + ttlSeconds, expiresAt ?? Infinity)
}
