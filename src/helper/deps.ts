/**
 * @module
 * The dependencies of the session and token steps, from the request's context: the
 * configuration, the OAuth client, the isolate's memory, the clock, this request's background and
 * its counts (helper/metrics.ts).
 */
import type { Context } from 'hono'
import type { IntrospectionCacheDeps } from '../cache/introspection-cache'
import type { KeepAliveDeps } from '../session/keep-alive'
import type { AppEnv } from '../types'
import { log } from '../log'
import { backgroundOf } from './background'
import { countEvent } from './metrics'

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
    graceSeconds: config.providerOutageGraceSeconds,
    onGrace(graceLeftSeconds) {
      log('warn', 'bearer.grace', { grace_left_seconds: graceLeftSeconds })
      countEvent(c, 'grace', 'bearer')
    },
  }
}

/** What `resumeSession` and `endSession` (session/keep-alive.ts) need, for this request. */
export function keepAliveDepsOf(c: Context<AppEnv>): KeepAliveDeps {
  return {
    config: c.get('config'),
    oauth: c.get('oauth'),
    memory: c.get('memory'),
    // A session's verdicts stay in this isolate: none is written to KV. Its grace is the
    // session's own (session/grace.ts), from its record.
    introspection: { ...introspectionDepsOf(c), kv: null, graceSeconds: 0 },
    clock: c.get('clock'),
    background: backgroundOf(c),
    count: (event, code) => countEvent(c, event, code),
  }
}
