/**
 * @module
 * How a failed provider call looks to the user: which {@link ProxyError} each
 * {@link OAuthClientError} kind becomes.
 */
import { ProxyError } from '../errors'
import type { OAuthClientError } from '../oauth/errors'

/**
 * Maps a provider failure during sign-in to the page the user sees. Every one offers to sign in
 * again, returning to `returnTo`.
 * - `authorization_error` (`error=access_denied`...): 403 naming the provider's error code;
 * - `rejected` (e.g. `invalid_grant`: the code expired or was used): 400;
 * - `unavailable` (timeout, network, 5xx): 503;
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
      return new ProxyError('idp_unavailable', signIn)
    default:
      return new ProxyError('idp_error', signIn)
  }
}

/**
 * Maps a provider failure outside sign-in (refresh, introspection) to the answer: 503
 * `idp_unavailable` when it is down or slow, else 502 `idp_error`. The session is kept either way.
 */
export function proxyErrorFromProviderFailure(err: OAuthClientError): ProxyError {
  return new ProxyError(err.kind === 'unavailable' ? 'idp_unavailable' : 'idp_error', {
    cause: err,
  })
}
