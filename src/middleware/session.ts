/**
 * @module
 * Reads the session cookie and resumes the session (refresh, introspection, idle and absolute
 * lifetime: see session/keep-alive.ts) into the `identity` variable. KV or provider failures fail
 * closed: 503 (or 502 for a bad provider answer), nobody gets through, and the session is kept.
 * A session that has ended has its cookie cleared on the answer (`Max-Age=0`).
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { ProxyError, proxyErrorFromProviderFailure } from '../errors'
import { keepAliveDepsOf } from '../helper/deps'
import { sessionIdOf } from '../helper/session-id'
import { OAuthClientError } from '../oauth/errors'
import { clearSessionCookie } from '../session/cookie'
import { isEnded, resumeSession } from '../session/keep-alive'
import { SessionStoreUnavailableError } from '../session/session-store'
import type { AppEnv } from '../types'

/**
 * Step of the origin path (middleware/origin-path.ts): sets `identity` (and `accessToken`) to the
 * live session's (left null without one).
 * @throws {ProxyError} `session_store_unavailable`, `idp_unavailable` or `idp_error`.
 */
export async function resumeSessionOf(c: Context<AppEnv>): Promise<void> {
  const id = await sessionIdOf(c)
  if (id === null) return
  try {
    const deps = keepAliveDepsOf(c)
    const session = await resumeSession(id, deps)
    // Ended (invalid_grant, an inactive token, its lifetime, signed out elsewhere): the cookie
    // goes too. A record KV does not hold (yet) leaves it, as it may be late elsewhere.
    if (!session && isEnded(id, deps, deps.clock.nowSeconds())) {
      c.header('Set-Cookie', clearSessionCookie(c.get('url')), { append: true })
    }
    c.set('identity', session?.claims ?? null)
    c.set('accessToken', session?.tokens.accessToken ?? null)
  } catch (err) {
    if (err instanceof SessionStoreUnavailableError) {
      throw new ProxyError('session_store_unavailable', { cause: err })
    }
    if (err instanceof OAuthClientError) throw proxyErrorFromProviderFailure(err)
    throw err
  }
}

/**
 * Middleware (for `/_auth/userinfo`): {@link resumeSessionOf}, then the handler.
 * @throws {ProxyError} as {@link resumeSessionOf}.
 */
export const loadSession = createMiddleware<AppEnv>(async function loadSession(c, next) {
  await resumeSessionOf(c)
  await next()
})
