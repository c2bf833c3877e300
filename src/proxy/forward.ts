/**
 * @module
 * Forwarding to the origin: method, path, query, headers and the streamed body go on; the
 * proxy's own cookies and every client copy of the identity headers are removed; the user's
 * identity headers and `X-Forwarded-Host` / `-Proto` / `-For` are set. The origin's response
 * comes back streaming (redirects are not followed); with an identity it is made private
 * (proxy/cache-control.ts).
 */
import type { Memo } from '../cache/memory-cache'
import { ProxyError } from '../errors'
import { isProxyCookieName } from '../session/cookie'
import type { SessionClaims } from '../identity'
import { canonicalPath } from '../utils/canonical-path'
import { privateResponse } from './cache-control'
import { setIdentityHeaders, stripIdentityHeaders } from './identity-headers'

/**
 * The `Cookie` header (RFC 6265 5.4) without the proxy's cookies; other cookies pass byte for
 * byte.
 * @returns null when no cookie is left.
 */
export function stripProxyCookies(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null
  const kept = cookieHeader
    .split(';')
    .map((part) => part.trim())
    .filter((part) => {
      if (part === '') return false
      const eq = part.indexOf('=')
      return !isProxyCookieName((eq < 0 ? part : part.slice(0, eq)).trim())
    })
  return kept.length ? kept.join('; ') : null
}

/**
 * The URL at the origin for a request: the origin's base path joined with the request's
 * canonical path (utils/canonical-path.ts), and the request's query. `originUrl` is a checked
 * `ORIGIN_URL` (no credentials, query or fragment: config.ts).
 * @param path the canonical path of `requestUrl`, when the caller has it already.
 * @throws {ProxyError} `invalid_request` when the URL would not carry exactly that path.
 */
export function buildUpstreamUrl(
  originUrl: URL,
  requestUrl: URL,
  path: string = canonicalPath(requestUrl.pathname)
): URL {
  // The canonical path: the one public paths were matched on is the one the origin sees.
  const basePath = originUrl.pathname === '/' ? '' : originUrl.pathname.replace(/\/$/, '')
  const fullPath = basePath + path
  const url = new URL(`${originUrl.origin}${fullPath}${requestUrl.search}`)
  // The URL parser must not read the path differently (dot-segments, escapes) from what was checked.
  if (url.pathname !== fullPath) {
    throw new ProxyError('invalid_request', { description: 'The request path is not valid.' })
  }
  return url
}

/**
 * The headers sent upstream: the client's, minus the proxy's cookies, every client copy of the
 * identity headers, and `Host` (fetch sets it for the origin); plus the user's identity headers
 * and the de facto `X-Forwarded-Host` / `-Proto` / `-For` (the standard `Forwarded`, RFC 7239, is
 * removed rather than trusted).
 * @param headerNames verdicts of header names seen before (isolate memory).
 */
export function buildUpstreamHeaders(
  request: Request,
  claims: SessionClaims | null,
  requestUrl: URL = new URL(request.url),
  headerNames?: Memo<boolean>
): Headers {
  const headers = stripIdentityHeaders(new Headers(request.headers), headerNames)
  const cookie = stripProxyCookies(headers.get('cookie'))
  if (cookie === null) headers.delete('cookie')
  else headers.set('cookie', cookie)
  headers.delete('host')
  headers.set('X-Forwarded-Host', requestUrl.host)
  headers.set('X-Forwarded-Proto', requestUrl.protocol.slice(0, -1))
  const clientIp = request.headers.get('cf-connecting-ip')
  if (clientIp) headers.set('X-Forwarded-For', clientIp)
  else headers.delete('x-forwarded-for')
  if (claims) setIdentityHeaders(headers, claims)
  return headers
}

/** Where a request goes: the origin, and the request's URL and canonical path, parsed once. */
export interface UpstreamTarget {
  /** `ORIGIN_URL`. */
  originUrl: URL
  /** The request's URL. */
  url: URL
  /** The canonical path of `url` (utils/canonical-path.ts). */
  path: string
}

/** Options for {@link forwardToOrigin}. */
export interface ForwardOptions {
  /** `fetch` for the origin; the global one by default. */
  fetch?: typeof fetch | undefined
  /** Verdicts of header names seen before (isolate memory). */
  headerNames?: Memo<boolean> | undefined
}

/**
 * Sends `request` to the origin with the user's identity (null on a public path or a CORS
 * preflight: then only the client's identity headers are stripped).
 *
 * With an identity, the origin is fetched with `cache: 'no-store'`: a Worker's `fetch` reads
 * through the zone's cache keyed by URL alone (static file types by default), so one user's
 * `/report.pdf` could otherwise be served to another without the origin seeing the request. A
 * per-user cache key was the alternative; it would still store per-user copies at the edge, which
 * sign-out cannot clear. The answer then goes back `private` (proxy/cache-control.ts).
 * Without an identity the request and the answer keep the origin's caching.
 * @returns the origin's response, streaming: unchanged on public paths, made private otherwise.
 * @throws {ProxyError} `invalid_request` (400) for a path the origin would read differently;
 * `origin_unavailable` (502) when the origin cannot be reached.
 */
export async function forwardToOrigin(
  request: Request,
  target: UpstreamTarget,
  claims: SessionClaims | null,
  { fetch: fetchImpl = fetch, headerNames }: ForwardOptions = {}
): Promise<Response> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  const upstreamUrl = buildUpstreamUrl(target.originUrl, target.url, target.path)
  const init: RequestInit = {
    method: request.method,
    headers: buildUpstreamHeaders(request, claims, target.url, headerNames),
    body: hasBody ? request.body : null,
    redirect: 'manual',
    // Supported since compatibility date 2024-11-11 (`cache_option_enabled`); ours is later.
    ...(claims && { cache: 'no-store' }),
  }
  let response: Response
  try {
    response = await fetchImpl(upstreamUrl, init)
  } catch (err) {
    throw new ProxyError('origin_unavailable', { cause: err })
  }
  return claims ? privateResponse(response) : response
}
