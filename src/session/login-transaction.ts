/**
 * @module
 * Login transactions: what the callback needs to finish one sign-in (`state`, PKCE
 * `code_verifier`, `nonce`, the return address), stored in KV under `login:<state>` for 10
 * minutes. One per `state`, so several tabs can sign in at once; each is used at most once.
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

/** How long a sign-in may take from redirect to callback. Also KV's minimum TTL is 60 s. */
export const LOGIN_TRANSACTION_TTL_SECONDS = 600
/** `state` values are 32 random bytes, base64url; anything else is refused before touching KV. */
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/

/**
 * Stores a transaction under its `state`.
 * @throws when KV refuses the write.
 */
export async function saveLoginTransaction(kv: KVNamespace, tx: LoginTransaction): Promise<void> {
  await kv.put(`login:${tx.state}`, JSON.stringify(tx), {
    expirationTtl: LOGIN_TRANSACTION_TTL_SECONDS,
  })
}

/**
 * Takes (reads and deletes) the transaction for `state`, so it cannot be used twice.
 * @param nowSeconds the current time, epoch seconds (the app's clock).
 * @returns the transaction, or null when `state` is malformed, unknown, expired or already used.
 * @throws when KV fails.
 */
export async function takeLoginTransaction(
  kv: KVNamespace,
  state: string | null | undefined,
  nowSeconds: number
): Promise<LoginTransaction | null> {
  if (!state || !STATE_PATTERN.test(state)) return null
  const key = `login:${state}`
  const tx = await kv.get<LoginTransaction>(key, 'json')
  if (!tx) return null
  await kv.delete(key)
  if (tx.v !== 1 || tx.state !== state) return null
  if (nowSeconds - tx.createdAt > LOGIN_TRANSACTION_TTL_SECONDS) return null
  return tx
}
