/**
 * @module
 * The origin path, every request that is not `/_auth/*`, as one handler: its rule (route.ts), the
 * WebSocket origin check (websocket-origin.ts), public access (public-access.ts), the session
 * (session.ts) or a Bearer token (bearer.ts), sign-in (require-auth.ts), who may enter
 * (require-allowed.ts), then the origin with the user's identity (proxy/forward.ts). The steps
 * are plain functions called in that order, each of which may answer or throw, instead of a chain
 * of nine Hono middleware: the same checks in the same order, without a dispatch per step.
 */
import type { Context } from 'hono'
import { upstreamIdentityOf } from '../helper/upstream-identity'
import { forwardToOrigin } from '../proxy/forward'
import type { AppEnv } from '../types'
import { bearerAuth, type VerifyToken } from './bearer'
import { publicAccess } from './public-access'
import { requireAllowed } from './require-allowed'
import { requireAuth } from './require-auth'
import { matchRoute } from './route'
import { resumeSessionOf } from './session'
import { websocketOrigin } from './websocket-origin'

/** What {@link originPath} is given by the app. */
export interface OriginPathOptions {
  /** `fetch` for the origin (and the provider); the global one by default. */
  fetch?: typeof fetch | undefined
  /** Who a Bearer token stands for (the app gives helper/verify-bearer.ts). */
  verifyToken: VerifyToken
}

/**
 * The handler for every request outside `/_auth/*` (after `loadConfig`).
 * @returns the origin's answer, a public path's, or the 302 to sign in.
 * @throws {ProxyError} whatever a step refuses with (deny, ambiguous path, cross-site WebSocket,
 * session store or provider down, bad Bearer token, 401, 403, origin down or slow).
 */
export function originPath({ fetch: fetchImpl, verifyToken }: OriginPathOptions) {
  return async function originPath(c: Context<AppEnv>): Promise<Response> {
    matchRoute(c)
    websocketOrigin(c)
    const unprotected = publicAccess(c, fetchImpl)
    if (unprotected) return unprotected
    await resumeSessionOf(c)
    await bearerAuth(c, verifyToken)
    const signIn = requireAuth(c)
    if (signIn) return signIn
    requireAllowed(c)
    const config = c.get('config')
    const target = {
      originUrl: c.get('route')?.originUrl ?? config.originUrl,
      url: c.get('url'),
      path: c.get('path'),
      alsoStrip: config.claimHeaderNames,
    }
    return forwardToOrigin(c.req.raw, target, await upstreamIdentityOf(c), {
      fetch: fetchImpl,
      headerNames: c.get('memory').headerNames,
      timeoutMs: config.originTimeoutMs,
    })
  }
}
