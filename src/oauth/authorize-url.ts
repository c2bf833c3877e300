/**
 * @module
 * The authorization request URL (seed: `build_authorize_url`; RFC 6749 4.1.1, RFC 7636 4.3,
 * OpenID Connect Core 3.1.2.1). Values are URL-encoded by `URLSearchParams`.
 */
import type * as oauth from 'oauth4webapi'
import { OAuthClientError } from './errors'
import type { OAuthClientOptions } from './options'

/** Parameters of one authorization request. */
export interface AuthorizeParams {
  state: string
  /** OpenID Connect `nonce`; omitted in `oauth` mode. */
  nonce?: string
  /** PKCE S256 challenge of the transaction's `code_verifier` (RFC 7636 4.2). */
  codeChallenge: string
  /** Defaults to the client's `redirectUri`. */
  redirectUri?: string
  /** Defaults to the client's `scope`. */
  scope?: string
}

/**
 * Builds the URL to send the browser to: `response_type=code`, `client_id`, `redirect_uri`,
 * `scope`, `state`, `nonce`, `code_challenge`, `code_challenge_method=S256`.
 * @throws {OAuthClientError} when the provider has no `authorization_endpoint`.
 */
export function buildAuthorizeUrl(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  params: AuthorizeParams
): URL {
  if (!as.authorization_endpoint) {
    throw new OAuthClientError('authorization', 'invalid_response', {
      errorDescription: 'the provider metadata has no authorization_endpoint',
    })
  }
  const url = new URL(as.authorization_endpoint)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', options.clientId)
  url.searchParams.set('redirect_uri', params.redirectUri ?? options.redirectUri)
  url.searchParams.set('scope', params.scope ?? options.scope)
  url.searchParams.set('state', params.state)
  if (params.nonce !== undefined) url.searchParams.set('nonce', params.nonce)
  url.searchParams.set('code_challenge', params.codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  return url
}
