/**
 * @module
 * The provider's sign-out URL (Authing's OAuth 2.0 SDK: `build_logout_url`). In oidc mode, OpenID Connect
 * RP-Initiated Logout 1.0: `end_session_endpoint` with `id_token_hint` and
 * `post_logout_redirect_uri` (and `client_id` when there is no hint). In oauth mode, Authing's
 * `/login/profile/logout?redirect_uri=...`. Values are URL-encoded.
 */
import type * as oauth from 'oauth4webapi'
import { endpointUrl } from './endpoints'
import type { OAuthClientOptions } from './options'

/** Parameters of the sign-out URL. */
export interface LogoutParams {
  /** Where the provider sends the browser afterwards (must be registered there). */
  redirectUri?: string
  /** The session's ID token (oidc mode), so the provider knows whose session to end. */
  idTokenHint?: string
}

/**
 * Builds the sign-out URL.
 * @throws {OAuthClientError} endpoint `end_session` when the provider has none.
 */
export function buildLogoutUrl(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  { redirectUri, idTokenHint }: LogoutParams = {}
): URL {
  const url = endpointUrl(as, 'end_session')
  if (options.protocol === 'oauth') {
    if (redirectUri !== undefined) url.searchParams.set('redirect_uri', redirectUri)
    return url
  }
  if (idTokenHint !== undefined) url.searchParams.set('id_token_hint', idTokenHint)
  else url.searchParams.set('client_id', options.clientId)
  if (redirectUri !== undefined) url.searchParams.set('post_logout_redirect_uri', redirectUri)
  return url
}
