/**
 * @module
 * Where the provider's endpoints are, in this order of precedence: explicit endpoints, then
 * Authing's layout under `appHost` for the protocol, then discovery from `issuer` (OpenID Connect
 * Discovery 1.0, falling back to RFC 8414). Kept in the {@link ProviderCache} the caller passes
 * (the isolate's, src/isolate-memory.ts); a failed discovery is not kept.
 */
import * as oauth from 'oauth4webapi'
import type { EndpointName, OAuthProtocol } from './types'
import { callEndpoint, OAuthClientError } from './errors'
import { httpOptions, type OAuthClientOptions } from './options'
import { isLoopbackHost } from '../utils/loopback'

/** oauth4webapi metadata field for each endpoint we can set. */
const METADATA_FIELD: Record<EndpointName, keyof oauth.AuthorizationServer> = {
  authorization: 'authorization_endpoint',
  token: 'token_endpoint',
  userinfo: 'userinfo_endpoint',
  introspection: 'introspection_endpoint',
  revocation: 'revocation_endpoint',
  end_session: 'end_session_endpoint',
}

/**
 * Authing's endpoints for an app (from its SDK sources): `/oauth/...` or `/oidc/...`; logout is
 * `/login/profile/logout` in oauth mode and `/oidc/session/end` in oidc mode. The issuer is
 * `<appHost>/oidc` (what Authing puts in ID tokens) or `<appHost>/oauth`.
 */
export function authingLayout(appHost: URL, protocol: OAuthProtocol): oauth.AuthorizationServer {
  const base = appHost.origin
  const p = `${base}/${protocol}`
  return {
    issuer: p,
    authorization_endpoint: `${p}/auth`,
    token_endpoint: `${p}/token`,
    userinfo_endpoint: `${p}/me`,
    introspection_endpoint: `${p}/token/introspection`,
    revocation_endpoint: `${p}/token/revocation`,
    end_session_endpoint: protocol === 'oidc' ? `${p}/session/end` : `${base}/login/profile/logout`,
    // Authing signs ID tokens with HS256 (the app secret) unless the app is set to RS256.
    ...(protocol === 'oidc' && { id_token_signing_alg_values_supported: ['HS256', 'RS256'] }),
  }
}

async function discover(
  options: OAuthClientOptions,
  issuer: URL
): Promise<oauth.AuthorizationServer> {
  const attempt = async (algorithm: 'oidc' | 'oauth2') => {
    const response = await oauth.discoveryRequest(issuer, {
      algorithm,
      ...httpOptions(options, issuer),
    })
    return oauth.processDiscoveryResponse(issuer, response)
  }
  return callEndpoint('discovery', async () => {
    try {
      return await attempt('oidc')
    } catch (err) {
      // No OpenID configuration (e.g. 404): try RFC 8414's well-known path.
      const status = err instanceof oauth.OperationProcessingError && err.cause instanceof Response
      if (!status || (err.cause as Response).status >= 500) throw err
      return attempt('oauth2')
    }
  })
}

function withOverrides(
  base: oauth.AuthorizationServer,
  endpoints: OAuthClientOptions['endpoints']
): oauth.AuthorizationServer {
  const metadata: Record<string, unknown> = { ...base }
  for (const [name, url] of Object.entries(endpoints ?? {}) as [EndpointName, URL][]) {
    metadata[METADATA_FIELD[name]] = url.href
  }
  return metadata as oauth.AuthorizationServer
}

/** Provider metadata by where the provider is (protocol, app host, issuer, endpoints). */
export type ProviderCache = Map<string, Promise<oauth.AuthorizationServer>>

/**
 * The provider's metadata for `options`, from `cache` when it holds it.
 * @throws {OAuthClientError} endpoint `discovery` when discovery fails or nothing says where the
 * provider is.
 */
export function resolveProvider(
  options: OAuthClientOptions,
  cache: ProviderCache
): Promise<oauth.AuthorizationServer> {
  const key = JSON.stringify([
    options.protocol,
    options.appHost?.href,
    options.issuer?.href,
    options.endpoints,
  ])
  let metadata = cache.get(key)
  if (!metadata) {
    metadata = (async () => {
      let base: oauth.AuthorizationServer
      if (options.appHost) base = authingLayout(options.appHost, options.protocol)
      else if (options.issuer) base = await discover(options, options.issuer)
      else if (options.endpoints?.authorization || options.endpoints?.token) {
        const anchor = options.endpoints.token ?? options.endpoints.authorization!
        base = { issuer: anchor.origin }
      } else {
        throw new OAuthClientError('discovery', 'invalid_response', {
          errorDescription: 'no issuer, app host or endpoints configured',
        })
      }
      return withOverrides(base, options.endpoints)
    })()
    cache.set(key, metadata)
    metadata.catch(() => cache.delete(key))
  }
  return metadata
}

/** Endpoints the browser is sent to (the rest are called by the Worker over `fetch`). */
const BROWSER_FACING: ReadonlySet<EndpointName> = new Set(['authorization', 'end_session'])

/**
 * The URL of `endpoint`. A browser-facing one (authorization, end session) must be https, or http
 * on a loopback host, so discovery cannot send the browser to `javascript:` or plain http.
 * @throws {OAuthClientError} `invalid_response` when the provider has no such endpoint, or it is
 * not a usable URL.
 */
export function endpointUrl(as: oauth.AuthorizationServer, endpoint: EndpointName): URL {
  const field = METADATA_FIELD[endpoint]
  const value = as[field]
  const fail = (why: string) =>
    new OAuthClientError(endpoint, 'invalid_response', { errorDescription: `${field} ${why}` })
  if (typeof value !== 'string') throw fail('is missing')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw fail('is not a URL')
  }
  const httpsOrLoopback =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
  if (BROWSER_FACING.has(endpoint) && !httpsOrLoopback) throw fail('must be https')
  return url
}
