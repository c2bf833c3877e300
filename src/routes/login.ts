/**
 * @module
 * Starting a sign-in: `GET /_auth/login?rd=/path`, and the redirect for an unauthenticated
 * navigation. Each start makes a fresh `state`, `nonce` and PKCE `code_verifier`, stores them as a
 * login transaction keyed by `state`, binds it to this browser with a cookie, and 302s to the
 * provider's authorization endpoint.
 */
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import { log } from '../log'
import { newLoginSecrets } from '../oauth/client'
import { OAuthClientError } from '../oauth/errors'
import { serializeLoginCookies } from '../session/login-cookie'
import { saveLoginTransaction } from '../session/login-transaction'
import { uiLocales } from '../pages/locale'
import type { AppEnv } from '../types'
import { safeReturnTo } from '../utils/return-to'
import { proxyErrorFromOAuth } from './oauth-failure'

/** The `prompt` values a sign-in link may ask for (OpenID Connect Core 3.1.2.1). */
const PROMPTS = ['login', 'select_account'] as const
type Prompt = (typeof PROMPTS)[number]

/**
 * Redirects to the authorization endpoint (RFC 6749 4.1.1 with PKCE and, in `oidc` mode, `nonce`,
 * the browser's languages as `ui_locales`, and `prompt` when given).
 * @param returnTo same-origin path and query to come back to.
 * @param prompt `login` (ask for the account again: "use another account") or `select_account`.
 * @throws {ProxyError} `idp_unavailable` / `idp_error` when discovery fails,
 * `session_store_unavailable` when the transaction cannot be stored.
 */
export async function startLogin(
  c: Context<AppEnv>,
  returnTo: string,
  prompt?: Prompt
): Promise<Response> {
  const [config, oauth] = [c.get('config'), c.get('oauth')]
  const secrets = await newLoginSecrets()
  const languages = uiLocales(c.req.header('accept-language'))
  let authorizeUrl: URL
  try {
    authorizeUrl = await oauth.buildAuthorizeUrl({
      state: secrets.state,
      nonce: secrets.nonce,
      responseMode: config.responseMode,
      ...(prompt && { prompt }),
      ...(languages && { uiLocales: languages }),
      ...(config.pkce && { codeChallenge: secrets.codeChallenge }),
    })
  } catch (err) {
    if (err instanceof OAuthClientError) throw proxyErrorFromOAuth(err, returnTo)
    throw err
  }
  try {
    await saveLoginTransaction(config.sessions, {
      v: 1,
      state: secrets.state,
      codeVerifier: secrets.codeVerifier,
      nonce: secrets.nonce,
      returnTo,
      createdAt: Math.floor(Date.now() / 1000),
    })
  } catch (err) {
    throw new ProxyError('session_store_unavailable', { cause: err })
  }
  log('info', 'auth.login.start', { path: returnTo.split('?')[0] })
  const siteUrl = c.get('url')
  const cookieHeader = c.req.header('cookie') ?? null
  const formPost = config.responseMode === 'form_post'
  const cookies = await serializeLoginCookies(
    secrets.state,
    siteUrl,
    config.cookieSecret,
    cookieHeader,
    formPost
  )
  for (const cookie of cookies) {
    c.header('Set-Cookie', cookie, { append: true })
  }
  c.header('Cache-Control', 'no-store')
  return c.redirect(authorizeUrl.href, 302)
}

/**
 * `GET /_auth/login?rd=...[&prompt=login]`: starts a sign-in that returns to `rd` (same-origin
 * only, else `/`).
 * @throws {ProxyError} `invalid_request` for a `prompt` other than `login` or `select_account`.
 */
export function login(c: Context<AppEnv>): Promise<Response> {
  const url = c.get('url')
  const prompt = url.searchParams.get('prompt')
  if (prompt !== null && !PROMPTS.includes(prompt as Prompt)) {
    throw new ProxyError('invalid_request', {
      description: 'prompt must be login or select_account.',
    })
  }
  return startLogin(
    c,
    safeReturnTo(url.searchParams.get('rd'), url.origin),
    (prompt as Prompt | null) ?? undefined
  )
}
