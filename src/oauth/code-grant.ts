/**
 * @module
 * The callback and the authorization code grant (Authing's OAuth 2.0 SDK: `get_access_token_by_code`):
 * check the authorization response (RFC 6749 4.1.2, RFC 9207 `iss`), exchange the code at the
 * token endpoint with the PKCE `code_verifier` (RFC 6749 4.1.3, RFC 7636 4.5), and in oidc mode
 * validate the ID token as OpenID Connect Core 3.1.3.7 requires (iss, aud, azp, exp, iat, nonce).
 * The ID token's signature is not checked: it comes straight from the token endpoint over TLS,
 * which 3.1.3.7 (6) allows in its place (and Authing signs ID tokens with HS256 by default).
 */
import * as oauth from 'oauth4webapi'
import { callEndpoint } from './errors'
import { clientAuth, clientMetadata, httpOptions, type OAuthClientOptions } from './options'
import { verifyIdTokenSignature, type JwksCache } from './id-token-signature'
import { toTokenSet, type TokenSet } from './token-set'

/**
 * Checks the authorization response at the callback: `state` equals `expectedState`, `iss` equals
 * the issuer when sent (or required by metadata), and no `error=`.
 * @param response the callback URL (query mode) or the POSTed form's parameters (form_post).
 * @returns the response parameters, ready for {@link getAccessTokenByCode}.
 * @throws {OAuthClientError} `authorization_error` for `error=...`; `invalid_response` otherwise.
 */
export function validateCallback(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  response: URL | URLSearchParams,
  expectedState: string
): Promise<URLSearchParams> {
  return callEndpoint('authorization', async () =>
    oauth.validateAuthResponse(as, clientMetadata(options), response, expectedState)
  )
}

/** PKCE and nonce of the transaction the code belongs to. */
export interface CodeExchangeOptions {
  /** The PKCE `code_verifier`; omit when the authorization request sent no challenge. */
  codeVerifier?: string
  /** The `nonce` the ID token must carry (oidc mode). */
  nonce?: string
}

/**
 * Exchanges an authorization code for tokens (the SDK's `get_access_token_by_code`).
 * @param code the code itself (the caller vouches for the response it came in), or the
 * parameters returned by {@link validateCallback}.
 * @returns the token response; in oidc mode with the validated ID token claims.
 * @throws {OAuthClientError} endpoint `token`: `rejected` (e.g. `invalid_grant`), `unavailable`,
 * or `invalid_response` (including any failed ID token check).
 */
export function getAccessTokenByCode(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  code: string | URLSearchParams,
  { codeVerifier, nonce }: CodeExchangeOptions = {},
  jwks: JwksCache = new Map()
): Promise<TokenSet> {
  return callEndpoint('token', async () => {
    const client = clientMetadata(options)
    const params =
      typeof code === 'string'
        ? oauth.validateAuthResponse(
            as,
            client,
            new URLSearchParams({
              code,
              ...(as.authorization_response_iss_parameter_supported && { iss: as.issuer }),
            }),
            oauth.skipStateCheck
          )
        : code
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(options.tokenEndpointAuthMethod, options.clientSecret),
      params,
      options.redirectUri,
      codeVerifier ?? oauth.nopkce,
      httpOptions(options, as.token_endpoint)
    )
    const oidc = options.protocol === 'oidc'
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: oidc && nonce !== undefined ? nonce : oauth.expectNoNonce,
      requireIdToken: oidc,
    })
    if (result.id_token) await verifyIdTokenSignature(result.id_token, as, options, jwks)
    return toTokenSet(result)
  })
}
