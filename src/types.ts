/**
 * @module
 * The Hono environment of the app: bindings, and the per-request variables set by middleware.
 */
import type { Config, Env } from './config'
import type { OAuthClient } from './oauth/client'
import type { SessionClaims } from './session/session-store'
import type { ProxyState } from './state'

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
    /** Per-isolate caches and the clock. */
    state: ProxyState
    /** Who the request is from: the session's claims, or a Bearer token's; null when unknown. */
    identity: SessionClaims | null
  }
}
