/**
 * @module
 * Lets requests with an identity (a session or an active Bearer token) through. Without a session, a browser navigation is redirected to sign
 * in (and comes back to the same path and query); anything else gets a 401 JSON answer and is
 * never redirected, so API clients and XHR see a status they can act on; nor is anything under a
 * rule with `api: true`.
 */
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import { startLogin } from '../helper/start-login'
import type { AppEnv } from '../types'
import { isNavigation } from '../utils/request-kind'
import { safeReturnTo } from '../utils/return-to'

/**
 * Step of the origin path (middleware/origin-path.ts): passes (null) when `identity` is set;
 * else the 302 to sign in.
 * @throws {ProxyError} `unauthenticated` (401, with a `login_url`) for anything but a navigation.
 */
export function requireAuth(c: Context<AppEnv>): Promise<Response> | null {
  if (c.get('identity')) return null
  const url = c.get('url')
  // A path like `//evil.example/x` is ours, but as a Location it would leave the site.
  const returnTo = safeReturnTo(url.pathname + url.search, url.origin)
  // An API rule's paths get a status they can act on, even from a browser tab.
  if (isNavigation(c.req.raw) && !c.get('route')?.api) return startLogin(c, returnTo)
  throw new ProxyError('unauthenticated', { signIn: true, returnTo })
}
