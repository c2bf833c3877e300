/**
 * @module
 * Login transactions: what the callback needs to finish one sign-in (`state`, PKCE
 * `code_verifier`, `nonce`, the return address), carried by the browser itself in its
 * per-sign-in cookie, sealed (session/login-cookie.ts): starting a sign-in writes nothing to KV,
 * so anonymous traffic costs no KV write. One per `state`, so several tabs can sign in at once;
 * 10-minute life on the app's clock. This module holds the record and its compact encoding.
 */

/** One pending sign-in (RFC 6749 10.12 `state`; RFC 7636 `code_verifier`; OIDC Core `nonce`). */
export interface LoginTransaction {
  v: 1
  state: string
  codeVerifier: string
  nonce: string
  /** Same-origin path and query to return to after sign-in. */
  returnTo: string
  /** Epoch seconds. */
  createdAt: number
  /**
   * The session this browser had when the sign-in started, ended when it completes. Kept here
   * because a `form_post` callback is a cross-site POST, which carries no `SameSite=Lax` cookie.
   */
  replaces?: string
}

/** How long a sign-in may take from redirect to callback. */
export const LOGIN_TRANSACTION_TTL_SECONDS = 600
/** `state` values are 32 random bytes, base64url; anything else is refused before any work. */
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** True for a `state` this proxy could have made. */
export function isLoginState(state: string | null | undefined): state is string {
  return !!state && STATE_PATTERN.test(state)
}

/**
 * The sealed form (without `state`, which is the seal's associated data): short keys, so a
 * cookie with a 2048-character return address stays under 4 KB.
 */
interface Compact {
  v: 1
  cv: string
  n: string
  r: string
  t: number
  p?: string
}

/** The JSON that {@link decodeLoginTransaction} reads back. */
export function encodeLoginTransaction(tx: LoginTransaction): string {
  const compact: Compact = {
    v: 1,
    cv: tx.codeVerifier,
    n: tx.nonce,
    r: tx.returnTo,
    t: tx.createdAt,
    ...(tx.replaces && { p: tx.replaces }),
  }
  return JSON.stringify(compact)
}

/**
 * The transaction for `state` from {@link encodeLoginTransaction}'s JSON, at `nowSeconds`.
 * @returns null when malformed, or older than {@link LOGIN_TRANSACTION_TTL_SECONDS}, or from
 * more than a minute in the future.
 */
export function decodeLoginTransaction(
  state: string,
  json: string,
  nowSeconds: number
): LoginTransaction | null {
  let c: Compact
  try {
    c = JSON.parse(json) as Compact
  } catch {
    // Sealed by us, so never malformed unless the format changed: refused like any bad cookie.
    return null
  }
  const strings = [c?.cv, c?.n, c?.r].every((s) => typeof s === 'string')
  if (c?.v !== 1 || !strings || !Number.isFinite(c.t)) return null
  if (c.p !== undefined && typeof c.p !== 'string') return null
  const age = nowSeconds - c.t
  if (age > LOGIN_TRANSACTION_TTL_SECONDS || age < -60) return null
  return {
    v: 1,
    state,
    codeVerifier: c.cv,
    nonce: c.n,
    returnTo: c.r,
    createdAt: c.t,
    ...(c.p && { replaces: c.p }),
  }
}
