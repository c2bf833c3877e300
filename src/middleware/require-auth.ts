/**
 * @module
 * Lets requests with an identity (a session or an active Bearer token) through. Without a session, a browser navigation is redirected to sign
 * in (and comes back to the same path and query); anything else gets a 401 JSON answer and is
 * never redirected, so API clients and XHR see a status they can act on.
 */
import { createMiddleware } from 'hono/factory'
import { PAGE_SECURITY_HEADERS } from '../pages/page'
import { startLogin } from '../routes/login'
import type { AppEnv } from '../types'
import { isNavigation } from '../utils/request-kind'
import { safeReturnTo } from '../utils/return-to'

/** Middleware: passes when `identity` is set; else a 302 to sign in, or a 401 JSON body. */
export const requireAuth = createMiddleware<AppEnv>(async function requireAuth(c, next) {
  if (c.get('identity')) return next()
  const url = c.get('url')
  // A path like `//evil.example/x` is ours, but as a Location it would leave the site.
  const returnTo = safeReturnTo(url.pathname + url.search, url.origin)
  if (isNavigation(c.req.raw)) return startLogin(c, returnTo)
  return c.json(
    {
      error: 'unauthenticated',
      error_description: 'Sign-in is required.',
      login_url: `/_auth/login?rd=${encodeURIComponent(returnTo)}`,
    },
    401,
    { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS }
  )
})
