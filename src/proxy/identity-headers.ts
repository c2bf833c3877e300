/**
 * @module
 * Identity headers: strip every client-sent copy, then set the signed-in user's. The names follow
 * oauth2-proxy (`X-Auth-Request-*`, `X-Forwarded-User`...), so origins written for it work as is.
 */
import type { SessionClaims } from '../session/session-store'

/** Prefix of the headers the proxy sets; every client copy is removed. */
const IDENTITY_HEADER_PREFIX = 'x-auth-request-'
/** Other identity headers that origins behind oauth2-proxy-like proxies trust; always removed. */
const FORWARDED_IDENTITY_HEADERS = [
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
  'x-forwarded-access-token',
]

/**
 * Removes every identity header from `headers`, in any letter case and however often sent.
 * @returns the same `headers`, changed in place.
 */
export function stripIdentityHeaders(headers: Headers): Headers {
  const names: string[] = []
  // Headers iterates lower-cased names, one entry per name (repeated values are combined).
  for (const [name] of headers) {
    if (name.startsWith(IDENTITY_HEADER_PREFIX)) names.push(name)
  }
  for (const name of names) headers.delete(name)
  for (const name of FORWARDED_IDENTITY_HEADERS) headers.delete(name)
  return headers
}

/**
 * A header value for a claim: UTF-8 bytes as a byte string (as oauth2-proxy sends them), so
 * non-ASCII names survive. Claims with control characters never reach here (see callback).
 */
function headerValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(value)) return value
  return String.fromCharCode(...new TextEncoder().encode(value))
}

/**
 * Sets `X-Auth-Request-User` (the `sub`), and `X-Auth-Request-Email` and
 * `X-Auth-Request-Preferred-Username` when known. Call {@link stripIdentityHeaders} first.
 */
export function setIdentityHeaders(headers: Headers, claims: SessionClaims): Headers {
  headers.set('X-Auth-Request-User', headerValue(claims.sub))
  if (claims.email) headers.set('X-Auth-Request-Email', headerValue(claims.email))
  if (claims.preferred_username) {
    headers.set('X-Auth-Request-Preferred-Username', headerValue(claims.preferred_username))
  }
  return headers
}
