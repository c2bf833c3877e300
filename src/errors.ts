/**
 * @module
 * The proxy's one error type. Every failure on the request path becomes a {@link ProxyError} with a
 * code from a closed set; `app.onError` renders it (HTML for a navigation, JSON otherwise). The
 * `cause` goes to the log only, never to the client. How each failed provider call
 * ({@link OAuthClientError}) looks to the user is decided here too, beside the codes.
 */
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { OAuthClientError } from './oauth/errors'

/**
 * Every error code (lowercase snake_case, in the OAuth style) with its HTTP status, the page title,
 * and the default text shown to the user.
 */
export const ERRORS = {
  config_invalid: [
    500,
    'The proxy is misconfigured',
    "The proxy is not configured correctly; the site's administrator needs to fix it.",
  ],
  internal_error: [500, 'Something went wrong', 'Something went wrong in the proxy.'],
  invalid_request: [400, 'Bad request', 'The request is not valid.'],
  not_found: [404, 'Not found', 'There is nothing at this address.'],
  unauthenticated: [401, 'Sign-in required', 'You are not signed in, or your session has ended.'],
  login_state_invalid: [
    400,
    'This sign-in cannot be completed',
    'This sign-in link is unknown, expired or already used.',
  ],
  login_failed: [400, 'Sign-in failed', 'The sign-in could not be completed.'],
  access_denied: [403, 'Sign-in refused', 'The identity provider refused the sign-in.'],
  cross_site_request: [403, 'Refused', 'This request came from another site and was refused.'],
  forbidden: [403, 'Access denied', 'This site does not let your account in.'],
  idp_error: [
    502,
    'The identity provider answered wrongly',
    'The identity provider sent an answer the proxy cannot use.',
  ],
  idp_unavailable: [
    503,
    'The identity provider is unavailable',
    'The identity provider is not reachable right now. Try again in a moment.',
  ],
  rate_limited: [
    429,
    'Too many requests',
    'Too many requests came from your address. Try again in a minute.',
  ],
  session_store_unavailable: [
    503,
    'Sessions are unavailable',
    'The session store is not reachable right now. Try again in a moment.',
  ],
  origin_unavailable: [
    502,
    'The site is unavailable',
    'The site behind the proxy is not reachable right now.',
  ],
  origin_timeout: [
    504,
    'The site is not answering',
    'The site behind the proxy did not answer in time. Try again in a moment.',
  ],
} as const satisfies Record<string, readonly [ContentfulStatusCode, string, string]>

/** Seconds a client is asked to wait after a 503: long enough for a blip, short for a person. */
export const RETRY_AFTER_SECONDS = 10

/** One of the codes in {@link ERRORS}. */
export type ErrorCode = keyof typeof ERRORS

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
  /** The rule that refused (`forbidden`): its name, or its place (`ROUTES[2]`). */
  rule?: string
}

/** A failure with a code from {@link ERRORS}, rendered by the app's one `onError`. */
export class ProxyError extends HTTPException {
  readonly code: ErrorCode
  /** The page title for the code. */
  readonly title: string
  readonly description: string
  readonly signIn: boolean
  readonly returnTo: string
  readonly headers: Record<string, string>
  readonly rule: string | undefined
  constructor(code: ErrorCode, options: ProxyErrorOptions = {}) {
    const [status, title, defaultDescription] = ERRORS[code]
    const description = options.description ?? defaultDescription
    super(status, { message: `${code}: ${description}`, cause: options.cause })
    this.name = 'ProxyError'
    this.code = code
    this.title = title
    this.description = description
    this.signIn = options.signIn ?? false
    this.returnTo = options.returnTo ?? '/'
    this.headers = options.headers ?? {}
    this.rule = options.rule
  }
}

/**
 * Maps a provider failure during sign-in to the page the user sees. Every one offers to sign in
 * again, returning to `returnTo`.
 * - `authorization_error` (`error=access_denied`...): 403 naming the provider's error code;
 * - `rejected` (e.g. `invalid_grant`: the code expired or was used): 400;
 * - `unavailable` (timeout, network, 5xx, 429): 503, with the provider's `Retry-After` if any;
 * - `invalid_response` (bad JSON, failed ID token check): 502.
 */
export function proxyErrorFromOAuth(err: OAuthClientError, returnTo = '/'): ProxyError {
  const signIn = { signIn: true, cause: err, returnTo }
  switch (err.kind) {
    case 'authorization_error':
      return new ProxyError('access_denied', {
        ...signIn,
        // access_denied is what a provider answers when the user pressed "cancel" (RFC 6749 4.1.2.1).
        description:
          err.error === 'access_denied'
            ? 'The sign-in was cancelled or refused at the identity provider.'
            : `The identity provider refused the sign-in (${
                err.error && err.error !== 'unrecognized_error' ? err.error : 'unknown error'
              }).`,
      })
    case 'rejected':
      return new ProxyError('login_failed', signIn)
    case 'unavailable':
      return new ProxyError('idp_unavailable', { ...signIn, headers: retryAfterHeader(err) })
    default:
      return new ProxyError('idp_error', signIn)
  }
}

/**
 * Maps a provider failure outside sign-in (refresh, introspection) to the answer: 503
 * `idp_unavailable` when it is down or slow, else 502 `idp_error`. The session is kept either way.
 */
export function proxyErrorFromProviderFailure(err: OAuthClientError): ProxyError {
  if (err.kind === 'unavailable') {
    return new ProxyError('idp_unavailable', { cause: err, headers: retryAfterHeader(err) })
  }
  return new ProxyError('idp_error', { cause: err })
}

/** The provider's own `Retry-After` (a 429's or 503's, bounded), passed on; else none. */
function retryAfterHeader(err: OAuthClientError): Record<string, string> {
  return err.retryAfterSeconds ? { 'Retry-After': String(err.retryAfterSeconds) } : {}
}
