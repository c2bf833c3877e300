/**
 * @module
 * Token introspection (Authing's OAuth 2.0 SDK: `introspect_token`; RFC 7662).
 */
import * as oauth from 'oauth4webapi'
import { callEndpoint } from './errors'
import { clientAuth, clientMetadata, httpOptions, type OAuthClientOptions } from './options'

/** The introspection response (RFC 7662 2.2): `active` always; `exp`/`iat` in epoch seconds. */
export type IntrospectionResult = oauth.IntrospectionResponse

/**
 * Asks the provider whether `token` (an access or refresh token) is active.
 * @param tokenTypeHint `access_token` or `refresh_token` (RFC 7662 2.1), sent when given.
 * @returns the response; `{ active: false }` for an inactive token. `active` is a JSON boolean
 * (anything else throws).
 * @throws {OAuthClientError} endpoint `introspection` when the check itself fails.
 */
export function introspectToken(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  token: string,
  tokenTypeHint?: 'access_token' | 'refresh_token'
): Promise<IntrospectionResult> {
  return callEndpoint('introspection', async () => {
    const client = clientMetadata(options)
    const response = await oauth.introspectionRequest(
      as,
      client,
      clientAuth(options.introspectionEndpointAuthMethod, options.clientSecret),
      token,
      {
        ...httpOptions(options, as.introspection_endpoint),
        ...(tokenTypeHint && { additionalParameters: { token_type_hint: tokenTypeHint } }),
      }
    )
    return oauth.processIntrospectionResponse(as, client, response)
  })
}
