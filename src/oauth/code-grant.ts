/**
 * @module
 * The callback and the authorization code grant (seed: `get_access_token_by_code`):
 * check the authorization response (RFC 6749 4.1.2, RFC 9207 `iss`), exchange the code at the
 * token endpoint with the PKCE `code_verifier` (RFC 6749 4.1.3, RFC 7636 4.5), and in `oidc` mode
 * validate the ID token as OpenID Connect Core 3.1.3.7 requires (iss, aud, azp, exp, iat, nonce).
 */
import * as oauth from 'oauth4webapi'
import { callEndpoint } from './errors'
import { clientAuth, clientMetadata, httpOptions, type OAuthClientOptions } from './options'

/** The token response (RFC 6749 5.1). `expires_in` is in seconds. */
export interface TokenSet {
  access_token: string
  token_type: string
  expires_in?: number
  refresh_token?: string
  scope?: string
  id_token?: string
  /** The validated ID token claims (`oidc` mode only). */
  idTokenClaims?: oauth.IDToken
}

/**
 * Checks the authorization response at the callback: `state` equals `expectedState`, `iss` equals
 * the issuer when sent (or required by metadata), and no `error=`.
 * @returns the response parameters, ready for {@link getAccessTokenByCode}.
 * @throws {OAuthClientError} `authorization_error` for `error=...`; `invalid_response` otherwise.
 */
export function validateCallback(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  callbackUrl: URL,
  expectedState: string
): Promise<URLSearchParams> {
  return callEndpoint('authorization', async () =>
    oauth.validateAuthResponse(as, clientMetadata(options), callbackUrl, expectedState)
  )
}

/**
 * Exchanges the code for tokens.
 * @param callbackParams parameters returned by {@link validateCallback}.
 * @param codeVerifier the transaction's PKCE verifier.
 * @param nonce the transaction's nonce (`oidc` mode; the ID token must carry it).
 * @throws {OAuthClientError} endpoint `token`: `rejected` (e.g. `invalid_grant`), `unavailable`,
 * or `invalid_response` (including any failed ID token check).
 */
export function getAccessTokenByCode(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  callbackParams: URLSearchParams,
  { codeVerifier, nonce }: { codeVerifier: string; nonce?: string }
): Promise<TokenSet> {
  return callEndpoint('token', async () => {
    const client = clientMetadata(options)
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(options.tokenEndpointAuthMethod, options.clientSecret),
      callbackParams,
      options.redirectUri,
      codeVerifier,
      httpOptions(options, as.token_endpoint)
    )
    const oidc = options.protocol === 'oidc'
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: oidc ? nonce : oauth.expectNoNonce,
      requireIdToken: oidc,
    })
    const idTokenClaims = oidc ? oauth.getValidatedIdTokenClaims(result) : undefined
    return {
      access_token: result.access_token,
      token_type: result.token_type,
      ...(result.expires_in !== undefined && { expires_in: result.expires_in }),
      ...(result.refresh_token !== undefined && { refresh_token: result.refresh_token }),
      ...(result.scope !== undefined && { scope: result.scope }),
      ...(result.id_token !== undefined && { id_token: result.id_token }),
      ...(idTokenClaims && { idTokenClaims }),
    }
  })
}
