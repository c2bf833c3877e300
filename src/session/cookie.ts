/**
 * @module
 * The session cookie: an opaque session id plus the HMAC-SHA256 of the cookie's name and that id
 * under `COOKIE_SECRET`, nothing else. Over https the name carries the `__Host-` prefix (so the
 * cookie is `Secure`, host-only, `Path=/`); over plain http (only `wrangler dev` on localhost) it
 * has no prefix and no `Secure`, since a browser would refuse either there.
 */
import { serialize } from 'hono/utils/cookie'
import type { Memo } from '../cache/memory-cache'
import { cookieValues, hostCookiePrefix } from '../utils/cookie-header'
import { hmacSign, hmacVerify, type HmacKeys } from '../utils/crypto'

/** Every cookie the proxy owns starts with this (after an optional `__Host-`). */
export const COOKIE_PREFIX = 'eap_'
const SESSION_COOKIE = `${COOKIE_PREFIX}session`
/** Session ids are 32 random bytes, base64url (see `randomId`). */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/
/** What the cookie code may remember in the isolate (src/isolate-memory.ts holds it). */
export interface CookieMemory {
  /** Imported HMAC keys by secret. */
  hmacKeys: HmacKeys
  /** Cookie values (with secret and name) whose signature checked. */
  verifiedCookies: Memo<true>
}

/** A cookie value longer than this is not ours: refuse it before any crypto. */
const MAX_COOKIE_VALUE_LENGTH = 128

/** The session cookie's name for a site: `__Host-eap_session` over https, else `eap_session`. */
export function sessionCookieName(siteUrl: URL): string {
  return `${hostCookiePrefix(siteUrl)}${SESSION_COOKIE}`
}

/** True when `name` is one of the proxy's own cookies (removed before the request goes upstream). */
export function isProxyCookieName(name: string): boolean {
  const bare = name.startsWith('__Host-') ? name.slice('__Host-'.length) : name
  return bare.startsWith(COOKIE_PREFIX)
}

/**
 * Reads the session id from a `Cookie` header.
 * @returns the id when exactly one session cookie is present and its signature checks, else null
 * (missing, tampered, truncated, oversized, duplicated, or signed with another secret).
 * @param memory where checked values and keys are remembered; without it, every call checks.
 */
export async function readSessionCookie(
  cookieHeader: string | null,
  siteUrl: URL,
  secret: string,
  memory?: CookieMemory
): Promise<string | null> {
  const name = sessionCookieName(siteUrl)
  const values = cookieValues(cookieHeader, name)
  if (values.length !== 1) return null
  const value = values[0]!
  if (value.length > MAX_COOKIE_VALUE_LENGTH) return null
  const dot = value.indexOf('.')
  if (dot < 0) return null
  const id = value.slice(0, dot)
  if (!SESSION_ID_PATTERN.test(id)) return null
  // A value that verified once verifies again (HMAC is deterministic): skip the crypto on the hot path.
  const key = `${secret}\n${name}\n${value}`
  if (memory?.verifiedCookies.get(key)) return id
  const signature = value.slice(dot + 1)
  if (!(await hmacVerify(secret, `${name}:${id}`, signature, memory?.hmacKeys))) return null
  memory?.verifiedCookies.set(key, true)
  return id
}

/** `Set-Cookie` value that removes the session cookie (sign-out). */
export function clearSessionCookie(siteUrl: URL): string {
  return serialize(sessionCookieName(siteUrl), '', {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: 0,
    secure: siteUrl.protocol === 'https:',
  })
}

/**
 * `Set-Cookie` value for a new session: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Max-Age`, and
 * `Secure` with the `__Host-` prefix over https.
 * @param maxAgeSeconds the session's absolute lifetime.
 * @param hmacKeys where the imported key is kept (isolate memory).
 */
export async function serializeSessionCookie(
  id: string,
  siteUrl: URL,
  secret: string,
  maxAgeSeconds: number,
  hmacKeys?: HmacKeys
): Promise<string> {
  // The name is signed too: the value of the https cookie is no good under the http name.
  const name = sessionCookieName(siteUrl)
  const value = `${id}.${await hmacSign(secret, `${name}:${id}`, hmacKeys)}`
  return serialize(name, value, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: maxAgeSeconds,
    secure: siteUrl.protocol === 'https:',
  })
}
