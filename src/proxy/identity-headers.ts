/**
 * @module
 * Identity headers: strip every client-sent copy, then set the signed-in user's. The names follow
 * oauth2-proxy (`X-Auth-Request-*`, `X-Forwarded-User`...), so origins written for it work as is.
 */
import type { Memo } from '../cache/memory-cache'
import type { SessionClaims } from '../identity'

/** Prefix of the headers the proxy sets; every client copy is removed. */
const IDENTITY_HEADER_PREFIX = 'x-auth-request-'
/**
 * Other headers that origins trust for who the user is or where they are; a client's copy is
 * always removed (the proxy sets `X-Forwarded-For` itself).
 */
const UNTRUSTED_CLIENT_HEADERS = new Set([
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
  'x-forwarded-access-token',
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'x-client-ip',
  'remote-user',
  'remote-email',
  'remote-groups',
  'remote-name',
  'x-remote-user',
  'x-webauth-user',
  'cf-access-authenticated-user-email',
  // Path overrides that some origins (IIS, Symfony, Zend) obey: they would get past path rules.
  'x-original-url',
  'x-rewrite-url',
])

/**
 * Names longer than this are never remembered, so the isolate's memo of names (the same few dozen
 * come every time; src/isolate-memory.ts bounds their number) stays small whatever clients send.
 */
export const MAX_REMEMBERED_NAME_LENGTH = 64

/**
 * True for a header name that is, or that an origin may read as, an identity header. CGI-style
 * stacks (WSGI, PHP, Rack) map `-`, `_` and `.` to the same variable, so `X_Auth_Request_User`
 * and `X.Auth.Request.User` count.
 * @param memo verdicts of names seen before (isolate memory); short names are added to it.
 */
export function isIdentityHeaderName(name: string, memo?: Memo<boolean>): boolean {
  const known = memo?.get(name)
  if (known !== undefined) return known
  const normalised = name.toLowerCase().replace(/[_.~]/g, '-')
  const verdict =
    normalised.startsWith(IDENTITY_HEADER_PREFIX) || UNTRUSTED_CLIENT_HEADERS.has(normalised)
  if (name.length <= MAX_REMEMBERED_NAME_LENGTH) memo?.set(name, verdict)
  return verdict
}

/**
 * Removes every identity header from `headers`: any letter case, `_` for `-`, however often sent.
 * @param memo as for {@link isIdentityHeaderName}.
 * @returns the same `headers`, changed in place.
 */
export function stripIdentityHeaders(headers: Headers, memo?: Memo<boolean>): Headers {
  const names: string[] = []
  // Headers iterates lower-cased names, one entry per name (repeated values are combined).
  for (const [name] of headers) {
    if (isIdentityHeaderName(name, memo)) names.push(name)
  }
  for (const name of names) headers.delete(name)
  return headers
}

/**
 * Sets `X-Auth-Request-User` (the `sub`), and `X-Auth-Request-Email`,
 * `X-Auth-Request-Preferred-Username` and `X-Auth-Request-Groups` (comma-separated) when known.
 * The email is left out when the provider said it is not verified (`email_verified: false`). Values go out as UTF-8 (the runtime encodes
 * them); claims with control characters never reach here (see the callback).
 * Call {@link stripIdentityHeaders} first.
 */
export function setIdentityHeaders(headers: Headers, claims: SessionClaims): Headers {
  headers.set('X-Auth-Request-User', claims.sub)
  if (claims.email && claims.email_verified !== false) {
    headers.set('X-Auth-Request-Email', claims.email)
  }
  if (claims.preferred_username) {
    headers.set('X-Auth-Request-Preferred-Username', claims.preferred_username)
  }
  // Comma-separated; a group whose name holds a comma could be read as two, so it is left out.
  const groups = (claims.groups ?? []).filter((g) => !g.includes(','))
  if (groups.length) headers.set('X-Auth-Request-Groups', groups.join(','))
  return headers
}
