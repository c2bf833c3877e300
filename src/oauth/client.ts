/**
 * @module
 * The OAuth client: every operation of the `AuthenticationClient` of Authing's OAuth 2.0
 * SDK page on one object, for both protocols. Endpoints are resolved once per isolate. Each
 * operation lives in its own file; this wires them to the options.
 *
 * | Authing's SDK                           | here                                |
 * |-----------------------------------------|-------------------------------------|
 * | `build_authorize_url`                   | {@link OAuthClient.buildAuthorizeUrl} |
 * | `get_access_token_by_code`              | {@link OAuthClient.getAccessTokenByCode} |
 * | `get_user_info_by_access_token`         | {@link OAuthClient.getUserInfoByAccessToken} |
 * | `get_new_access_token_by_refresh_token` | {@link OAuthClient.getNewAccessTokenByRefreshToken} |
 * | `introspect_token`                      | {@link OAuthClient.introspectToken} |
 * | `revoke_token`                          | {@link OAuthClient.revokeToken}     |
 * | `build_logout_url`                      | {@link OAuthClient.buildLogoutUrl}  |
 */
import { validateLogoutToken, type LogoutSubject } from './logout-token'
import type { JwksCache } from './id-token-signature'
import * as oauth from 'oauth4webapi'
import { buildAuthorizeUrl, type AuthorizeParams } from './authorize-url'
import { getAccessTokenByCode, validateCallback, type CodeExchangeOptions } from './code-grant'
import { resolveProvider, type ProviderCache } from './endpoints'
import { introspectToken, type IntrospectionResult } from './introspection'
import { buildLogoutUrl, type LogoutParams } from './logout-url'
import type { OAuthClientOptions } from './options'
import { getNewAccessTokenByRefreshToken } from './refresh'
import { revokeToken } from './revocation'
import type { TokenSet } from './token-set'
import { getUserInfoByAccessToken, type UserInfo } from './userinfo'

type TokenTypeHint = 'access_token' | 'refresh_token'

/** The operations of Authing's OAuth 2.0 SDK page. Every one throws {@link OAuthClientError} on failure. */
export interface OAuthClient {
  readonly options: OAuthClientOptions
  /** SDK `build_authorize_url`: the URL to send the browser to. */
  buildAuthorizeUrl(params?: AuthorizeParams): Promise<URL>
  /** Checks the authorization response at the callback (`state`, RFC 9207 `iss`, `error=`). */
  validateCallback(response: URL | URLSearchParams, expectedState: string): Promise<URLSearchParams>
  /** SDK `get_access_token_by_code`. */
  getAccessTokenByCode(
    code: string | URLSearchParams,
    pkce?: CodeExchangeOptions
  ): Promise<TokenSet>
  /** SDK `get_user_info_by_access_token`; `expectedSubject` is the ID token's `sub` (oidc). */
  getUserInfoByAccessToken(accessToken: string, expectedSubject?: string): Promise<UserInfo>
  /** SDK `get_new_access_token_by_refresh_token`. */
  getNewAccessTokenByRefreshToken(refreshToken: string): Promise<TokenSet>
  /** SDK `introspect_token` (RFC 7662). */
  introspectToken(token: string, tokenTypeHint?: TokenTypeHint): Promise<IntrospectionResult>
  /** SDK `revoke_token` (RFC 7009): true on success. */
  revokeToken(token: string, tokenTypeHint?: TokenTypeHint): Promise<true>
  /** SDK `build_logout_url`. */
  buildLogoutUrl(params?: LogoutParams): Promise<URL>
  /** OpenID Connect Back-Channel Logout 1.0 2.6: whose sessions a `logout_token` ends. */
  validateLogoutToken(logoutToken: string): Promise<LogoutSubject>
  /** The discovery document's `backchannel_logout_supported` (false when absent). */
  backchannelLogoutSupported(): Promise<boolean>
}

/**
 * Creates an {@link OAuthClient} for `options`. No I/O until the first operation.
 * @param providers where the provider's metadata is kept (the isolate's, so one discovery per
 * isolate); by default, this client's own.
 * @param jwks where the provider's key set is kept (the isolate's); by default, this client's own.
 */
export function createOAuthClient(
  options: OAuthClientOptions,
  providers: ProviderCache = new Map(),
  jwks: JwksCache = new Map()
): OAuthClient {
  const provider = () => resolveProvider(options, providers)
  return {
    options,
    buildAuthorizeUrl: async (params) => buildAuthorizeUrl(await provider(), options, params),
    validateCallback: async (response, state) =>
      validateCallback(await provider(), options, response, state),
    getAccessTokenByCode: async (code, pkce) =>
      getAccessTokenByCode(await provider(), options, code, pkce, jwks),
    getUserInfoByAccessToken: async (token, sub) =>
      getUserInfoByAccessToken(await provider(), options, token, sub),
    getNewAccessTokenByRefreshToken: async (token) =>
      getNewAccessTokenByRefreshToken(await provider(), options, token, jwks),
    introspectToken: async (token, hint) => introspectToken(await provider(), options, token, hint),
    revokeToken: async (token, hint) => revokeToken(await provider(), options, token, hint),
    buildLogoutUrl: async (params) => buildLogoutUrl(await provider(), options, params),
    validateLogoutToken: async (token) =>
      validateLogoutToken(await provider(), options, token, jwks),
    backchannelLogoutSupported: async () =>
      (await provider()).backchannel_logout_supported === true,
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
export type { AuthorizeParams } from './authorize-url'
export type { IntrospectionResult } from './introspection'
export type { LogoutParams } from './logout-url'
export type { ProviderCache } from './endpoints'
export type { JwksCache } from './id-token-signature'
export type { LogoutSubject } from './logout-token'
export type { OAuthClientOptions } from './options'
export type { TokenSet } from './token-set'
export type { UserInfo } from './userinfo'
