/**
 * @module
 * Plain http is served only on loopback hosts (`wrangler dev`). Anywhere else the browser is sent
 * to https first, before a cookie is read or set, so no session cookie ever travels without TLS.
 */
import { createMiddleware } from 'hono/factory'
import { isLoopbackHost } from '../utils/loopback'
import type { AppEnv } from '../types'

/** Middleware: 308 (method and body kept) from `http://host/...` to `https://host/...`. */
export const requireHttps = createMiddleware<AppEnv>(async function requireHttps(c, next) {
  const url = c.get('url')
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    const httpsUrl = new URL(url)
    httpsUrl.protocol = 'https:'
    c.header('Cache-Control', 'no-store')
    return c.redirect(httpsUrl.href, 308)
  }
  await next()
})
