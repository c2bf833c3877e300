/**
 * @module
 * Requests that reach the origin without sign-in: `PUBLIC_PATHS` (matched on the canonical path,
 * which is also the path forwarded), and CORS preflights when `ALLOW_CORS_PREFLIGHT=true`. They
 * go on with every client copy of the identity headers removed, and no identity.
 */
import { createMiddleware } from 'hono/factory'
import { forwardToOrigin } from '../proxy/forward'
import type { AppEnv } from '../types'
import { canonicalPath } from '../utils/canonical-path'
import { isPublicPath } from '../utils/public-paths'

/** True for a CORS preflight: `OPTIONS` with `Access-Control-Request-Method` (Fetch standard). */
export function isCorsPreflight(request: Request): boolean {
  return request.method === 'OPTIONS' && request.headers.has('access-control-request-method')
}

/** Middleware: forwards public requests at once; everything else goes on to the session checks. */
export function publicAccess(fetchImpl?: typeof fetch) {
  return createMiddleware<AppEnv>(async function publicAccess(c, next) {
    const { config } = c.var
    const request = c.req.raw
    const path = canonicalPath(new URL(request.url).pathname)
    const isPublic =
      (config.allowCorsPreflight && isCorsPreflight(request)) ||
      isPublicPath(config.publicPaths, request.method, path)
    if (!isPublic) return next()
    return forwardToOrigin(request, config.originUrl, null, fetchImpl)
  })
}
