/**
 * @module
 * Who a request goes to the origin as: the `identity` the session or Bearer check found, with its
 * signed assertion (proxy/identity-assertion.ts), taken from the isolate's memory while it is
 * fresh and signed otherwise, and the opt-in headers (`CLAIM_HEADERS`, `PASS_ACCESS_TOKEN`).
 */
import type { Context } from 'hono'
import { ConfigError } from '../config'
import { ProxyError } from '../errors'
import { log } from '../log'
import { optInHeaders, type UpstreamIdentity } from '../proxy/forward'
import { identityAssertion } from '../proxy/identity-assertion'
import type { AppEnv } from '../types'

/**
 * The identity to forward, or null when the request has none.
 * @throws {ProxyError} `config_invalid` when the signing key parsed but does not import (a point
 * that is not on the curve).
 */
export async function upstreamIdentityOf(c: Context<AppEnv>): Promise<UpstreamIdentity | null> {
  const claims = c.get('identity')
  if (!claims) return null
  const config = c.get('config')
  const route = c.get('route')
  const settings = (route && config.ruleAssertions.get(route)) ?? config.assertion
  let assertion: string
  try {
    assertion = await identityAssertion(
      claims,
      settings,
      c.get('memory'),
      c.get('clock').nowSeconds()
    )
  } catch (err) {
    // The key parsed at start but WebCrypto refuses it: a configuration problem, named (never
    // its value) on the page and in the log, as the other configuration problems are.
    const problem = 'IDENTITY_JWT_PRIVATE_KEY is not a usable P-256 private key'
    log('error', 'config.invalid', {
      problems: problem,
      cause: err instanceof Error ? err.name : undefined,
    })
    throw new ProxyError('config_invalid', { cause: new ConfigError([problem]) })
  }
  const extraHeaders = optInHeaders(claims, c.get('accessToken'), config)
  return { claims, assertion, extraHeaders }
}
