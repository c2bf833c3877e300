/**
 * @module
 * The first middleware: what every later step reads about the request, worked out once. The URL
 * is parsed once (`url`; read it, never change it) and its canonical path computed once (`path`,
 * utils/canonical-path.ts: the path matched and the path forwarded); the per-isolate `state` and
 * an empty `identity` are set.
 */
import { createMiddleware } from 'hono/factory'
import type { ProxyState } from '../state'
import type { AppEnv } from '../types'
import { canonicalPath } from '../utils/canonical-path'

/** Middleware factory: sets `url`, `path`, `state` (the given per-isolate state) and `identity`. */
export function requestContext(state: ProxyState) {
  return createMiddleware<AppEnv>(async function requestContext(c, next) {
    const url = new URL(c.req.url)
    c.set('url', url)
    c.set('path', canonicalPath(url.pathname))
    c.set('state', state)
    c.set('identity', null)
    await next()
  })
}
