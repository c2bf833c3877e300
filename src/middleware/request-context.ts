/**
 * @module
 * The first middleware: what every later step reads about the request, worked out once. The URL
 * is parsed once (`url`; read it, never change it) and its canonical path computed once (`path`,
 * utils/canonical-path.ts: the path matched and the path forwarded); the isolate's `memory`, the
 * `clock` and an empty `identity` are set.
 */
import { createMiddleware } from 'hono/factory'
import type { IsolateMemory } from '../isolate-memory'
import type { AppEnv } from '../types'
import { canonicalPath } from '../utils/canonical-path'
import type { Clock } from '../utils/clock'

/**
 * Middleware factory: sets `url`, `path`, `memory` and `clock` (the given ones), and an empty
 * `identity` and `accessToken`.
 */
export function requestContext(memory: IsolateMemory, clock: Clock) {
  return createMiddleware<AppEnv>(async function requestContext(c, next) {
    const url = new URL(c.req.url)
    c.set('url', url)
    c.set('path', canonicalPath(url.pathname))
    c.set('memory', memory)
    c.set('clock', clock)
    c.set('identity', null)
    c.set('accessToken', null)
    await next()
  })
}
