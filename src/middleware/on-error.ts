/**
 * @module
 * The app's one error renderer: an HTML page when a browser shows the answer (a navigation or a
 * form POST), JSON
 * `{error, error_description}` otherwise; `Cache-Control: no-store` always. The cause goes to the
 * log; the client never sees a stack trace, a secret or a token.
 */
import type { Context } from 'hono'
import { ConfigError } from '../config'
import { ProxyError } from '../errors'
import { log } from '../log'
import { errorPage, PAGE_SECURITY_HEADERS } from '../pages/page'
import type { AppEnv } from '../types'
import { wantsHtml } from '../utils/request-kind'

/** `app.onError` handler: renders any thrown value as described in the module doc. */
export function renderError(err: Error, c: Context<AppEnv>): Response {
  const error = err instanceof ProxyError ? err : new ProxyError('internal_error', { cause: err })
  const cause = error.cause
  const details = cause instanceof ConfigError ? cause.problems : undefined
  if (error.code !== 'config_invalid') {
    log(error.status >= 500 ? 'error' : 'warn', 'request.failed', {
      code: error.code,
      status: error.status,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
    })
  }
  const headers = { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS, ...error.headers }
  const signInUrl = error.signIn
    ? `/_auth/login?rd=${encodeURIComponent(error.returnTo)}`
    : undefined
  if (wantsHtml(c.req.raw)) {
    return c.html(
      errorPage({
        title: error.title,
        description: error.description,
        code: error.code,
        ...(details && { details }),
        ...(signInUrl && { signInUrl }),
        signOut: error.code === 'forbidden',
      }),
      error.status,
      headers
    )
  }
  return c.json(
    {
      error: error.code,
      error_description: error.description,
      ...(details && { problems: details }),
      ...(signInUrl && { login_url: signInUrl }),
    },
    error.status,
    headers
  )
}
