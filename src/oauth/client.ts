/**
 * @module
 * The OAuth client: the seed's `AuthenticationClient` operations on one object, with discovery
 * done once per isolate. Each operation lives in its own file; this wires them to the options.
 */
import * as oauth from 'oauth4webapi'
import { buildAuthorizeUrl, type AuthorizeParams } from './authorize-url'
import { getAccessTokenByCode, validateCallback, type TokenSet } from './code-grant'
import { discoverProvider } from './discovery'
import type { OAuthClientOptions } from './options'
import { getUserInfoByAccessToken, type UserInfo } from './userinfo'

/** The operations the proxy uses; each throws {@link OAuthClientError} on failure. */
export interface OAuthClient {
  readonly options: OAuthClientOptions
  /** Seed `build_authorize_url`. */
  buildAuthorizeUrl(params: AuthorizeParams): Promise<URL>
  /** Checks the authorization response at the callback (state, iss, error). */
  validateCallback(callbackUrl: URL, expectedState: string): Promise<URLSearchParams>
  /** Seed `get_access_token_by_code`. */
  getAccessTokenByCode(
    callbackParams: URLSearchParams,
    pkce: { codeVerifier: string; nonce?: string }
  ): Promise<TokenSet>
  /** Seed `get_user_info_by_access_token`. */
  getUserInfoByAccessToken(accessToken: string, expectedSubject?: string): Promise<UserInfo>
}

/** Creates an {@link OAuthClient} for `options`. No I/O until the first operation. */
export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  const metadata = () => discoverProvider(options)
  return {
    options,
    buildAuthorizeUrl: async (params) => buildAuthorizeUrl(await metadata(), options, params),
    validateCallback: async (url, state) => validateCallback(await metadata(), options, url, state),
    getAccessTokenByCode: async (params, pkce) =>
      getAccessTokenByCode(await metadata(), options, params, pkce),
    getUserInfoByAccessToken: async (token, sub) =>
      getUserInfoByAccessToken(await metadata(), options, token, sub),
  }
}

/** PKCE (RFC 7636), `state` and `nonce`: 256 random bits each, from `crypto.getRandomValues`. */
export async function newLoginSecrets(): Promise<{
  state: string
  nonce: string
  codeVerifier: string
  codeChallenge: string
}> {
  const codeVerifier = oauth.generateRandomCodeVerifier()
  return {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier,
    codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
  }
}

export { OAuthClientError } from './errors'
export type { TokenSet } from './code-grant'
export type { UserInfo } from './userinfo'
