/**
 * @module
 * The token response (RFC 6749 5.1), as the examples of Authing's OAuth 2.0 SDK page show it, for the code and refresh
 * grants alike.
 */
import * as oauth from 'oauth4webapi'

/** The token response. `expires_in` is in seconds; `id_token` only in oidc mode. */
export interface TokenSet {
  access_token: string
  token_type: string
  expires_in?: number
  refresh_token?: string
  scope?: string
  id_token?: string
  /** The validated ID token claims (oidc mode, when an ID token came back). */
  idTokenClaims?: oauth.IDToken
}

/**
 * Picks the standard fields of a token response processed by oauth4webapi (which has validated
 * the ID token, if any), plus those validated claims.
 * @throws only on a response oauth4webapi did not process (a programming error).
 */
export function toTokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  const idTokenClaims = result.id_token ? oauth.getValidatedIdTokenClaims(result) : undefined
  return {
    access_token: result.access_token,
    token_type: result.token_type,
    ...(result.expires_in !== undefined && { expires_in: result.expires_in }),
    ...(result.refresh_token !== undefined && { refresh_token: result.refresh_token }),
    ...(result.scope !== undefined && { scope: result.scope }),
    ...(result.id_token !== undefined && { id_token: result.id_token }),
    ...(idTokenClaims && { idTokenClaims }),
  }
}
