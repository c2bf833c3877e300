/**
 * @module
 * The authorization request URL (Authing's OAuth 2.0 SDK: `build_authorize_url`; RFC 6749 4.1.1, RFC 7636
 * 4.3, OpenID Connect Core 3.1.2.1, OAuth 2.0 Form Post Response Mode). Every value is
 * URL-encoded by `URLSearchParams`.
 */
import * as oauth from 'oauth4webapi'
import { promptFor, RESERVED_AUTHORIZE_PARAMS } from './authorize-params'
import { endpointUrl } from './endpoints'
import { defaultScope, type OAuthClientOptions } from './options'

/** Parameters of one authorization request, all optional (as the SDK's `build_authorize_url`). */
export interface AuthorizeParams {
  /** Defaults to a fresh 256-bit random value (Authing's SDK uses `Math.random`; we do not). */
  state?: string
  /** OpenID Connect `nonce`; in oidc mode a fresh one is made when absent. Never sent in oauth mode. */
  nonce?: string
  /** Defaults to the client's `redirectUri`. */
  redirectUri?: string
  /** Defaults to the client's scope (`openid profile email`, or `user` in oauth mode). */
  scope?: string
  /** `query` (default, not sent) or `form_post`. */
  responseMode?: 'query' | 'form_post'
  /** PKCE challenge (RFC 7636 4.2); sent with `codeChallengeMethod` (default `S256`). */
  codeChallenge?: string
  codeChallengeMethod?: 'S256'
  /** OpenID Connect `prompt` (Core 3.1.2.1), e.g. `login` to make the provider ask again. */
  prompt?: 'login' | 'select_account'
  /** OpenID Connect `ui_locales`: the user's languages, space-separated, most preferred first. */
  uiLocales?: string
}

/**
 * Builds the URL to send the browser to.
 * @returns the authorization endpoint with the configured extra parameters (`authorizeParams`),
 * `response_type`, `client_id`, `redirect_uri`, `scope`, `state`, and `nonce`, `prompt`,
 * `ui_locales`, `response_mode`, `code_challenge`, `code_challenge_method` when they apply. In
 * oidc mode `prompt` is the sign-in's own, else the configured one, with `consent` added when the
 * scope has `offline_access` (oauth/authorize-params.ts).
 * @throws {OAuthClientError} when the provider has no authorization endpoint.
 */
export function buildAuthorizeUrl(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  params: AuthorizeParams = {}
): URL {
  const url = endpointUrl(as, 'authorization')
  // Built apart and written once: each `url.searchParams.set` would serialise the query again.
  const query = new URLSearchParams(url.search)
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) query.set(name, value)
  }
  // The configured extras first, so that nothing below can be set by them (parsing refuses them).
  const extra = options.authorizeParams ?? {}
  for (const [name, value] of Object.entries(extra)) {
    if (!RESERVED_AUTHORIZE_PARAMS.has(name.toLowerCase())) set(name, value)
  }
  // The authorization code grant only: RFC 9700 2.1.2 says not to use the implicit grant.
  set('response_type', 'code')
  set('client_id', options.clientId)
  set('redirect_uri', params.redirectUri ?? options.redirectUri)
  const scope = params.scope ?? defaultScope(options)
  set('scope', scope)
  set('state', params.state ?? oauth.generateRandomState())
  if (options.protocol === 'oidc') set('nonce', params.nonce ?? oauth.generateRandomNonce())
  if (params.responseMode === 'form_post') set('response_mode', 'form_post')
  // Both are OpenID Connect parameters; an OAuth 2.0 server would ignore them (RFC 6749 3.1).
  if (options.protocol === 'oidc') {
    // The sign-in's own prompt wins over the configured one; offline_access adds consent.
    const prompt = promptFor(params.prompt, extra.prompt, scope)
    if (prompt === undefined) query.delete('prompt')
    else set('prompt', prompt)
    set('ui_locales', params.uiLocales)
  }
  if (params.codeChallenge !== undefined) {
    set('code_challenge', params.codeChallenge)
    set('code_challenge_method', params.codeChallengeMethod ?? 'S256')
  }
  url.search = query.toString()
  return url
}
