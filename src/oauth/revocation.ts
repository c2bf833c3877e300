/**
 * @module
 * Token revocation (Authing's OAuth 2.0 SDK: `revoke_token`; RFC 7009).
 */
import * as oauth from 'oauth4webapi'
import { callEndpoint } from './errors'
import { clientAuth, clientMetadata, httpOptions, type OAuthClientOptions } from './options'

/**
 * Tells the provider that `token` (an access or refresh token) is no longer needed.
 * @param tokenTypeHint `access_token` or `refresh_token` (RFC 7009 2.1), sent when given.
 * @returns true once the provider answered 200 (RFC 7009 2.2: also for an unknown token).
 * @throws {OAuthClientError} endpoint `revocation` on any other answer or no answer.
 */
export function revokeToken(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  token: string,
  tokenTypeHint?: 'access_token' | 'refresh_token'
): Promise<true> {
  return callEndpoint('revocation', async () => {
    const response = await oauth.revocationRequest(
      as,
      clientMetadata(options),
      clientAuth(options.revocationEndpointAuthMethod, options.clientSecret),
      token,
      {
        ...httpOptions(options, as.revocation_endpoint),
        ...(tokenTypeHint && { additionalParameters: { token_type_hint: tokenTypeHint } }),
      }
    )
    await oauth.processRevocationResponse(response)
    return true as const
  })
}
