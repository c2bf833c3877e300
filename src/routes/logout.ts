/**
 * @module
 * Sign-out. `GET /_auth/logout` shows a page with a button; `POST /_auth/logout` (same-origin
 * only) ends the session: revoke the refresh token, then the access token (RFC 7009, seed
 * `revoke_token`), delete the session from KV and memory, clear the cookie (and send
 * `Clear-Site-Data: "cookies"`), then 302 to the provider's sign-out URL (seed `build_logout_url`)
 * which comes back to `POST_LOGOUT_REDIRECT_URI` (default: the site's `/`).
 */
import type { Context } from 'hono'
import { serialize } from 'hono/utils/cookie'
import { ProxyError } from '../errors'
import { log } from '../log'
import { backgroundOf } from '../middleware/background'
import { PAGE_SECURITY_HEADERS } from '../pages/page'
import { logoutPage } from '../pages/logout-page'
import { readSessionCookie, sessionCookieName } from '../session/cookie'
import { deleteSession, getSession, type SessionRecord } from '../session/session-store'
import type { AppEnv } from '../types'

/**
 * True when a POST may come from another site: an `Origin` other than ours, or
 * `Sec-Fetch-Site` other than `same-origin` / `none` (Fetch Metadata). Requests with neither
 * header do not come from a browser page on another site.
 */
export function isCrossSite(request: Request): boolean {
  const origin = request.headers.get('origin')
  if (origin !== null && origin !== new URL(request.url).origin) return true
  const site = request.headers.get('sec-fetch-site')
  return site !== null && site !== 'same-origin' && site !== 'none'
}

/** `GET /_auth/logout`: the sign-out page. */
export async function logoutForm(c: Context<AppEnv>): Promise<Response> {
  const { config } = c.var
  const id = await readSessionCookie(
    c.req.header('cookie') ?? null,
    new URL(c.req.url),
    config.cookieSecret
  )
  const session = id ? await getSession(config.sessions, id).catch(() => null) : null
  const who = session?.claims.email ?? session?.claims.preferred_username ?? session?.claims.sub
  return c.html(logoutPage(who), 200, { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS })
}

/** Revokes the refresh token, then the access token; failures are logged, never fatal. */
async function revokeTokens(c: Context<AppEnv>, session: SessionRecord): Promise<void> {
  const { oauth } = c.var
  const revoke = async (token: string | undefined, hint: 'refresh_token' | 'access_token') => {
    if (!token) return
    try {
      await oauth.revokeToken(token, hint)
    } catch (err) {
      // Best effort (RFC 7009 is advisory): the local sign-out goes on regardless.
      log('warn', 'auth.logout.revocation_failed', {
        hint,
        cause: err instanceof Error ? err.message : undefined,
      })
    }
  }
  await revoke(session.tokens.refreshToken, 'refresh_token')
  await revoke(session.tokens.accessToken, 'access_token')
}

/**
 * `POST /_auth/logout`.
 * @throws {ProxyError} `cross_site_request` (403) for a POST from another site.
 */
export async function logout(c: Context<AppEnv>): Promise<Response> {
  if (isCrossSite(c.req.raw)) throw new ProxyError('cross_site_request')
  const { config, oauth, state } = c.var
  const url = new URL(c.req.url)
  const id = await readSessionCookie(c.req.header('cookie') ?? null, url, config.cookieSecret)
  let session: SessionRecord | null = null
  if (id) {
    session =
      state.sessions.get(id, state.nowSeconds()) ??
      (await getSession(config.sessions, id).catch(() => null))
    state.sessions.delete(id)
    try {
      await deleteSession(config.sessions, id)
    } catch (err) {
      throw new ProxyError('session_store_unavailable', { cause: err })
    }
    if (session) backgroundOf(c)(revokeTokens(c, session))
    log('info', 'auth.logout')
  }
  const after = config.postLogoutRedirectUri?.href ?? `${url.origin}/`
  let target = after
  try {
    target = (
      await oauth.buildLogoutUrl({
        redirectUri: after,
        ...(session?.tokens.idToken && { idTokenHint: session.tokens.idToken }),
      })
    ).href
  } catch {
    // No end-session endpoint (or the provider is down): the local sign-out is complete anyway.
  }
  c.header(
    'Set-Cookie',
    serialize(sessionCookieName(url), '', {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: 0,
      secure: url.protocol === 'https:',
    })
  )
  c.header('Clear-Site-Data', '"cookies"')
  c.header('Cache-Control', 'no-store')
  return c.redirect(target, 302)
}

/** `GET /_auth/userinfo`: the signed-in user's claims as JSON (never tokens); 401 otherwise. */
export function userinfo(c: Context<AppEnv>): Response {
  if (!c.var.identity) throw new ProxyError('unauthenticated')
  return c.json(c.var.identity, 200, { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS })
}
