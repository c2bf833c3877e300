/**
 * @module
 * Starting a sign-in, for the login route and for an unauthenticated navigation
 * (middleware/require-auth.ts). Each start makes a fresh `state`, `nonce` and PKCE
 * `code_verifier`, seals them as a login transaction in a cookie named after `state` (so bound to
 * this browser; nothing is written to KV), and 302s to the provider's authorization endpoint.
 */
import type { Context } from 'hono'
import { proxyErrorFromOAuth } from '../errors'
import { log } from '../log'
import { newLoginSecrets } from '../oauth/client'
import { OAuthClientError } from '../oauth/errors'
import { uiLocales } from '../pages/locale'
import { serializeLoginCookies } from '../session/login-cookie'
import type { AppEnv } from '../types'
import { sessionIdOf } from './session-id'

/** The `prompt` values a sign-in link may ask for (OpenID Connect Core 3.1.2.1). */
export const PROMPTS = ['login', 'select_account'] as const
/** One of {@link PROMPTS}. */
export type Prompt = (typeof PROMPTS)[number]

/**
 * Redirects to the authorization endpoint (RFC 6749 4.1.1 with PKCE and, in `oidc` mode, `nonce`,
 * the browser's languages as `ui_locales`, and `prompt` when given).
 * @param returnTo same-origin path and query to come back to.
 * @param prompt `login` (ask for the account again: "use another account") or `select_account`.
 * @throws {ProxyError} `idp_unavailable` / `idp_error` when discovery fails.
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
  const replaces = await sessionIdOf(c)
  const tx = {
    v: 1 as const,
    state: secrets.state,
    codeVerifier: secrets.codeVerifier,
    nonce: secrets.nonce,
    returnTo,
    createdAt: c.get('clock').nowSeconds(),
    ...(replaces && { replaces }),
  }
  log('info', 'auth.login.start', { path: returnTo.split('?')[0] })
  const siteUrl = c.get('url')
  const cookieHeader = c.req.header('cookie') ?? null
  const formPost = config.responseMode === 'form_post'
  const cookies = await serializeLoginCookies(
    tx,
    siteUrl,
    config.cookieSecret,
    cookieHeader,
    formPost,
    c.get('memory').sealKeys
  )
  for (const cookie of cookies) {
    c.header('Set-Cookie', cookie, { append: true })
  }
  c.header('Cache-Control', 'no-store')
  c.set('outcome', 'login_started')
  return c.redirect(authorizeUrl.href, 302)
}
