/**
 * @module
 * The Hono environment of the app: bindings, and the per-request variables set by middleware.
 */
import type { Config, Env } from './config'
import type { RouteRule } from './access/routes'
import type { OAuthClient } from './oauth/client'
import type { SessionClaims } from './identity'
import type { IsolateMemory } from './isolate-memory'
import type { Clock } from './utils/clock'

/** Hono's `Env` for this app. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    /** The request URL, parsed once (middleware/request-context.ts). Read it; never change it. */
    url: URL
    /** The canonical path of `url` (utils/canonical-path.ts): the path matched and forwarded. */
    path: string
    config: Config
    oauth: OAuthClient
    /** What the proxy keeps between requests (src/isolate-memory.ts). */
    memory: IsolateMemory
    /** The clock every time check reads (injected in tests). */
    clock: Clock
    /** The rule the request falls under (middleware/route.ts); null for the default. */
    route: RouteRule | null
    /** Who the request is from: the session's claims, or a Bearer token's; null when unknown. */
    identity: SessionClaims | null
    /**
     * The access token behind `identity` (the session's, or the Bearer token); null without one.
     * Goes upstream only with `PASS_ACCESS_TOKEN=true`.
     */
    accessToken: string | null
    /** What the proxy decided when it did not fail or forward (e.g. `login_started`), for the log. */
    outcome?: string
  }
}
