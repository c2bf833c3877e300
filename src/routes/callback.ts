/**
 * @module
 * `GET /_auth/callback`: finishes a sign-in. Checks that this browser started it (the login
 * cookie for `state`), takes the login transaction for `state` (one use),
 * checks the authorization response (`state`, RFC 9207 `iss`, `error=`), exchanges the code with
 * the PKCE verifier, validates the ID token (OpenID Connect Core 3.1.3.7), fetches userinfo,
 * stores a new session in KV, sets the session cookie and 302s to the stored return address.
 * Any failure renders a page with a "sign in again" link and creates no session.
 */
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import type { TokenSet } from '../oauth/client'
import { backgroundOf } from '../middleware/background'
import { readSessionCookie, serializeSessionCookie } from '../session/cookie'
import { clearLoginCookie, hasLoginCookie } from '../session/login-cookie'
import { takeLoginTransaction } from '../session/login-transaction'
import { expectedSubject, pickSessionClaims } from '../session/claims'
import { endSession } from '../session/keep-alive'
import {
  createSession,
  freshCheckedUntil,
  toSessionTokens,
  type SessionClaims,
} from '../session/session-store'
import type { AppEnv } from '../types'
import { sha256Hex } from '../utils/crypto'
import { safeReturnTo } from '../utils/return-to'
import { proxyErrorFromOAuth } from './oauth-failure'

/** A form_post answer holds a code, a state and perhaps an `iss`: a few hundred bytes. */
const MAX_CALLBACK_FORM_BYTES = 16 * 1024

/**
 * The body as text, refused once it passes `maxBytes` (read no further).
 * @throws {ProxyError} `invalid_request` when the body is larger.
 */
async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new ProxyError('invalid_request', { description: 'The callback form is too large.' })
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge()
  const reader = request.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

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
  return new URLSearchParams(await readLimitedText(c.req.raw, MAX_CALLBACK_FORM_BYTES))
}

/**
 * `GET /_auth/callback` (and `POST` for form_post) handler.
 * @throws {ProxyError} (rendered by the app's `onError`).
 */
export async function callback(c: Context<AppEnv>): Promise<Response> {
  const [config, oauth] = [c.get('config'), c.get('oauth')]
  const url = c.get('url')
  const params = await responseParams(c, url)

  // Only the browser that started this sign-in may finish it (checked before any KV read).
  const state = params.get('state')
  const cookieHeader = c.req.header('cookie') ?? null
  if (!state || !(await hasLoginCookie(state, url, config.cookieSecret, cookieHeader))) {
    throw new ProxyError('login_state_invalid', { signIn: true })
  }
  c.header('Set-Cookie', clearLoginCookie(state, url), { append: true })

  let tx
  try {
    tx = await takeLoginTransaction(config.sessions, state)
  } catch (err) {
    throw new ProxyError('session_store_unavailable', { cause: err, signIn: true })
  }
  if (!tx) throw new ProxyError('login_state_invalid', { signIn: true })

  let claims: SessionClaims | null
  let tokens: TokenSet
  try {
    const validated = await oauth.validateCallback(params, tx.state)
    tokens = await oauth.getAccessTokenByCode(validated, {
      ...(config.pkce && { codeVerifier: tx.codeVerifier }),
      nonce: tx.nonce,
    })
    const idTokenClaims = tokens.idTokenClaims as Record<string, unknown> | undefined
    const userinfo = await oauth.getUserInfoByAccessToken(
      tokens.access_token,
      expectedSubject(idTokenClaims)
    )
    claims = pickSessionClaims(idTokenClaims, userinfo, config.groupsClaim)
  } catch (err) {
    if (err instanceof OAuthClientError) {
      log('warn', 'auth.callback.failed', {
        endpoint: err.endpoint,
        kind: err.kind,
        status: err.status,
        error: err.error,
      })
      throw proxyErrorFromOAuth(err, tx.returnTo)
    }
    throw err
  }

  if (!claims) {
    throw new ProxyError('idp_error', {
      description: 'The identity provider sent no usable user id.',
      signIn: true,
      returnTo: tx.returnTo,
    })
  }
  const nowSeconds = c.get('state').nowSeconds()
  const sessionTokens = toSessionTokens(tokens, nowSeconds)
  let id: string
  try {
    id = await createSession(
      config.sessions,
      {
        v: 1,
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
      },
      config.sessionMaxAgeSeconds
    )
    // A new sign-in gets a new session; the one this browser had before ends.
    const previous = await readSessionCookie(cookieHeader, url, config.cookieSecret)
    if (previous) {
      endSession(
        previous,
        {
          config,
          oauth,
          state: c.get('state'),
          background: backgroundOf(c),
        },
        'replaced_by_sign_in'
      )
    }
  } catch (err) {
    throw new ProxyError('session_store_unavailable', {
      cause: err,
      signIn: true,
      returnTo: tx.returnTo,
    })
  }
  log('info', 'auth.callback.ok', {
    sub_sha256: (await sha256Hex(claims.sub)).slice(0, 16),
  })
  c.header(
    'Set-Cookie',
    await serializeSessionCookie(id, url, config.cookieSecret, config.sessionMaxAgeSeconds),
    { append: true }
  )
  c.header('Cache-Control', 'no-store')
  // Checked when stored too; checked again here so no stored value can send the user off-site.
  return c.redirect(safeReturnTo(tx.returnTo, url.origin), 302)
}
