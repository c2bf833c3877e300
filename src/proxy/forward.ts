/**
 * @module
 * Forwarding to the origin: method, path, query, headers and the streamed body go on; the
 * proxy's own cookies and every client copy of the identity headers are removed; the user's
 * identity headers and `X-Forwarded-Host` / `-Proto` / `-For` are set. The origin's response
 * comes back streaming (redirects are not followed), its `Location` under `ORIGIN_URL` pointed at
 * the site; with an identity it is made private (proxy/cache-control.ts).
 */
import type { Memo } from '../cache/memory-cache'
import { DEFAULT_ORIGIN_TIMEOUT_MS } from '../config/operations'
import { ProxyError } from '../errors'
import { isProxyCookieName } from '../session/cookie'
import type { SessionClaims } from '../identity'
import { canonicalPath } from '../utils/canonical-path'
import type { ClaimHeader } from '../utils/claim-headers'
import { makePrivate } from './cache-control'
import { ASSERTION_HEADER } from './identity-assertion'
import { setIdentityHeaders, stripIdentityHeaders } from './identity-headers'
import { LOCATION_HEADERS, siteLocationHeader } from './location'

/** The origin sent no answer headers within `ORIGIN_TIMEOUT_MS` (for the log). */
class OriginTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the origin did not answer within ${timeoutMs} ms`)
    this.name = 'OriginTimeoutError'
  }
}

/** True for a `name=value` (or bare `name`) cookie pair that is one of the proxy's cookies. */
function isProxyCookiePair(pair: string): boolean {
  const eq = pair.indexOf('=')
  return isProxyCookieName((eq < 0 ? pair : pair.slice(0, eq)).trim())
}

/**
 * The `Cookie` header (RFC 6265 5.4) without the proxy's cookies; other cookies pass byte for
 * byte. A client that sends several `Cookie` fields has them joined with `", "` by workerd (the
 * Fetch standard's joining), so `a=1, __Host-eap_session=...` is one `;`-separated pair to a
 * naive reader: each pair is also split on `,` (never a valid cookie-octet, RFC 6265 4.1.1), and
 * every comma-separated piece that is a proxy cookie goes.
 * @returns null when no cookie is left.
 */
export function stripProxyCookies(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null
  const kept: string[] = []
  for (const raw of cookieHeader.split(';')) {
    const part = raw.trim()
    if (part === '') continue
    if (!part.includes(',')) {
      if (!isProxyCookiePair(part)) kept.push(part)
      continue
    }
    const pieces = part.split(',')
    if (!pieces.some(isProxyCookiePair)) {
      kept.push(part)
      continue
    }
    const rest = pieces.filter((piece) => piece.trim() !== '' && !isProxyCookiePair(piece))
    if (rest.length) kept.push(rest.map((piece) => piece.trim()).join(', '))
  }
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
 * The headers sent upstream: the client's, minus the proxy's cookies, `Host` (fetch sets it for
 * the origin) and every client copy, in any spelling, of what the proxy sets or vouches for
 * (identity, all `X-Forwarded-*`, `Forwarded`, `X-Original-*`, scheme and client-address headers,
 * `Proxy-Authorization`, method overrides: proxy/identity-headers.ts); plus the user's identity
 * headers and the de facto `X-Forwarded-Host` / `-Proto` / `-For` (the standard `Forwarded`,
 * RFC 7239, is removed rather than trusted).
 * @param headerNames verdicts of header names seen before (isolate memory).
 */
export function buildUpstreamHeaders(
  request: Request,
  identity: UpstreamIdentity | null,
  requestUrl: URL = new URL(request.url),
  headerNames?: Memo<boolean>,
  alsoStrip?: ReadonlySet<string>
): Headers {
  const headers = stripIdentityHeaders(new Headers(request.headers), headerNames, alsoStrip)
  const cookie = stripProxyCookies(headers.get('cookie'))
  if (cookie === null) headers.delete('cookie')
  else headers.set('cookie', cookie)
  headers.delete('host')
  headers.set('X-Forwarded-Host', requestUrl.host)
  headers.set('X-Forwarded-Proto', requestUrl.protocol.slice(0, -1))
  const clientIp = request.headers.get('cf-connecting-ip')
  if (clientIp) headers.set('X-Forwarded-For', clientIp)
  if (identity) {
    setIdentityHeaders(headers, identity.claims)
    headers.set(ASSERTION_HEADER, identity.assertion)
    for (const [name, value] of identity.extraHeaders ?? []) headers.set(name, value)
  }
  return headers
}

/** Who a request is forwarded as. */
export interface UpstreamIdentity {
  /** The user's claims (the identity headers). */
  claims: SessionClaims
  /** The signed identity assertion (`X-Auth-Request-Jwt`, proxy/identity-assertion.ts). */
  assertion: string
  /** Opt-in headers: `CLAIM_HEADERS`, `X-Forwarded-Access-Token` ({@link optInHeaders}). */
  extraHeaders?: readonly (readonly [string, string])[]
}

/**
 * The opt-in upstream headers oauth2-proxy and Pomerium users rely on: each `CLAIM_HEADERS` claim
 * the user has (values cleaned at sign-in: session/claims.ts), and with `PASS_ACCESS_TOKEN` the
 * access token in `X-Forwarded-Access-Token` (the session's, or the Bearer token).
 */
export function optInHeaders(
  claims: SessionClaims,
  accessToken: string | null,
  options: { claimHeaders: readonly ClaimHeader[]; passAccessToken: boolean }
): [string, string][] {
  const headers: [string, string][] = []
  for (const { claim, header } of options.claimHeaders) {
    const value = claims.extra?.[claim]
    if (value !== undefined) headers.push([header, value])
  }
  if (options.passAccessToken && accessToken) {
    headers.push(['X-Forwarded-Access-Token', accessToken])
  }
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
  /** More header names to remove in every spelling (`CLAIM_HEADERS`: config.claimHeaderNames). */
  alsoStrip?: ReadonlySet<string>
}

/** Options for {@link forwardToOrigin}. */
export interface ForwardOptions {
  /** `fetch` for the origin; the global one by default. */
  fetch?: typeof fetch | undefined
  /** Verdicts of header names seen before (isolate memory). */
  headerNames?: Memo<boolean> | undefined
  /** How long the origin may take to send its answer's headers (`ORIGIN_TIMEOUT_MS`). */
  timeoutMs?: number | undefined
}

/**
 * Sends `request` to the origin with the user's identity and its signed assertion (null on a
 * public path or a CORS preflight: then only the client's copies are stripped).
 *
 * With an identity, the origin is fetched with `cache: 'no-store'`: a Worker's `fetch` reads
 * through the zone's cache keyed by URL alone (static file types by default), so one user's
 * `/report.pdf` could otherwise be served to another without the origin seeing the request. A
 * per-user cache key was the alternative; it would still store per-user copies at the edge, which
 * sign-out cannot clear. The answer then goes back `private` (proxy/cache-control.ts).
 * Without an identity the request and the answer keep the origin's caching.
 * @returns the origin's response, streaming, its `Location` pointed at the site: with the origin's
 * caching on public paths, made private otherwise.
 * @throws {ProxyError} `invalid_request` (400) for a path the origin would read differently;
 * `origin_unavailable` (502) when the origin cannot be reached (refused, reset, unresolvable);
 * `origin_timeout` (504) when its answer's headers do not come within `timeoutMs`. Once they have
 * come the timer is off: a long download, an event stream or a WebSocket runs as long as it will.
 * An upload counts against the timer until the origin answers (most origins answer after reading
 * the body), so a large upload on a slow link needs an `ORIGIN_TIMEOUT_MS` to match.
 */
export async function forwardToOrigin(
  request: Request,
  target: UpstreamTarget,
  identity: UpstreamIdentity | null,
  {
    fetch: fetchImpl = fetch,
    headerNames,
    timeoutMs = DEFAULT_ORIGIN_TIMEOUT_MS,
  }: ForwardOptions = {}
): Promise<Response> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  const upstreamUrl = buildUpstreamUrl(target.originUrl, target.url, target.path)
  const init: RequestInit = {
    method: request.method,
    headers: buildUpstreamHeaders(request, identity, target.url, headerNames, target.alsoStrip),
    body: hasBody ? request.body : null,
    redirect: 'manual',
    // Supported since compatibility date 2024-11-11 (`cache_option_enabled`); ours is later.
    ...(identity && { cache: 'no-store' }),
  }
  // Not AbortSignal.timeout: that would also cut the body off once it fires; this one is cleared.
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(new OriginTimeoutError(timeoutMs)), timeoutMs)
  let response: Response
  try {
    response = await fetchImpl(upstreamUrl, { ...init, signal: deadline.signal })
  } catch (err) {
    const code = deadline.signal.aborted ? 'origin_timeout' : 'origin_unavailable'
    throw new ProxyError(code, { cause: err })
  } finally {
    clearTimeout(timer)
  }
  return finishResponse(response, target, identity !== null)
}

/**
 * The origin's answer as it goes to the browser: `Location` / `Content-Location` under
 * `ORIGIN_URL` rewritten to the site (proxy/location.ts) and, for a request with an identity,
 * made private (proxy/cache-control.ts). Copied at most once (a fetched response's headers are
 * immutable); the body streams on. A `101 Switching Protocols` (a WebSocket) goes back as it is:
 * nothing caches it, and it cannot be rebuilt.
 */
function finishResponse(response: Response, target: UpstreamTarget, withIdentity: boolean) {
  if (response.status === 101 || response.webSocket) return response
  const rewrites: [string, string][] = []
  for (const name of LOCATION_HEADERS) {
    const value = response.headers.get(name)
    const rewritten =
      value === null ? null : siteLocationHeader(name, value, target.originUrl, target.url)
    if (rewritten !== null) rewrites.push([name, rewritten])
  }
  if (!withIdentity && rewrites.length === 0) return response
  const copy = new Response(response.body, response)
  for (const [name, value] of rewrites) copy.headers.set(name, value)
  if (withIdentity) makePrivate(copy.headers)
  return copy
}
