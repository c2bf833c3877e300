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

const TITLES: Record<ProxyError['code'], string> = {
  config_invalid: 'The proxy is misconfigured',
  internal_error: 'Something went wrong',
  invalid_request: 'Bad request',
  not_found: 'Not found',
  unauthenticated: 'Sign-in required',
  login_state_invalid: 'This sign-in cannot be completed',
  login_failed: 'Sign-in failed',
  access_denied: 'Sign-in refused',
  cross_site_request: 'Refused',
  forbidden: 'Access denied',
  idp_error: 'The identity provider answered wrongly',
  idp_unavailable: 'The identity provider is unavailable',
  session_store_unavailable: 'Sessions are unavailable',
  origin_unavailable: 'The site is unavailable',
}

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
        title: TITLES[error.code],
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
