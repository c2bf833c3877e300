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
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import type { AppEnv } from '../types'
import { isWebSocketUpgrade } from '../utils/request-kind'

/**
 * Step of the origin path (middleware/origin-path.ts): passes anything but a WebSocket
 * handshake from another site's page.
 * @throws {ProxyError} 403 `cross_site_request` for one.
 */
export function websocketOrigin(c: Context<AppEnv>): void {
  if (!isWebSocketUpgrade(c.req.raw)) return
  const origin = c.req.header('origin')
  if (origin === undefined) return
  const site = c.get('url').origin
  if (origin === site || c.get('config').websocketAllowedOrigins.has(origin)) return
  throw new ProxyError('cross_site_request', {
    description: 'A WebSocket from another site was refused.',
  })
}
