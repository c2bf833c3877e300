/**
 * @module
 * Identity headers: strip every client-sent copy of what the proxy sets or vouches for (identity,
 * forwarding, scheme, method overrides), then set the signed-in user's. The names follow
 * oauth2-proxy (`X-Auth-Request-*`, `X-Forwarded-User`...), so origins written for it work as is.
 */
import type { Memo } from '../cache/memory-cache'
import type { SessionClaims } from '../identity'

/**
 * Prefixes of header names that say who the user is, or what the proxy saw of the request (the
 * proxy's own identity headers, every de facto `X-Forwarded-*`, IIS/nginx `X-Original-*`): every
 * client copy is removed, whatever follows the prefix. The proxy sets `X-Forwarded-Host`,
 * `-Proto` and `-For` itself afterwards (forward.ts).
 */
const PROXY_SET_PREFIXES = [
  'x-auth-request-',
  'x-forwarded-',
  'x-original-',
  // Other proxies' and platforms' identity sets: Kubernetes front-proxy, Pomerium, AWS ALB,
  // Google IAP, Azure App Service, client-certificate forwarding (IIS ARR, nginx, Envoy).
  'x-remote-',
  'x-webauth-',
  'x-pomerium-',
  'x-amzn-oidc-',
  'x-goog-authenticated-user-',
  'x-goog-iap-',
  'x-ms-client-principal',
  'x-ssl-client-',
  'x-arr-',
  'x-envoy-',
]
/**
 * Other headers that origins trust for who the user is, where the request came from, which URL,
 * scheme or method it had; a client's copy is always removed.
 */
const UNTRUSTED_CLIENT_HEADERS = new Set([
  // RFC 7239: removed rather than trusted or rewritten (the proxy sends the de facto ones).
  'forwarded',
  'x-forwarded',
  // Host overrides (a Host header poisoning by another name).
  'x-host',
  'x-http-host-override',
  'x-override-url',
  'x-script-name',
  'script-name',
  // Client addresses (nginx, Akamai/Cloudflare Enterprise, Rack, Apache).
  'x-real-ip',
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'client-ip',
  'x-originating-ip',
  'fastly-client-ip',
  'x-proxyuser-ip',
  // Client certificates, as TLS-terminating proxies pass them.
  'x-client-cert',
  'ssl-client-cert',
  // Scheme: Rack/Django read these for "the request was https".
  'x-url-scheme',
  'x-scheme',
  'front-end-https',
  // Who the user is, as other proxies and web servers pass it.
  'remote-user',
  'remote-email',
  'remote-groups',
  'remote-name',
  'x-auth-user',
  'x-authenticated-user',
  'x-proxy-user',
  'x-user',
  'x-email',
  'x-grafana-user',
  'cf-access-authenticated-user-email',
  'cf-access-jwt-assertion',
  // Credentials meant for a proxy: never the origin's business.
  'proxy-authorization',
  // Path overrides that some origins (IIS, Symfony, Zend) obey: they would get past path rules.
  'x-rewrite-url',
  // Method overrides (Rails, Symfony, Express method-override): a public `POST /hooks/*` would
  // reach a DELETE handler. A client that means PATCH sends PATCH.
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-method',
])

/**
 * Names longer than this are never remembered, so the isolate's memo of names (the same few dozen
 * come every time; src/isolate-memory.ts bounds their number) stays small whatever clients send.
 */
export const MAX_REMEMBERED_NAME_LENGTH = 64

/**
 * True for a header name that is, or that an origin may read as, a header the proxy sets or
 * vouches for (identity, forwarding, scheme, method): the client's copy never goes upstream.
 * CGI-style stacks (WSGI, PHP, Rack) map `-`, `_` and `.` to the same variable, so every character
 * that is not a letter or digit counts as `-`: `X_Forwarded_For`, `X.Auth.Request.User` count.
 * @param memo verdicts of names seen before (isolate memory); short names are added to it.
 */
export function isIdentityHeaderName(name: string, memo?: Memo<boolean>): boolean {
  const known = memo?.get(name)
  if (known !== undefined) return known
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '-')
  const verdict =
    PROXY_SET_PREFIXES.some((prefix) => normalised.startsWith(prefix)) ||
    UNTRUSTED_CLIENT_HEADERS.has(normalised)
  if (name.length <= MAX_REMEMBERED_NAME_LENGTH) memo?.set(name, verdict)
  return verdict
}

/**
 * Removes every identity header from `headers`: any letter case, `_` for `-`, however often sent.
 * @param memo as for {@link isIdentityHeaderName}.
 * @param alsoNames more names to remove in every spelling, normalised as
 * {@link isIdentityHeaderName} does (lower case, non-alphanumerics as `-`): the `CLAIM_HEADERS`.
 * @returns the same `headers`, changed in place.
 */
export function stripIdentityHeaders(
  headers: Headers,
  memo?: Memo<boolean>,
  alsoNames?: ReadonlySet<string>
): Headers {
  const names: string[] = []
  const more = alsoNames && alsoNames.size > 0 ? alsoNames : undefined
  // Headers iterates lower-cased names, one entry per name (repeated values are combined).
  for (const [name] of headers) {
    if (isIdentityHeaderName(name, memo) || more?.has(name.replace(/[^a-z0-9]/g, '-'))) {
      names.push(name)
    }
  }
  for (const name of names) headers.delete(name)
  return headers
}

/**
 * Sets `X-Auth-Request-User` (the `sub`), and `X-Auth-Request-Email`,
 * `X-Auth-Request-Preferred-Username` and `X-Auth-Request-Groups` (comma-separated) when known.
 * The email is left out when the provider said it is not verified (`email_verified: false`).
 * Call {@link stripIdentityHeaders} first.
 *
 * Encoding: values go out as their UTF-8 bytes, unescaped, as oauth2-proxy and Pomerium send
 * them (claims with control characters or edge spaces never reach here: session/claims.ts).
 * Go's net/http hands the bytes over as a UTF-8 string as they are; Node (`req.headers`) and
 * Python WSGI (PEP 3333) read header bytes as latin1, so an origin there decodes with
 * `Buffer.from(v, 'latin1').toString('utf8')` or `v.encode('latin-1').decode('utf-8')`. The
 * signed assertion carries the same values as JSON and needs no such step (docs/origin-trust.md).
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
