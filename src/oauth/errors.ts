/**
 * @module
 * One error type for every provider call: {@link OAuthClientError}. It carries which endpoint
 * failed, the HTTP status, and the provider's `error` / `error_description` (RFC 6749 5.2), and
 * sorts the failure into a `kind` the proxy acts on. It never holds a token or a secret.
 */
import * as oauth from 'oauth4webapi'

/** The provider endpoint a call went to. */
export type OAuthEndpoint =
  | 'discovery'
  | 'authorization'
  | 'token'
  | 'userinfo'
  | 'introspection'
  | 'revocation'
  | 'end_session'
  | 'backchannel_logout'

/**
 * - `unavailable`: network error, timeout, or a 5xx: try again later, keep sessions.
 * - `rejected`: the provider answered with an OAuth error (`invalid_grant`, `invalid_client`...).
 * - `authorization_error`: the authorization response carried `error=` (e.g. `access_denied`).
 * - `invalid_response`: the answer broke the protocol (bad JSON, ID token checks failed...).
 */
export type OAuthFailureKind =
  'unavailable' | 'rejected' | 'authorization_error' | 'invalid_response'

/**
 * The registered OAuth error codes (RFC 6749 4.1.2.1 and 5.2, RFC 6750 3.1, RFC 7009 2.2.1,
 * RFC 8628 3.5, OpenID Connect Core 3.1.2.6, RFC 9449 12.2). Any other `error` value is reported
 * as `unrecognized_error`: a hostile provider could echo a secret or token there, and on the
 * callback anyone can put free text there.
 */
const REGISTERED_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'invalid_target',
])
/** `error_description` is kept for logs only, and cut to this length. */
const MAX_DESCRIPTION_LENGTH = 256

/**
 * A failed provider call. `message` names endpoint, kind, status and `error`; nothing secret.
 * `error` is a registered code or `unrecognized_error`; `errorDescription` (for logs) is a string
 * of at most 256 characters or undefined.
 */
export class OAuthClientError extends Error {
  readonly endpoint: OAuthEndpoint
  readonly kind: OAuthFailureKind
  readonly status: number | undefined
  readonly error: string | undefined
  readonly errorDescription: string | undefined
  /** The provider's `Retry-After` on a 429 or 503, in seconds, within 1..{@link MAX_RETRY_AFTER_SECONDS}. */
  readonly retryAfterSeconds: number | undefined
  constructor(
    endpoint: OAuthEndpoint,
    kind: OAuthFailureKind,
    details: {
      status?: number
      error?: unknown
      errorDescription?: unknown
      cause?: unknown
      retryAfterSeconds?: number | undefined
    } = {}
  ) {
    const error =
      details.error === undefined
        ? undefined
        : typeof details.error === 'string' && REGISTERED_ERRORS.has(details.error)
          ? details.error
          : 'unrecognized_error'
    const parts = [details.status && `HTTP ${details.status}`, error].filter(Boolean)
    super(`${endpoint} ${kind}${parts.length ? ` (${parts.join(', ')})` : ''}`, {
      cause: details.cause,
    })
    this.name = 'OAuthClientError'
    this.endpoint = endpoint
    this.kind = kind
    this.status = details.status
    this.error = error
    this.errorDescription =
      typeof details.errorDescription === 'string'
        ? details.errorDescription.slice(0, MAX_DESCRIPTION_LENGTH)
        : undefined
    this.retryAfterSeconds = details.retryAfterSeconds
  }
}

/** The provider could not be reached at all (no HTTP response): network error or timeout. */
export class ProviderUnreachableError extends Error {
  constructor(cause: unknown) {
    super('the provider did not answer', { cause })
    this.name = 'ProviderUnreachableError'
  }
}

/** 5xx, and 429 (too many requests): the provider cannot answer now, the request is fine. */
const isServerStatus = (status: number | undefined) =>
  status !== undefined && (status >= 500 || status === 429)

/** The most of a provider's `Retry-After` passed on: a provider must not park our users for long. */
export const MAX_RETRY_AFTER_SECONDS = 120

/**
 * A 429's or 503's `Retry-After` (RFC 9110 10.2.3) in seconds, within 1..
 * {@link MAX_RETRY_AFTER_SECONDS}; only the delta-seconds form (an HTTP date is ignored: it needs a
 * clock, and providers send seconds).
 */
export function retryAfterOf(response: unknown): number | undefined {
  if (!(response instanceof Response)) return undefined
  if (response.status !== 429 && response.status !== 503) return undefined
  const value = response.headers.get('retry-after')?.trim()
  if (!value || !/^\d{1,9}$/.test(value)) return undefined
  return Math.min(Math.max(Number(value), 1), MAX_RETRY_AFTER_SECONDS)
}

/** True when `err` or one of its causes is a timeout or an abort (e.g. mid-body). */
function isTimeout(err: unknown, depth = 0): boolean {
  if (depth > 5 || !(err instanceof Error)) return false
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true
  return isTimeout(err.cause, depth + 1)
}

/**
 * Maps whatever a provider call threw (oauth4webapi's errors, `fetch` errors, timeouts) to an
 * {@link OAuthClientError}. Already-mapped errors pass through unchanged.
 */
export function toOAuthClientError(endpoint: OAuthEndpoint, err: unknown): OAuthClientError {
  if (err instanceof OAuthClientError) return err
  if (err instanceof ProviderUnreachableError) {
    return new OAuthClientError(endpoint, 'unavailable', { cause: err.cause })
  }
  if (err instanceof oauth.AuthorizationResponseError) {
    return new OAuthClientError(endpoint, 'authorization_error', {
      error: err.error,
      errorDescription: err.error_description,
      cause: err,
    })
  }
  if (err instanceof oauth.ResponseBodyError) {
    return new OAuthClientError(endpoint, isServerStatus(err.status) ? 'unavailable' : 'rejected', {
      status: err.status,
      error: err.error,
      errorDescription: err.error_description,
      cause: err,
      retryAfterSeconds: retryAfterOf(err.response),
    })
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthClientError(endpoint, isServerStatus(err.status) ? 'unavailable' : 'rejected', {
      status: err.status,
      error: err.cause[0]?.parameters.error,
      cause: err,
      retryAfterSeconds: retryAfterOf(err.response),
    })
  }
  if (isTimeout(err)) return new OAuthClientError(endpoint, 'unavailable', { cause: err })
  if (err instanceof oauth.OperationProcessingError) {
    const status = err.cause instanceof Response ? err.cause.status : undefined
    return new OAuthClientError(
      endpoint,
      isServerStatus(status) ? 'unavailable' : 'invalid_response',
      { status, cause: err, retryAfterSeconds: retryAfterOf(err.cause) }
    )
  }
  return new OAuthClientError(endpoint, 'invalid_response', { cause: err })
}

/**
 * Runs one provider call and maps any failure with {@link toOAuthClientError}.
 * @throws {OAuthClientError}
 */
export async function callEndpoint<T>(endpoint: OAuthEndpoint, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw toOAuthClientError(endpoint, err)
  }
}
