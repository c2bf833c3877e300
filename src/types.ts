/**
 * @module
 * The Hono environment of the app: bindings, and the per-request variables set by middleware.
 */
import type { Config, Env } from './config'
import type { OAuthClient } from './oauth/client'
import type { SessionClaims, SessionRecord } from './session/session-store'
import type { ProxyState } from './state'

/** Hono's `Env` for this app. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    config: Config
    oauth: OAuthClient
    /** Per-isolate caches and the clock. */
    state: ProxyState
    /** The signed-in session and its id, or null (set by the session middleware). */
    session: SessionRecord | null
    sessionId: string | null
    /** Who the request is from: the session's claims, or a Bearer token's; null when unknown. */
    identity: SessionClaims | null
  }
}
