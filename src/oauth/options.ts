/**
 * @module
 * What every OAuth step needs, passed explicitly: the client's settings, the client
 * authentication (RFC 6749 2.3.1), and the options for each HTTP call (timeout, `fetch`, and plain
 * http for loopback hosts only).
 */
import * as oauth from 'oauth4webapi'
import { isLoopbackHost, type ClientAuthMethod, type OAuthProtocol } from '../config'
import { ProviderUnreachableError } from './errors'

/** The client as the seed's `AuthenticationClient` options describe it (our names). */
export interface OAuthClientOptions {
  protocol: OAuthProtocol
  /** Issuer for discovery (OpenID Connect Discovery 1.0, then RFC 8414). */
  issuer: URL
  clientId: string
  clientSecret?: string | undefined
  redirectUri: string
  scope: string
  tokenEndpointAuthMethod: ClientAuthMethod
  /** Per-call timeout in milliseconds. */
  timeoutMs: number
  /** Injected `fetch` (tests); defaults to the global one. */
  fetch?: typeof fetch
}

/** oauth4webapi's client metadata for these options. */
export function clientMetadata(options: OAuthClientOptions): oauth.Client {
  return { client_id: options.clientId }
}

/** oauth4webapi's client authentication for `method` (RFC 6749 2.3.1; OIDC Core 9). */
export function clientAuth(method: ClientAuthMethod, secret: string | undefined): oauth.ClientAuth {
  switch (method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(secret ?? '')
    case 'none':
      return oauth.None()
    default:
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
    signal: AbortSignal.timeout(options.timeoutMs),
    ...(insecureLoopback ? { [oauth.allowInsecureRequests]: true } : {}),
    [oauth.customFetch]: reachingFetch(options.fetch),
  }
}
