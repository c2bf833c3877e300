/**
 * @module
 * Loads the configuration (parsed once per isolate) and the OAuth client for it into the context.
 * A bad configuration is logged once per isolate and rendered as a 500 naming every bad setting.
 */
import { createMiddleware } from 'hono/factory'
import { ConfigError, configWarnings, getConfig, type Config } from '../config'
import { ProxyError } from '../errors'
import { log } from '../log'
import { createOAuthClient, type OAuthClient } from '../oauth/client'
import type { AppEnv } from '../types'

const logged = new WeakSet<ConfigError>()

function oauthClientFor(
  clients: WeakMap<Config, OAuthClient>,
  config: Config,
  fetchImpl?: typeof fetch
): OAuthClient {
  let client = clients.get(config)
  if (!client) {
    // Once per configuration, so once per isolate.
    for (const warning of configWarnings(config)) log('warn', 'config.warning', { warning })
    client = createOAuthClient({
      protocol: config.protocol,
      issuer: config.provider.issuer,
      appHost: config.provider.appHost,
      endpoints: config.provider.endpoints,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: config.redirectUri.href,
      scope: config.scope,
      tokenEndpointAuthMethod: config.tokenEndpointAuthMethod,
      introspectionEndpointAuthMethod: config.introspectionEndpointAuthMethod,
      revocationEndpointAuthMethod: config.revocationEndpointAuthMethod,
      timeoutMs: config.oauthTimeoutMs,
      ...(fetchImpl && { fetch: fetchImpl }),
    })
    clients.set(config, client)
  }
  return client
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `fetch` for provider calls (tests inject a fault-injecting one); the global by default. */
  fetch?: typeof fetch
}

/**
 * Middleware: sets `config` and `oauth` on the context.
 * @throws {ProxyError} `config_invalid` (500) listing every bad setting, never a value.
 */
export function loadConfig(options: LoadConfigOptions = {}) {
  // One OAuth client per configuration, per app (so per isolate).
  const clients = new WeakMap<Config, OAuthClient>()
  return createMiddleware<AppEnv>(async function loadConfig(c, next) {
    let config: Config
    try {
      config = getConfig(c.env)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      if (!logged.has(err)) {
        logged.add(err)
        log('error', 'config.invalid', { problems: err.problems.join('; ') })
      }
      throw new ProxyError('config_invalid', { cause: err })
    }
    c.set('config', config)
    c.set('oauth', oauthClientFor(clients, config, options.fetch))
    await next()
  })
}
