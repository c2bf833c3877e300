/**
 * @module
 * Cross-site WebSocket hijacking: a browser sends the site's cookies with a handshake from any
 * page (a sibling subdomain is even same-site for `SameSite=Lax`), and WebSockets have no CORS.
 * So a handshake whose `Origin` is neither the site's own nor listed in
 * `WEBSOCKET_ALLOWED_ORIGINS` is refused with a 403, before any session is read. A handshake
 * without `Origin` is not a browser's (browsers always send it, RFC 6455 4.1) and goes on to the
 * usual checks, as any non-browser client does. The session is checked at the handshake only: an
 * open socket is the origin's to close.
 */
import { createMiddleware } from 'hono/factory'
import { ProxyError } from '../errors'
import type { AppEnv } from '../types'
import { isWebSocketUpgrade } from '../utils/request-kind'

/** Middleware: 403 `cross_site_request` for a WebSocket handshake from another site's page. */
export const websocketOrigin = createMiddleware<AppEnv>(async function websocketOrigin(c, next) {
  if (!isWebSocketUpgrade(c.req.raw)) return next()
  const origin = c.req.header('origin')
  if (origin === undefined) return next()
  const site = c.get('url').origin
  if (origin === site || c.get('config').websocketAllowedOrigins.has(origin)) return next()
  throw new ProxyError('cross_site_request', {
    description: 'A WebSocket from another site was refused.',
  })
})
