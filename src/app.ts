/**
 * @module
 * The app, top to bottom: configuration, the `/_auth/*` routes, then every other request through
 * the session check to the origin. One `onError` renders every failure.
 */
import { Hono } from 'hono'
import { ProxyError } from './errors'
import { loadConfig } from './middleware/config'
import { renderError } from './middleware/on-error'
import { requireAuth } from './middleware/require-auth'
import { requireHttps } from './middleware/require-https'
import { loadSession } from './middleware/session'
import { forwardToOrigin } from './proxy/forward'
import { callback } from './routes/callback'
import { login } from './routes/login'
import type { AppEnv } from './types'

/** What {@link createApp} may be given; tests inject faults here. */
export interface AppOptions {
  /** `fetch` for provider calls and the origin; the global one by default. */
  fetch?: typeof fetch
}

/** Builds the proxy as a Hono app (its `fetch` is the Worker's `fetch` handler). */
export function createApp(options: AppOptions = {}) {
  const app = new Hono<AppEnv>()
  app.use('*', requireHttps)
  app.use('*', loadConfig(options.fetch ? { fetch: options.fetch } : {}))

  app.get('/_auth/login', login)
  app.get('/_auth/callback', callback)
  app.post('/_auth/callback', callback)
  app.all('/_auth/*', () => {
    throw new ProxyError('not_found')
  })

  app.all('*', loadSession, requireAuth, function proxy(c) {
    return forwardToOrigin(c.req.raw, c.var.config.originUrl, c.var.session!.claims, options.fetch)
  })

  app.onError(renderError)
  return app
}
