/**
 * @module
 * `GET /_auth/callback` (and `POST` for form_post): finishes a sign-in. Opens the login
 * transaction for `state` from this browser's sealed login cookie (so only the browser that
 * started it can finish it) and clears the cookie (one use),
 * checks the authorization response (`state`, RFC 9207 `iss`, `error=`), exchanges the code with
 * the PKCE verifier, validates the ID token (OpenID Connect Core 3.1.3.7), fetches userinfo,
 * stores a new session in KV, sets the session cookie and 302s to the stored return address.
 * Any failure renders a page with a "sign in again" link and creates no session.
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ProxyError, proxyErrorFromOAuth } from '../errors'
import { backgroundOf } from '../helper/background'
import { keepAliveDepsOf } from '../helper/deps'
import { sessionIdOf } from '../helper/session-id'
import type { SessionClaims } from '../identity'
import { log } from '../log'
import type { TokenSet } from '../oauth/client'
import { OAuthClientError } from '../oauth/errors'
import { expectedSubject, sessionClaimsFrom } from '../session/claims'
import { serializeSessionCookie } from '../session/cookie'
import { endSession } from '../session/keep-alive'
import { clearLoginCookie, openLoginCookie } from '../session/login-cookie'
import type { LoginTransaction } from '../session/login-transaction'
import { authorityFor, endAtAuthority, sidIndexFor, userIndexFor } from '../session/authority'
import { endLost } from '../session/remembered'
import {
  createSession,
  freshCheckedUntil,
  newSessionId,
  toSessionTokens,
} from '../session/session-store'
import type { AppEnv } from '../types'
import { sha256Hex } from '../utils/crypto'
import { safeReturnTo } from '../utils/return-to'

/** A form_post answer holds a code, a state and perhaps an `iss`: a few hundred bytes. */
const MAX_CALLBACK_FORM_BYTES = 16 * 1024

/**
 * Middleware for `POST /_auth/callback`: refuses a body over 16 KiB without reading it to the end
 * (Hono's `bodyLimit`).
 * @throws {ProxyError} `invalid_request` when the body is larger.
 */
export const callbackBodyLimit = bodyLimit({
  maxSize: MAX_CALLBACK_FORM_BYTES,
  onError() {
    throw new ProxyError('invalid_request', { description: 'The callback form is too large.' })
  },
})

/**
 * The authorization response's parameters: the query (response_mode=query), or the POSTed form
 * (response_mode=form_post).
 * @throws {ProxyError} `invalid_request` for a POST body that is not a form.
 */
async function responseParams(c: Context<AppEnv>, url: URL): Promise<URLSearchParams> {
  if (c.req.method !== 'POST') return url.searchParams
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new ProxyError('invalid_request', { description: 'The callback expects a form.' })
  }
  return new URLSearchParams(await c.req.text())
}

/**
 * The provider's part: check the response, exchange the code, fetch userinfo.
 * @returns the tokens and the claims the session keeps (null without a usable `sub`).
 * @throws {ProxyError} for any provider failure (proxyErrorFromOAuth), offering to sign in again.
 */
async function exchangeAtProvider(
  c: Context<AppEnv>,
  params: URLSearchParams,
  tx: LoginTransaction
): Promise<{ tokens: TokenSet; claims: SessionClaims | null }> {
  const [config, oauth] = [c.get('config'), c.get('oauth')]
  try {
    const validated = await oauth.validateCallback(params, tx.state)
    const tokens = await oauth.getAccessTokenByCode(validated, {
      ...(config.pkce && { codeVerifier: tx.codeVerifier }),
      nonce: tx.nonce,
    })
    const idTokenClaims = tokens.idTokenClaims as Record<string, unknown> | undefined
    const userinfo = await oauth.getUserInfoByAccessToken(
      tokens.access_token,
      expectedSubject(idTokenClaims)
    )
    return { tokens, claims: sessionClaimsFrom(idTokenClaims, userinfo, config) }
  } catch (err) {
    if (!(err instanceof OAuthClientError)) throw err
    log('warn', 'auth.callback.failed', {
      endpoint: err.endpoint,
      kind: err.kind,
      status: err.status,
      error: err.error,
    })
    throw proxyErrorFromOAuth(err, tx.returnTo)
  }
}

