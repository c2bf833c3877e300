/**
 * @module
 * Loads the configuration (parsed once per isolate) and the OAuth client for it into the context.
 * A bad configuration is logged once per isolate and rendered as a 500 naming every bad setting.
 */
import { createMiddleware } from 'hono/factory'
import { ConfigError, configWarnings, getConfig, type Config } from '../config'
import { ProxyError } from '../errors'
import type { IsolateMemory } from '../isolate-memory'
import { log } from '../log'
import { createOAuthClient, type OAuthClient } from '../oauth/client'
import type { AppEnv } from '../types'

/** The OAuth client for `config`, made (and its warnings logged) once per isolate. */
function oauthClientFor(
  memory: IsolateMemory,
  config: Config,
  fetchImpl: typeof fetch | undefined
): OAuthClient {
  let client = memory.oauthClients.get(config)
  if (!client) {
    for (const warning of configWarnings(config)) log('warn', 'config.warning', { warning })
    client = createOAuthClient(
      { ...config.client, ...(fetchImpl && { fetch: fetchImpl }) },
      memory.providers,
      memory.jwks
    )
    memory.oauthClients.set(config, client)
  }
  return client
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `fetch` for provider calls (tests inject a fault-injecting one); the global by default. */
  fetch?: typeof fetch
}

/**
 * Middleware: sets `config` and `oauth` on the context (after `requestContext`).
 * @throws {ProxyError} `config_invalid` (500) listing every bad setting, never a value.
 */
export function loadConfig(options: LoadConfigOptions = {}) {
  return createMiddleware<AppEnv>(async function loadConfig(c, next) {
    const memory = c.get('memory')
    let config: Config
    try {
      config = getConfig(c.env, memory.configs)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      if (!memory.loggedConfigErrors.has(err)) {
        memory.loggedConfigErrors.add(err)
        log('error', 'config.invalid', { problems: err.problems.join('; ') })
      }
      throw new ProxyError('config_invalid', { cause: err })
    }
    c.set('config', config)
    c.set('oauth', oauthClientFor(memory, config, options.fetch))
    await next()
  })
}
