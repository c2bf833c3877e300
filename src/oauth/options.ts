/**
 * @module
 * What every OAuth step needs, passed explicitly: the client's settings (Authing's OAuth 2.0 SDK
 * `AuthenticationClient` options, in our names), the client authentication for each endpoint
 * (RFC 6749 2.3.1), and the options for each HTTP call (timeout, `fetch`, plain http for loopback
 * hosts only).
 */
import * as oauth from 'oauth4webapi'
import type { ClientAuthMethod, EndpointName, OAuthProtocol } from './types'
import { isLoopbackHost } from '../utils/loopback'
import { ProviderUnreachableError } from './errors'

/**
 * The client's options. The names of Authing's OAuth 2.0 SDK page: `app_id`, `secret`, `app_host`,
 * `redirect_uri`, `protocol`, `*_endpoint_auth_method`.
 */
export interface OAuthClientOptions {
  /** `oidc` (ID token, nonce) or `oauth` (Authing's OAuth mode: opaque tokens, userinfo only). */
  protocol: OAuthProtocol
  /** SDK `app_id`. */
  clientId: string
  /** SDK `secret`; not needed when every auth method is `none`. */
  clientSecret?: string | undefined
  /** SDK `app_host`: Authing's app address; endpoints follow Authing's layout for `protocol`. */
  appHost?: URL | undefined
  /** Issuer for discovery (OpenID Connect Discovery 1.0, falling back to RFC 8414). */
  issuer?: URL | undefined
  /** Explicit endpoints; each wins over `appHost` and discovery. */
  endpoints?: Readonly<Partial<Record<EndpointName, URL>>>
  /** SDK `redirect_uri`. */
  redirectUri: string
  /** Default `scope`: `openid profile email` in oidc mode, `user` in oauth mode. */
  scope?: string
  /** SDK `token_endpoint_auth_method`; default `client_secret_post`. */
  tokenEndpointAuthMethod?: ClientAuthMethod
  /** SDK `introspection_endpoint_auth_method`; default `client_secret_post`. */
  introspectionEndpointAuthMethod?: ClientAuthMethod
  /** SDK `revocation_endpoint_auth_method`; default `client_secret_post`. */
  revocationEndpointAuthMethod?: ClientAuthMethod
  /** Per-call timeout in milliseconds; default 5000. */
  timeoutMs?: number
  /**
   * Extra authorization request parameters (`prompt`, `acr_values`, `login_hint`, `max_age`...),
   * checked by oauth/authorize-params.ts; never one the client sets itself.
   */
  authorizeParams?: Readonly<Record<string, string>>
  /** Injected `fetch` (tests); defaults to the global one. */
  fetch?: typeof fetch
}

/**
 * The scope asked for when none is set: `openid profile email` in oidc mode, `user` in oauth mode
 * (as Authing's OAuth 2.0 SDK page does). The configuration's default too (src/config/client.ts).
 */
export const DEFAULT_SCOPES: Readonly<Record<OAuthProtocol, string>> = {
  oidc: 'openid profile email',
  oauth: 'user',
}

/** Each provider call's timeout when none is set, in milliseconds (`OAUTH_TIMEOUT_MS`). */
export const DEFAULT_TIMEOUT_MS = 5000

/** The scope to ask for: `options.scope`, else the protocol's {@link DEFAULT_SCOPES}. */
export function defaultScope(options: OAuthClientOptions): string {
  return options.scope ?? DEFAULT_SCOPES[options.protocol]
}

/** oauth4webapi's client metadata (`{ client_id }`) for these options. */
export function clientMetadata(options: OAuthClientOptions): oauth.Client {
  return { client_id: options.clientId }
}

/** An endpoint's client authentication when none is set (Authing's default too). */
export const DEFAULT_AUTH_METHOD: ClientAuthMethod = 'client_secret_post'

/**
 * oauth4webapi's client authentication for `method` (RFC 6749 2.3.1; OIDC Core 9):
 * `client_secret_post` (default), `client_secret_basic` or `none`. A missing secret is sent as
 * empty, which the provider refuses with `invalid_client`; configuration checks catch it first.
 */
export function clientAuth(
  method: ClientAuthMethod = DEFAULT_AUTH_METHOD,
  secret: string | undefined
): oauth.ClientAuth {
  switch (method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(secret ?? '')
    case 'none':
      return oauth.None()
    case 'client_secret_post':
      return oauth.ClientSecretPost(secret ?? '')
  }
}

/**
 * `fetch` that turns every failure to get a response (refused connection, DNS, reset, the timeout
 * signal) into a {@link ProviderUnreachableError}, so it is told apart from a bad answer.
 */
function reachingFetch(inner: typeof fetch = fetch): typeof fetch {
  return async function reachProvider(input, init) {
    try {
      return await inner(input, init)
    } catch (err) {
      throw new ProviderUnreachableError(err)
    }
  }
}

/**
 * Options for one HTTP call to `url`: an `AbortSignal` that fires after `timeoutMs`, the injected
 * `fetch` (wrapped by `reachingFetch`), and `allowInsecureRequests` only when `url` is http on a
 * loopback host.
 */
export function httpOptions(options: OAuthClientOptions, url: URL | string | undefined) {
  const target = url === undefined ? undefined : new URL(url)
  const insecureLoopback =
    target !== undefined && target.protocol === 'http:' && isLoopbackHost(target.hostname)
  return {
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    ...(insecureLoopback ? { [oauth.allowInsecureRequests]: true } : {}),
    [oauth.customFetch]: reachingFetch(options.fetch),
  }
}
