/**
 * @module
 * Requests that reach the origin without sign-in: those under a `public` rule (`ROUTES` or
 * `PUBLIC_PATHS`, matched on the canonical path, which is also the path forwarded: middleware/
 * route.ts), and CORS preflights when `ALLOW_CORS_PREFLIGHT=true` (not under `deny`). They
 * go on with every client copy of the identity headers removed, and no identity.
 */
import type { Context } from 'hono'
import { forwardToOrigin } from '../proxy/forward'
import type { AppEnv } from '../types'

/** True for a CORS preflight: `OPTIONS` with `Access-Control-Request-Method` (Fetch standard). */
export function isCorsPreflight(request: Request): boolean {
  const method = request.headers.get('access-control-request-method') ?? ''
  return request.method === 'OPTIONS' && /^[A-Za-z]+$/.test(method)
}

/** Headers that make some origins treat a request as another method: never on a preflight. */
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override']

/** The preflight as it goes on: the same method, URL and headers, without a body or overrides. */
function preflightOnly(request: Request): Request {
  const headers = new Headers(request.headers)
  for (const name of METHOD_OVERRIDES) headers.delete(name)
  headers.delete('content-length')
  headers.delete('content-type')
  headers.delete('transfer-encoding')
  return new Request(request.url, { method: 'OPTIONS', headers })
}

/**
 * Step of the origin path (middleware/origin-path.ts), after `matchRoute`: forwards public
 * requests at once (to the rule's origin); for everything else null, and the session checks
 * follow.
 */
export function publicAccess(
  c: Context<AppEnv>,
  fetchImpl?: typeof fetch
): Promise<Response> | null {
  const config = c.get('config')
  const request = c.req.raw
  const route = c.get('route')
  const preflight = config.allowCorsPreflight && isCorsPreflight(request)
  if (!preflight && route?.action !== 'public') return null
  const target = {
    originUrl: route?.originUrl ?? config.originUrl,
    url: c.get('url'),
    path: c.get('path'),
    alsoStrip: config.claimHeaderNames,
  }
  const forward = {
    fetch: fetchImpl,
    headerNames: c.get('memory').headerNames,
    timeoutMs: config.originTimeoutMs,
  }
  return forwardToOrigin(preflight ? preflightOnly(request) : request, target, null, forward)
}
