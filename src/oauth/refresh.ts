/**
 * @module
 * The refresh token grant (Authing's OAuth 2.0 SDK: `get_new_access_token_by_refresh_token`; RFC 6749 6).
 */
import * as oauth from 'oauth4webapi'
import { callEndpoint } from './errors'
import { clientAuth, clientMetadata, httpOptions, type OAuthClientOptions } from './options'
import { verifyIdTokenSignature, type JwksCache } from './id-token-signature'
import { toTokenSet, type TokenSet } from './token-set'

/**
 * Gets a new access token with a refresh token. A provider that rotates refresh tokens returns a
 * new `refresh_token`, which replaces the old one.
 * @returns the token response (an ID token, when present, is validated).
 * @throws {OAuthClientError} endpoint `token`: `rejected` with `invalid_grant` when the refresh
 * token is no longer valid; `unavailable` on timeout, network error or 5xx.
 */
export function getNewAccessTokenByRefreshToken(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  refreshToken: string,
  jwks: JwksCache = new Map()
): Promise<TokenSet> {
  return callEndpoint('token', async () => {
    const client = clientMetadata(options)
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth(options.tokenEndpointAuthMethod, options.clientSecret),
      refreshToken,
      httpOptions(options, as.token_endpoint)
    )
    const result = await oauth.processRefreshTokenResponse(as, client, response)
    if (result.id_token) await verifyIdTokenSignature(result.id_token, as, options, jwks)
    return toTokenSet(result)
  })
}
