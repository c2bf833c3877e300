/**
 * @module
 * The session id the request's cookie carries (session/cookie.ts), checked with the isolate's
 * memory of keys and checked values.
 */
import type { Context } from 'hono'
import { readSessionCookie } from '../session/cookie'
import type { AppEnv } from '../types'

/** The id in the request's session cookie, or null (none, tampered, or another secret's). */
export function sessionIdOf(c: Context<AppEnv>): Promise<string | null> {
  return readSessionCookie(
    c.req.header('cookie') ?? null,
    c.get('url'),
    c.get('config').cookieSecret,
    c.get('memory')
  )
}
