/**
 * @module
 * Sign-out. `GET /_auth/logout` shows a page with a button; `POST /_auth/logout` (from a page of
 * this origin only: utils/same-origin.ts) ends the session: revoke the refresh token, then the
 * access token that are current (RFC 7009, Authing's `revoke_token`; the session's authority,
 * a Durable Object, hands them over as it ends the session everywhere), end it in this isolate at
 * once and in KV, clear the cookie and the browser's cache of this site (`Clear-Site-Data`), then 302 to
 * the provider's sign-out URL (RP-Initiated Logout 1.0, Authing's `build_logout_url`), which
 * comes back to `POST_LOGOUT_REDIRECT_URI` (default: the proxy's own `/_auth/signed-out`).
 */
import type { Context } from 'hono'
import { forgetToken } from '../cache/introspection-cache'
import { ProxyError } from '../errors'
import { log } from '../log'
import { pickLocale } from '../pages/locale'
import { logoutPage, signedOutPage } from '../pages/logout-page'
import { PAGE_SECURITY_HEADERS } from '../pages/page'
import { backgroundOf } from '../helper/background'
import { keepAliveDepsOf } from '../helper/deps'
import { sessionIdOf } from '../helper/session-id'
import { signOutFormHeaders } from '../helper/sign-out-form'
import { accountLabel } from '../session/claims'
import { clearSessionCookie } from '../session/cookie'
import { endSession } from '../session/keep-alive'
import { endAtAuthority, END_ATTEMPTS } from '../session/authority'
import { endLost } from '../session/remembered'
import { getSession, type SessionRecord, type SessionTokens } from '../session/session-store'
import type { AppEnv } from '../types'
import { safeReturnTo } from '../utils/return-to'
import { isSameOriginRequest } from '../utils/same-origin'

/** Where the provider sends the browser after sign-out when nothing else is configured. */
export const SIGNED_OUT_PATH = '/_auth/signed-out'

/**
 * The session a valid cookie names: this isolate's copy, else KV's. `undefined` when KV cannot
 * answer (the cookie may well be live), null when there is none.
 */
async function currentSession(
  c: Context<AppEnv>,
  id: string
): Promise<SessionRecord | null | undefined> {
  const remembered = c.get('memory').sessions.get(id, c.get('clock').nowSeconds())
  return remembered ?? getSession(c.get('config').sessions, id).catch(() => undefined)
}

/**
 * `GET /_auth/logout`: the sign-out page. Changes nothing. A valid cookie whose session KV cannot
 * read right now still gets the button: saying "not signed in" would be false.
 */
export async function logoutForm(c: Context<AppEnv>): Promise<Response> {
  const id = await sessionIdOf(c)
  const session = id ? await currentSession(c, id) : null
  const locale = pickLocale(c.req.header('accept-language'))
  const signedIn = session
    ? { account: accountLabel(session.claims) }
    : session === undefined
      ? {}
      : null
  return c.html(logoutPage(locale, signedIn), 200, {
    'Cache-Control': 'no-store',
    ...(await signOutFormHeaders(c)),
  })
}

/** `GET /_auth/signed-out`: "You are signed out". Changes nothing. */
export function signedOut(c: Context<AppEnv>): Response {
  const locale = pickLocale(c.req.header('accept-language'))
  return c.html(signedOutPage(locale), 200, {
    'Cache-Control': 'no-store',
    ...PAGE_SECURITY_HEADERS,
  })
}

/**
 * Revokes the refresh token, then the access token, and forgets the access token's cached
 * verdict. Failures are logged, never fatal: the local sign-out goes on regardless.
 */
async function revokeTokens(c: Context<AppEnv>, tokens: SessionTokens): Promise<void> {
  const [oauth, memory] = [c.get('oauth'), c.get('memory')]
  memory.verdicts.delete(await forgetToken(tokens.accessToken, memory.tokenHashes))
  const revoke = async (token: string | undefined, hint: 'refresh_token' | 'access_token') => {
    if (!token) return
    try {
      await oauth.revokeToken(token, hint)
    } catch (err) {
      // Best effort by design (RFC 7009 2.2.1: the client cannot do more): logged, and the
      // sign-out goes on.
      log('warn', 'auth.logout.revocation_failed', {
        hint,
        cause: err instanceof Error ? err.message : undefined,
      })
    }
  }
  await revoke(tokens.refreshToken, 'refresh_token')
  await revoke(tokens.accessToken, 'access_token')
}

/**
 * `POST /_auth/logout`. The revocation is awaited (each call bounded by `OAUTH_TIMEOUT_MS`), so
 * that other isolates' introspection sees the tokens inactive; a KV outage does not stop the
 * local sign-out.
 * @throws {ProxyError} `cross_site_request` (403) for a POST that no page of this site sent.
 */
export async function logout(c: Context<AppEnv>): Promise<Response> {
  const url = c.get('url')
  if (!isSameOriginRequest(c.req.raw, url.origin)) throw new ProxyError('cross_site_request')
  const [config, oauth] = [c.get('config'), c.get('oauth')]
  const id = await sessionIdOf(c)
  let session: SessionRecord | null = null
  if (id) {
    session = (await currentSession(c, id)) ?? null
    endSession(id, keepAliveDepsOf(c), 'sign_out', true)
    // The authority ends it everywhere and hands over the tokens that are current now (another
    // isolate may have refreshed them since this copy was read).
    const current = await endAtAuthority(config.authority, id, 'sign_out', 1).catch(
      (err: unknown) => {
        log('error', 'auth.logout.authority_failed', {
          cause: err instanceof Error ? err.message : undefined,
        })
        // Tried again behind the answer, so that the user does not wait on it.
        const rest = END_ATTEMPTS - 1
        backgroundOf(c)(endAtAuthority(config.authority, id, 'sign_out', rest).catch(endLost))
        return {} as { tokens?: SessionTokens }
      }
    )
    const tokens = current.tokens ?? session?.tokens
    if (tokens) await revokeTokens(c, tokens)
    if (current.tokens && session && current.tokens.accessToken !== session.tokens.accessToken) {
      await revokeTokens(c, session.tokens) // this copy's older tokens too: best effort
    }
    log('info', 'auth.logout')
  }
  // Same-origin only, like every return address: anything else comes back to the site's `/`.
  const configured = config.postLogoutRedirectUri?.href
  const after = `${url.origin}${configured ? safeReturnTo(configured, url.origin) : SIGNED_OUT_PATH}`
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
  // The browser drops this site's cookies and cached pages, so the back button shows nothing
  // protected (Clear-Site-Data, W3C; "cookies" covers the registrable domain).
  c.header('Clear-Site-Data', '"cache", "cookies"')
  c.header('Cache-Control', 'no-store')
  return c.redirect(target, 302)
}
