/**
 * @module
 * The app's one error renderer: an HTML page in the browser's language when a browser shows the
 * answer (a navigation or a form POST), JSON `{error, error_description}` otherwise (stable
 * codes, English text); `Cache-Control: no-store` always, `WWW-Authenticate` on every 401
 * (RFC 9110 15.5.2) and `Retry-After` on every 503 (RFC 9110 10.2.3). The cause goes to the log;
 * the client never sees a stack trace, a secret or a token.
 */
import type { Context } from 'hono'
import { ConfigError } from '../config'
import { ProxyError, RETRY_AFTER_SECONDS } from '../errors'
import { signOutFormHeaders } from '../helper/sign-out-form'
import { log } from '../log'
import { errorPage } from '../pages/error-page'
import { pickLocale } from '../pages/locale'
import { loginHref, PAGE_SECURITY_HEADERS } from '../pages/page'
import { accountLabel } from '../session/claims'
import type { AppEnv } from '../types'
import { wantsHtml } from '../utils/request-kind'
import { safeReturnTo } from '../utils/return-to'

export { RETRY_AFTER_SECONDS }

/** The headers every error answer carries, for its status. */
function errorHeaders(error: ProxyError, url: URL): Record<string, string> {
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    ...PAGE_SECURITY_HEADERS,
    ...error.headers,
  }
  // RFC 6750 3: the scheme this proxy accepts besides its cookie, with the site as the realm.
  if (error.status === 401) headers['WWW-Authenticate'] ??= `Bearer realm="${url.host}"`
  if (error.status === 503) headers['Retry-After'] ??= String(RETRY_AFTER_SECONDS)
  return headers
}

/** `app.onError` handler: renders any thrown value as described in the module doc. */
export async function renderError(err: Error, c: Context<AppEnv>): Promise<Response> {
  const error = err instanceof ProxyError ? err : new ProxyError('internal_error', { cause: err })
  const cause = error.cause
  const details = cause instanceof ConfigError ? cause.problems : undefined
  const url = new URL(c.req.url)
  if (error.code !== 'config_invalid') {
    log(error.status >= 500 ? 'error' : 'warn', 'request.failed', {
      code: error.code,
      status: error.status,
      method: c.req.method,
      path: url.pathname,
      cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
    })
  }
  const headers = errorHeaders(error, url)
  // What a sign-in returns to, or "try again" reloads: the error's own, else this very address.
  const returnTo = error.signIn
    ? error.returnTo
    : safeReturnTo(url.pathname + url.search, url.origin)
  // Under an API rule (`api: true`) every answer is JSON, even to a browser tab.
  if (wantsHtml(c.req.raw) && !c.get('route')?.api) {
    const identity = c.get('identity')
    const forbidden = error.code === 'forbidden'
    return c.html(
      errorPage({
        locale: pickLocale(c.req.header('accept-language')),
        code: error.code,
        description: error.description,
        ...(details && { details }),
        signIn: error.signIn,
        returnTo,
        ...(forbidden && identity && { account: accountLabel(identity) }),
        ...(error.rule && { rule: error.rule }),
      }),
      error.status,
      forbidden ? { ...headers, ...(await signOutFormHeaders(c)) } : headers
    )
  }
  return c.json(
    {
      error: error.code,
      error_description: error.description,
      ...(details && { problems: details }),
      ...(error.rule && { rule: error.rule }),
      ...(error.signIn && { login_url: loginHref(returnTo) }),
    },
    error.status,
    headers
  )
}
