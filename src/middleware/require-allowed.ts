/**
 * @module
 * Who may enter (access/routes.ts, access/allow-list.ts): a signed-in user whom the request's rule
 * (or, where no rule matches, the global allow-list) does not let in gets a 403 (a page with a
 * sign-out button, or JSON) naming the rule, and nothing is forwarded.
 */
import type { Context } from 'hono'
import { isAllowed } from '../access/allow-list'
import { ruleAllows, ruleLabel } from '../access/routes'
import { ProxyError } from '../errors'
import { log } from '../log'
import type { AppEnv } from '../types'

/**
 * Step of the origin path (middleware/origin-path.ts), after `requireAuth`.
 * @throws {ProxyError} `forbidden` (403).
 */
export function requireAllowed(c: Context<AppEnv>): void {
  const identity = c.get('identity')
  const route = c.get('route')
  if (identity && route && !ruleAllows(route, identity)) {
    log('warn', 'access.denied', { rule: ruleLabel(route) })
    throw new ProxyError('forbidden', { rule: ruleLabel(route) })
  }
  if (identity && !route && !isAllowed(identity, c.get('config').allowList)) {
    log('warn', 'access.denied')
    throw new ProxyError('forbidden')
  }
}
