/**
 * @module
 * The dependencies of the session and token steps, from the request's context: the
 * configuration, the OAuth client, the isolate's memory, the clock and this request's background.
 */
import type { Context } from 'hono'
import type { IntrospectionCacheDeps } from '../cache/introspection-cache'
import type { KeepAliveDeps } from '../session/keep-alive'
import type { AppEnv } from '../types'
import { backgroundOf } from './background'

/** The introspection cache (cache/introspection-cache.ts) for this configuration and isolate. */
export function introspectionDepsOf(c: Context<AppEnv>): IntrospectionCacheDeps {
  const [config, memory] = [c.get('config'), c.get('memory')]
  return {
    kv: config.sessions,
    memory: memory.verdicts,
    flights: memory.introspections,
    hashes: memory.tokenHashes,
    ttlSeconds: config.introspectionCacheTtlSeconds,
    negativeTtlSeconds: config.introspectionNegativeTtlSeconds,
    background: backgroundOf(c),
  }
}

/** What `resumeSession` and `endSession` (session/keep-alive.ts) need, for this request. */
export function keepAliveDepsOf(c: Context<AppEnv>): KeepAliveDeps {
  return {
    config: c.get('config'),
    oauth: c.get('oauth'),
    memory: c.get('memory'),
    // A session's verdicts stay in this isolate: none is written to KV.
    introspection: { ...introspectionDepsOf(c), kv: null },
    clock: c.get('clock'),
    background: backgroundOf(c),
  }
}
