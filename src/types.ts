/**
 * @module
 * The Hono environment of the app: bindings, and the per-request variables set by middleware.
 */
import type { Config, Env } from './config'
import type { OAuthClient } from './oauth/client'
import type { SessionRecord } from './session/session-store'

/** Hono's `Env` for this app. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    config: Config
    oauth: OAuthClient
    /** The signed-in session, or null (set by the session middleware). */
    session: SessionRecord | null
  }
}
