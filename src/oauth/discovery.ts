/**
 * @module
 * Provider metadata by discovery: OpenID Connect Discovery 1.0 in `oidc` mode, RFC 8414 in
 * `oauth` mode, cached per isolate. A failed discovery is not cached, so the next request retries.
 */
import * as oauth from 'oauth4webapi'
import { callEndpoint } from './errors'
import { httpOptions, type OAuthClientOptions } from './options'

const cache = new Map<string, Promise<oauth.AuthorizationServer>>()

/**
 * The provider's metadata (`authorization_endpoint`, `token_endpoint`, ...).
 * @throws {OAuthClientError} endpoint `discovery`.
 */
export function discoverProvider(options: OAuthClientOptions): Promise<oauth.AuthorizationServer> {
  const algorithm = options.protocol === 'oidc' ? 'oidc' : 'oauth2'
  const key = `${algorithm} ${options.issuer.href}`
  let metadata = cache.get(key)
  if (!metadata) {
    metadata = callEndpoint('discovery', async () => {
      const response = await oauth.discoveryRequest(options.issuer, {
        algorithm,
        ...httpOptions(options, options.issuer),
      })
      return oauth.processDiscoveryResponse(options.issuer, response)
    })
    cache.set(key, metadata)
    metadata.catch(() => cache.delete(key))
  }
  return metadata
}
