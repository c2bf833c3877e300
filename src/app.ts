/**
 * @module
 * The app, top to bottom: configuration, the `/_auth/*` routes, then every other request through
 * its rule (`ROUTES`), the session check and who may enter, to its origin. One `onError` renders every failure.
 */
import { Hono } from 'hono/quick'
import { ProxyError } from './errors'
import { verifyByIntrospection } from './helper/verify-bearer'
import { loadConfig } from './middleware/config'
import { renderError } from './middleware/on-error'
import { requestContext } from './middleware/request-context'
import { requestLog } from './middleware/request-log'
import { requireHttps } from './middleware/require-https'
import { loadSession } from './middleware/session'
import { originPath } from './middleware/origin-path'
import { endUserSessions } from './routes/admin'
import { backchannelBodyLimit, backchannelLogout } from './routes/backchannel-logout'
import { callback, callbackBodyLimit } from './routes/callback'
import { ping, ready } from './routes/health'
import { jwks } from './routes/jwks'
import { login } from './routes/login'
import { logout, logoutForm, SIGNED_OUT_PATH, signedOut } from './routes/logout'
import { userinfo } from './routes/userinfo'
import { createIsolateMemory } from './isolate-memory'
import type { AppEnv } from './types'
import { clockFrom } from './utils/clock'

/** What {@link createApp} may be given; tests inject faults and a clock here. */
export interface AppOptions {
  /** `fetch` for provider calls and the origin; the global one by default. */
  fetch?: typeof fetch
  /** The clock, in epoch milliseconds; `Date.now` by default. */
  now?: () => number
  /** A number in [0, 1) per request, for log sampling; `Math.random` by default. */
  random?: () => number
}

/**
 * Builds the proxy as a Hono app (its `fetch` is the Worker's `fetch` handler). The app holds the
 * isolate's memory (src/isolate-memory.ts), so the Worker makes it once per isolate.
 */
export function createApp(options: AppOptions = {}) {
  const app = new Hono<AppEnv>()
  const memory = createIsolateMemory()
  app.use('*', requestContext(memory, clockFrom(options.now)))
  app.use('*', requestLog({ ...(options.random && { random: options.random }) }))
  app.use('*', requireHttps)
  // Before the configuration: ping needs none, and ready reports a bad one as a failed check.
  app.get('/_auth/ping', ping)
  app.get('/_auth/ready', ready(options.fetch))
  app.use('*', loadConfig({ ...(options.fetch && { fetch: options.fetch }) }))

  app.get('/_auth/login', login)
  app.get('/_auth/callback', callback)
  app.post('/_auth/callback', callbackBodyLimit, callback)
  app.get('/_auth/logout', logoutForm)
  app.post('/_auth/logout', logout)
  app.get(SIGNED_OUT_PATH, signedOut)
  app.get('/_auth/userinfo', loadSession, userinfo)
  app.get('/_auth/jwks.json', jwks)
  app.post('/_auth/backchannel-logout', backchannelBodyLimit, backchannelLogout)
  app.post('/_auth/admin/sessions/end', endUserSessions)
  app.all('/_auth/*', () => {
    throw new ProxyError('not_found')
  })

  app.all('*', originPath({ fetch: options.fetch, verifyToken: verifyByIntrospection }))

  app.onError(renderError)
  return app
}
