/**
 * @module
 * Who may enter (access/allow-list.ts): a signed-in user outside every configured rule gets a 403
 * (a page with a sign-out button, or JSON) and nothing is forwarded.
 */
import { createMiddleware } from 'hono/factory'
import { isAllowed } from '../access/allow-list'
import { ProxyError } from '../errors'
import { log } from '../log'
import type { AppEnv } from '../types'

/** Middleware, after `requireAuth`. @throws {ProxyError} `forbidden` (403). */
export const requireAllowed = createMiddleware<AppEnv>(async function requireAllowed(c, next) {
  const identity = c.get('identity')
  if (identity && !isAllowed(identity, c.get('config').allowList)) {
    log('warn', 'access.denied')
    throw new ProxyError('forbidden')
  }
  await next()
})
