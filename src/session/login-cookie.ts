/**
 * @module
 * Carries each login transaction in the browser that started it, and so binds it to that browser
 * (RFC 6749 10.12; RFC 9700 4.7): the start sets a cookie named after the `state` whose value is
 * the transaction sealed with AES-256-GCM (a key HKDF derives from `COOKIE_SECRET` for this use
 * alone), with the `state` as associated data, so the cookie opens for that `state` only. The
 * callback refuses a `state` without it and clears it (one use). A callback URL replayed in
 * another browser does nothing, and nothing is written to KV before the callback.
 * One cookie per transaction, so tabs signing in at once do not overwrite each other; at most
 * {@link MAX_PENDING_LOGINS} are kept (the oldest go first), so they cannot pile up past header
 * limits.
 */
import { serialize } from 'hono/utils/cookie'
import { cookieValues, hostCookiePrefix, parseCookieHeader } from '../utils/cookie-header'
import { seal, unseal, type SealKeys } from '../utils/crypto'
import { isLoopbackHost } from '../utils/loopback'
import { COOKIE_PREFIX } from './cookie'
import {
  decodeLoginTransaction,
  encodeLoginTransaction,
  isLoginState,
  LOGIN_TRANSACTION_TTL_SECONDS,
  type LoginTransaction,
} from './login-transaction'

/** Pending sign-ins kept per browser; starting one more clears the older ones. */
export const MAX_PENDING_LOGINS = 5
const LOGIN_COOKIE = `${COOKIE_PREFIX}login_`
/** Characters of `state` in the cookie name: enough to tell pending sign-ins apart. */
const TAG_LENGTH = 12
/** A sealed value longer than this would take the cookie past browsers' 4096 bytes. */
const MAX_SEALED_LENGTH = 3800
/** HKDF `info` of the sealing key: this key seals login transactions and nothing else. */
const SEAL_INFO = 'edge-auth-proxy login transaction v1'

function loginCookieName(siteUrl: URL, state: string): string {
  return `${hostCookiePrefix(siteUrl)}${LOGIN_COOKIE}${state.slice(0, TAG_LENGTH)}`
}

/**
 * Cookie attributes. With `formPost` the provider returns the browser by a cross-site POST, which
 * carries only `SameSite=None` cookies; those must be `Secure`, which browsers accept from a
 * secure context alone (https, or http on a loopback host such as `wrangler dev`).
 */
function attributes(siteUrl: URL, maxAgeSeconds: number, formPost = false) {
  const https = siteUrl.protocol === 'https:'
  const crossSitePost = formPost && (https || isLoopbackHost(siteUrl.hostname))
  return {
    httpOnly: true,
    sameSite: crossSitePost ? ('None' as const) : ('Lax' as const),
    path: '/',
    maxAge: maxAgeSeconds,
    secure: https || crossSitePost,
  }
}

/** Names of the login cookies present in a `Cookie` header. */
function pendingLoginCookies(cookieHeader: string | null, siteUrl: URL): string[] {
  const prefix = `${hostCookiePrefix(siteUrl)}${LOGIN_COOKIE}`
  // Only names a cookie can have (RFC 6265 token): another could not be expired with Set-Cookie.
  return parseCookieHeader(cookieHeader)
    .map(([name]) => name)
    .filter((name) => name.startsWith(prefix) && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))
}

/**
 * `Set-Cookie` values for a new sign-in: the cookie carrying `tx` sealed (10 minutes), preceded by
 * expiring cookies for the oldest pending sign-ins so that at most {@link MAX_PENDING_LOGINS}
 * remain. A return address that would take the cookie past 4 KB becomes `/`.
 * @param formPost the provider will answer with response_mode=form_post.
 * @param keys where the derived key is kept (isolate memory).
 */
export async function serializeLoginCookies(
  tx: LoginTransaction,
  siteUrl: URL,
  secret: string,
  cookieHeader: string | null,
  formPost = false,
  keys?: SealKeys
): Promise<string[]> {
  // Browsers send cookies of the same path oldest first (RFC 6265 5.4): expire the oldest ones.
  const pending = pendingLoginCookies(cookieHeader, siteUrl)
  const expired = pending
    .slice(0, Math.max(0, pending.length - MAX_PENDING_LOGINS + 1))
    .map((name) => serialize(name, '', attributes(siteUrl, 0)))
  let value = await seal(secret, SEAL_INFO, encodeLoginTransaction(tx), tx.state, keys)
  if (value.length > MAX_SEALED_LENGTH) {
    // A return address JSON escapes (a query of backslashes) can double: not kept, like a long one.
    const home = encodeLoginTransaction({ ...tx, returnTo: '/' })
    value = await seal(secret, SEAL_INFO, home, tx.state, keys)
  }
  return [
    ...expired,
    serialize(
      loginCookieName(siteUrl, tx.state),
      value,
      attributes(siteUrl, LOGIN_TRANSACTION_TTL_SECONDS, formPost)
    ),
  ]
}

/**
 * The login transaction for `state` that this browser's cookie carries, sealed with `secret`.
 * @param nowSeconds the app's clock, epoch seconds: a transaction older than 10 minutes is refused.
 * @param keys where the derived key is kept (isolate memory).
 * @returns null for a malformed `state`, no cookie (or two), a cookie that does not open for this
 * `state` and secret, or an expired transaction. Never throws for bad input.
 */
export async function openLoginCookie(
  state: string | null | undefined,
  siteUrl: URL,
  secret: string,
  cookieHeader: string | null,
  nowSeconds: number,
  keys?: SealKeys
): Promise<LoginTransaction | null> {
  if (!isLoginState(state)) return null
  const values = cookieValues(cookieHeader, loginCookieName(siteUrl, state))
  if (values.length !== 1) return null
  const json = await unseal(secret, SEAL_INFO, values[0]!, state, keys)
  return json === null ? null : decodeLoginTransaction(state, json, nowSeconds)
}

/** `Set-Cookie` value that removes the binding cookie for `state` once the callback used it. */
export function clearLoginCookie(state: string, siteUrl: URL): string {
  return serialize(loginCookieName(siteUrl, state), '', attributes(siteUrl, 0))
}
