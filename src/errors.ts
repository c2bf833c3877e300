/**
 * @module
 * The proxy's one error type. Every failure on the request path becomes a {@link ProxyError} with a
 * code from a closed set; `app.onError` renders it (HTML for a navigation, JSON otherwise). The
 * `cause` goes to the log only, never to the client.
 */
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Error codes, lowercase snake_case in the OAuth style, with their HTTP status. */
export const ERROR_STATUS = {
  config_invalid: 500,
  internal_error: 500,
  invalid_request: 400,
  not_found: 404,
  unauthenticated: 401,
  login_state_invalid: 400,
  login_failed: 400,
  access_denied: 403,
  cross_site_request: 403,
  forbidden: 403,
  idp_error: 502,
  idp_unavailable: 503,
  session_store_unavailable: 503,
  origin_unavailable: 502,
} as const satisfies Record<string, ContentfulStatusCode>

/** One of the codes in {@link ERROR_STATUS}. */
export type ErrorCode = keyof typeof ERROR_STATUS

/** Options for {@link ProxyError}. */
export interface ProxyErrorOptions {
  /** Shown to the user; must hold no secret and no token. Defaults to a text for the code. */
  description?: string
  /** Offer a "sign in again" link on the error page. */
  signIn?: boolean
  /** Where that sign-in returns to (same-origin path and query); `/` by default. */
  returnTo?: string
  /** For logs only. */
  cause?: unknown
  /** Extra response headers (e.g. `WWW-Authenticate`). */
  headers?: Record<string, string>
}

/** A failure with a code from {@link ERROR_STATUS}, rendered by the app's one `onError`. */
export class ProxyError extends HTTPException {
  readonly code: ErrorCode
  readonly description: string
  readonly signIn: boolean
  readonly returnTo: string
  readonly headers: Record<string, string>
  constructor(code: ErrorCode, options: ProxyErrorOptions = {}) {
    const description = options.description ?? DEFAULT_DESCRIPTIONS[code]
    super(ERROR_STATUS[code], { message: `${code}: ${description}`, cause: options.cause })
    this.name = 'ProxyError'
    this.code = code
    this.description = description
    this.signIn = options.signIn ?? false
    this.returnTo = options.returnTo ?? '/'
    this.headers = options.headers ?? {}
  }
}

const DEFAULT_DESCRIPTIONS: Record<ErrorCode, string> = {
  config_invalid: 'The proxy is not configured correctly.',
  internal_error: 'Something went wrong in the proxy.',
  invalid_request: 'The request is not valid.',
  not_found: 'There is nothing at this address.',
  unauthenticated: 'Sign-in is required.',
  login_state_invalid: 'This sign-in link is unknown, expired or already used.',
  login_failed: 'The sign-in could not be completed.',
  access_denied: 'The identity provider refused the sign-in.',
  cross_site_request: 'This request came from another site and was refused.',
  forbidden: 'You are signed in, but this site does not let your account in.',
  idp_error: 'The identity provider sent an answer the proxy cannot use.',
  idp_unavailable: 'The identity provider is not reachable right now. Try again in a moment.',
  session_store_unavailable: 'The session store is not reachable right now. Try again in a moment.',
  origin_unavailable: 'The site behind the proxy is not reachable right now.',
}
