/**
 * @module
 * Token for user info (Authing's OAuth 2.0 SDK: `get_user_info_by_access_token`; OpenID Connect Core 5.3). Authing's
 * OAuth mode answers at `/oauth/me` with the same claims.
 */
import * as oauth from 'oauth4webapi'
import { endpointUrl } from './endpoints'
import { callEndpoint } from './errors'
import { clientMetadata, httpOptions, type OAuthClientOptions } from './options'

/** The claims the userinfo endpoint returns (OpenID Connect Core 5.1); `sub` always. */
export type UserInfo = oauth.UserInfoResponse

/**
 * Fetches the user's claims with the access token as a Bearer token (RFC 6750 2.1).
 * @param expectedSubject the ID token's `sub`: the answer must carry the same (OIDC Core 5.3.2);
 * omit in `oauth` mode, where there is no ID token.
 * @throws {OAuthClientError} endpoint `userinfo`.
 */
export function getUserInfoByAccessToken(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  accessToken: string,
  expectedSubject?: string
): Promise<UserInfo> {
  return callEndpoint('userinfo', async () => {
    const client = clientMetadata(options)
    const response = await oauth.userInfoRequest(
      as,
      client,
      accessToken,
      httpOptions(options, endpointUrl(as, 'userinfo'))
    )
    return oauth.processUserInfoResponse(
      as,
      client,
      expectedSubject ?? oauth.skipSubjectCheck,
      response
    )
  })
}
