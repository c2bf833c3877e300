/**
 * @module
 * Reads the session cookie and resumes the session (refresh, introspection, idle and absolute
 * lifetime: see session/keep-alive.ts) into `c.var.session` and `c.var.identity`. KV or provider
 * failures fail closed: 503, nobody gets through.
 */
import { createMiddleware } from 'hono/factory'
import { readSessionCookie } from '../session/cookie'
import { resumeSession } from '../session/keep-alive'
import type { AppEnv } from '../types'
import { backgroundOf } from './background'

/**
 * Middleware: sets `session`, `sessionId` and `identity` (all null without a live session).
 * @throws {ProxyError} `session_store_unavailable`, `idp_unavailable` or `idp_error`.
 */
export const loadSession = createMiddleware<AppEnv>(async function loadSession(c, next) {
  const { config, oauth, state } = c.var
  const id = await readSessionCookie(
    c.req.header('cookie') ?? null,
    new URL(c.req.url),
    config.cookieSecret
  )
  const session =
    id === null
      ? null
      : await resumeSession(id, { config, oauth, state, background: backgroundOf(c) })
  c.set('session', session)
  c.set('sessionId', session ? id : null)
  c.set('identity', session?.claims ?? null)
  await next()
})
