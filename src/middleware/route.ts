/**
 * @module
 * Which rule a request falls under (access/routes.ts, rules compiled with the configuration):
 * sets `route` for the steps after it (public access, sign-in, who may enter, the origin).
 * A `deny` rule refuses at once, signed in or not; a path whose readings fall under different
 * rules is refused as not valid.
 */
import type { Context } from 'hono'
import { decideRouteRemembered, ruleLabel } from '../access/routes'
import { ProxyError } from '../errors'
import { log } from '../log'
import type { AppEnv } from '../types'

/**
 * Step of the origin path (middleware/origin-path.ts), after `loadConfig`: sets `route` (the
 * rule, or null for the default).
 * @throws {ProxyError} `forbidden` (403, naming the rule) under a `deny` rule; `invalid_request`
 * (400) for a path another server could read as falling under another rule.
 */
export function matchRoute(c: Context<AppEnv>): void {
  const { routes } = c.get('config')
  const decision = decideRouteRemembered(
    routes,
    c.req.method,
    c.get('path'),
    c.get('memory').routeDecisions
  )
  if (decision === 'refused') {
    log('warn', 'access.path_ambiguous')
    throw new ProxyError('invalid_request', {
      description: 'The request path can be read as falling under another rule.',
    })
  }
  c.set('route', decision)
  if (decision?.action === 'deny') {
    log('warn', 'access.denied', { rule: ruleLabel(decision) })
    throw new ProxyError('forbidden', { rule: ruleLabel(decision) })
  }
}