/**
 * The handler.
 * @throws {ProxyError} (rendered by the app's `onError`).
 */
export async function callback(c: Context<AppEnv>): Promise<Response> {
  const [config, memory] = [c.get('config'), c.get('memory')]
  const url = c.get('url')
  const params = await responseParams(c, url)

  // Only the browser that started this sign-in may finish it: it holds the transaction.
  const state = params.get('state')
  const cookieHeader = c.req.header('cookie') ?? null
  const secret = config.cookieSecret
  const clock = c.get('clock')
  const now = clock.nowSeconds()
  const tx = await openLoginCookie(state, url, secret, cookieHeader, now, memory.sealKeys)
  if (!tx) throw new ProxyError('login_state_invalid', { signIn: true })
  c.header('Set-Cookie', clearLoginCookie(tx.state, url), { append: true })

  const { tokens, claims } = await exchangeAtProvider(c, params, tx)
  if (!claims) {
    throw new ProxyError('idp_error', {
      description: 'The identity provider sent no usable user id.',
      signIn: true,
      returnTo: tx.returnTo,
    })
  }
  // After the token response: `expires_in` counts from its arrival.
  const nowSeconds = clock.nowSeconds()
  const sessionTokens = toSessionTokens(tokens, nowSeconds)
  const record = {
    v: 1 as const,
    claims,
    tokens: sessionTokens,
    createdAt: nowSeconds,
    lastSeenAt: nowSeconds,
    // The token endpoint just issued this token: it is active.
    checkedUntil: freshCheckedUntil(
      nowSeconds,
      config.introspectionCacheTtlSeconds,
      sessionTokens.expiresAt
    ),
  }
  const id = newSessionId()
  try {
    // The authority first: a session it does not know is not live anywhere. The indexes let a
    // back-channel logout or an operator end it (by sid, by user).
    const until = nowSeconds + config.sessionMaxAgeSeconds
    const sid = tokens.idTokenClaims?.sid
    await Promise.all([
      authorityFor(config.authority, id).register({
        until,
        tokens: sessionTokens,
        claims,
        lastSeenAt: nowSeconds,
      }),
      userIndexFor(config.authority, claims.sub).then((index) => index.add(id, until)),
      typeof sid === 'string' &&
        sidIndexFor(config.authority, sid).then((index) => index.add(id, until)),
    ])
    await createSession(config.sessions, record, config.sessionMaxAgeSeconds, id)
  } catch (err) {
    // No cookie will name it: its authority ends it, so no half-made session stays live.
    backgroundOf(c)(endAtAuthority(config.authority, id, 'store_failed').catch(endLost))
    throw new ProxyError('session_store_unavailable', {
      cause: err,
      signIn: true,
      returnTo: tx.returnTo,
    })
  }
  // A new sign-in gets a new session; the one this browser had before ends: the one it had when
  // the sign-in started, and the one its cookie names now (a form_post callback sends none).
  for (const previous of new Set([tx.replaces, await sessionIdOf(c)])) {
    if (previous) endSession(previous, keepAliveDepsOf(c), 'replaced_by_sign_in')
  }

  // The same field as request.done's (middleware/request-log.ts): the first 12 hex digits.
  log('info', 'auth.callback.ok', { sub_hash: (await sha256Hex(claims.sub)).slice(0, 12) })
  const maxAge = config.sessionMaxAgeSeconds
  const cookie = await serializeSessionCookie(id, url, secret, maxAge, memory.hmacKeys)
  c.header('Set-Cookie', cookie, { append: true })
  c.header('Cache-Control', 'no-store')
  // Checked when stored too; checked again here so no stored value can send the user off-site.
  return c.redirect(safeReturnTo(tx.returnTo, url.origin), 302)
}
