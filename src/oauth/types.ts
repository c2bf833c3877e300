/**
 * @module
 * The OAuth client's vocabulary, shared with the proxy's configuration.
 */

/** Client authentication at an endpoint (RFC 6749 2.3.1; OpenID Connect Core 9). */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none'

/** `oidc`: OpenID Connect (ID token, nonce). `oauth`: plain OAuth 2.0 (Authing's OAuth mode). */
export type OAuthProtocol = 'oidc' | 'oauth'

/** The provider endpoints that can be set one by one. */
export type EndpointName =
  'authorization' | 'token' | 'userinfo' | 'introspection' | 'revocation' | 'end_session'

/** `query`: the code comes back in the callback URL. `form_post`: in a POSTed form (OAuth 2.0 Form Post Response Mode). */
export type ResponseMode = 'query' | 'form_post'
