/**
 * @module
 * Sign-out. `GET /_auth/logout` shows a page with a button; `POST /_auth/logout` (same-origin
 * only) ends the session: revoke the refresh token, then the access token (RFC 7009, seed
 * `revoke_token`), end the session in this isolate at once and in KV, clear the cookie (and send
 * `Clear-Site-Data: "cookies"`), then 302 to the provider's sign-out URL (seed
 * `build_logout_url`), which comes back to `POST_LOGOUT_REDIRECT_URI` (default: the site's `/`).
 */
import type { Context } from 'hono'
import { forgetToken } from '../cache/introspection-cache'
import { ProxyError } from '../errors'
import { log } from '../log'
import { backgroundOf } from '../middleware/background'
import { logoutPage } from '../pages/logout-page'
import { PAGE_SECURITY_HEADERS } from '../pages/page'
import { clearSessionCookie, readSessionCookie } from '../session/cookie'
import { endSession } from '../session/keep-alive'
import { getSession, type SessionRecord } from '../session/session-store'
import type { AppEnv } from '../types'
import { safeReturnTo } from '../utils/return-to'

/**
 * True when a POST may come from another site: an `Origin` (RFC 6454) other than ours, or a
 * `Sec-Fetch-Site` (Fetch Metadata) other than `same-origin` / `none`. Requests with neither
 * header do not come from a page of another site in a current browser.
 */
export function isCrossSite(request: Request): boolean {
  const origin = request.headers.get('origin')
  if (origin !== null && origin !== new URL(request.url).origin) return true
  const site = request.headers.get('sec-fetch-site')
  return site !== null && site !== 'same-origin' && site !== 'none'
}

/** `GET /_auth/logout`: the sign-out page. Changes nothing. */
export async function logoutForm(c: Context<AppEnv>): Promise<Response> {
  const config = c.get('config')
  const id = await readSessionCookie(
    c.req.header('cookie') ?? null,
    c.get('url'),
    config.cookieSecret
  )
  const session = id ? await getSession(config.sessions, id).catch(() => null) : null
  const who = session?.claims.email ?? session?.claims.preferred_username ?? session?.claims.sub
  return c.html(logoutPage(who), 200, { 'Cache-Control': 'no-store', ...PAGE_SECURITY_HEADERS })
}

/**
 * Revokes the refresh token, then the access token, and forgets the access token's cached
 * verdict. Failures are logged, never fatal: the local sign-out goes on regardless.
 */
async function revokeTokens(c: Context<AppEnv>, session: SessionRecord): Promise<void> {
  const [oauth, state] = [c.get('oauth'), c.get('state')]
  state.verdicts.delete(await forgetToken(session.tokens.accessToken))
  const revoke = async (token: string | undefined, hint: 'refresh_token' | 'access_token') => {
    if (!token) return
    try {
      await oauth.revokeToken(token, hint)
    } catch (err) {
      // Best effort by design (the issue and RFC 7009): logged, and the sign-out goes on.
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
 * `POST /_auth/logout`. The revocation is awaited (each call bounded by `OAUTH_TIMEOUT_MS`), so
 * that other isolates' introspection sees the tokens inactive; a KV outage does not stop the
 * local sign-out.
 * @throws {ProxyError} `cross_site_request` (403) for a POST from another site.
 */
export async function logout(c: Context<AppEnv>): Promise<Response> {
  if (isCrossSite(c.req.raw)) throw new ProxyError('cross_site_request')
  const [config, oauth, state] = [c.get('config'), c.get('oauth'), c.get('state')]
  const url = c.get('url')
  const id = await readSessionCookie(c.req.header('cookie') ?? null, url, config.cookieSecret)
  let session: SessionRecord | null = null
  if (id) {
    session =
      state.sessions.get(id, state.nowSeconds()) ??
      (await getSession(config.sessions, id).catch(() => null))
    endSession(id, { config, oauth, state, background: backgroundOf(c) }, 'sign_out')
    if (session) await revokeTokens(c, session)
    log('info', 'auth.logout')
  }
  // Same-origin only, like every return address: anything else comes back to the site's `/`.
  const after = `${url.origin}${safeReturnTo(config.postLogoutRedirectUri?.href, url.origin)}`
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
  c.header('Set-Cookie', clearSessionCookie(url))
  c.header('Clear-Site-Data', '"cookies"')
  c.header('Cache-Control', 'no-store')
  return c.redirect(target, 302)
}
