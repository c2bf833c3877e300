/**
 * @module
 * `GET /_auth/userinfo`: the signed-in user's claims as JSON, never tokens; 401 otherwise.
 */
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import { PAGE_SECURITY_HEADERS } from '../pages/page'
import type { AppEnv } from '../types'

/**
 * The handler (after the session middleware).
 * @throws {ProxyError} `unauthenticated` (401), offering a sign-in that returns here.
 */
export function userinfo(c: Context<AppEnv>): Response {
  if (!c.get('identity')) {
    throw new ProxyError('unauthenticated', { signIn: true, returnTo: '/_auth/userinfo' })
  }
  return c.json(c.get('identity'), 200, { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS })
}
