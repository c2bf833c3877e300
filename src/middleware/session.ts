/**
 * @module
 * Reads the session cookie and loads the session from KV into `c.var.session` (null when there is
 * none). A KV failure fails closed: 503, nobody gets through.
 */
import { createMiddleware } from 'hono/factory'
import { ProxyError } from '../errors'
import { readSessionCookie } from '../session/cookie'
import { getSession } from '../session/session-store'
import type { AppEnv } from '../types'

/** Middleware: sets `session`. @throws {ProxyError} `session_store_unavailable` when KV fails. */
export const loadSession = createMiddleware<AppEnv>(async function loadSession(c, next) {
  const config = c.var.config
  const id = await readSessionCookie(
    c.req.header('cookie') ?? null,
    new URL(c.req.url),
    config.cookieSecret
  )
  let session = null
  if (id !== null) {
    try {
      session = await getSession(config.sessions, id)
    } catch (err) {
      throw new ProxyError('session_store_unavailable', { cause: err })
    }
  }
  c.set('session', session)
  await next()
})
