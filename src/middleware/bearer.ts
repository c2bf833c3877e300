/**
 * @module
 * Bearer tokens for APIs (RFC 6750): a request with `Authorization: Bearer <token>` and no session
 * is checked by cached introspection (RFC 7662) and, when active and issued to this proxy's
 * client, goes on with the identity from the introspection answer (`sub`, `username`, `email`),
 * or from userinfo too with `BEARER_USERINFO`. The `Authorization` header goes on unchanged.
 */
import { createMiddleware } from 'hono/factory'
import { checkToken, tokenHash, type TokenVerdict } from '../cache/introspection-cache'
import { MemoryCache } from '../cache/memory-cache'
import { ProxyError } from '../errors'
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import { proxyErrorFromProviderFailure } from '../routes/oauth-failure'
import { pickSessionClaims } from '../session/claims'
import { introspectionDeps } from '../session/keep-alive'
import type { SessionClaims } from '../session/session-store'
import type { AppEnv } from '../types'
import { backgroundOf } from './background'

/** RFC 6750 2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
/** Longer values are not tokens anyone issued; refused before any provider call. */
const MAX_TOKEN_LENGTH = 4096
/** Provider answers that mean "this is not a token you can use here". */
const NOT_A_TOKEN = new Set(['invalid_token', 'unsupported_token_type', 'invalid_request'])

const challenge = (error: 'invalid_request' | 'invalid_token') => ({
  'WWW-Authenticate': `Bearer error="${error}"`,
})

/** 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 3.1). */
const invalidToken = () =>
  new ProxyError('unauthenticated', {
    description: 'The Bearer token is not active.',
    headers: challenge('invalid_token'),
  })

/**
 * True when the verdict says the token is an access token issued to `clientId`: its `client_id`
 * or `aud` names this client, and its `token_type` is `Bearer` (RFC 7662 2.2; providers leave it
 * out for refresh tokens, which must not open the site). Tokens of other applications at the same
 * provider do not get in.
 */
export function isIssuedTo(verdict: TokenVerdict, clientId: string): boolean {
  const audience = verdict.clientId === clientId || (verdict.aud ?? []).includes(clientId)
  return audience && verdict.tokenType?.toLowerCase() === 'bearer'
}

/**
 * Middleware: for a request without a session that carries a Bearer token, sets `identity`.
 * @throws {ProxyError} 400 `invalid_request` for a malformed header; 401 `unauthenticated` with
 * `WWW-Authenticate: Bearer error="invalid_token"` for an inactive, unknown or foreign token;
 * `idp_unavailable` / `idp_error` when the provider cannot answer.
 */
export function checkBearer() {
  // Userinfo claims per token hash, for as long as the token's verdict is trusted.
  const userinfoClaims = new MemoryCache<Record<string, unknown>>(10_000)
  return createMiddleware<AppEnv>(async function checkBearer(c, next) {
    const header = c.req.header('authorization')
    if (c.get('identity') || !header || !/^bearer(\s|$)/i.test(header)) return next()
    const token = header.slice('bearer'.length).trim()
    if (token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
      throw new ProxyError('invalid_request', {
        description: 'The Authorization header is not a valid Bearer token.',
        headers: challenge('invalid_request'),
      })
    }
    const [config, oauth, state] = [c.get('config'), c.get('oauth'), c.get('state')]
    if (!config.introspection) throw invalidToken()
    const nowSeconds = state.nowSeconds()
    let claims: SessionClaims | null
    try {
      const verdict = await checkToken(
        token,
        nowSeconds,
        introspectionDeps(config, state, backgroundOf(c)),
        () => oauth.introspectToken(token, 'access_token')
      )
      if (!verdict.active || !isIssuedTo(verdict, config.clientId)) throw invalidToken()
      const fromIntrospection = {
        sub: verdict.sub,
        preferred_username: verdict.username,
        email: verdict.email,
        ...(verdict.emailVerified !== undefined && { email_verified: verdict.emailVerified }),
      }
      let userinfo: Record<string, unknown> | undefined
      if (config.bearerUserinfo) {
        const hash = await tokenHash(token)
        userinfo = userinfoClaims.get(hash, nowSeconds)
        if (!userinfo) {
          userinfo = await oauth.getUserInfoByAccessToken(token, verdict.sub)
          userinfoClaims.set(hash, userinfo, verdict.cachedUntil)
        }
      }
      claims = pickSessionClaims(
        undefined,
        { ...fromIntrospection, ...userinfo },
        config.groupsClaim
      )
    } catch (err) {
      if (err instanceof OAuthClientError) {
        if (
          err.kind === 'rejected' &&
          (err.endpoint === 'userinfo' || NOT_A_TOKEN.has(err.error ?? ''))
        ) {
          throw invalidToken()
        }
        throw proxyErrorFromProviderFailure(err)
      }
      throw err
    }
    if (!claims) {
      log('warn', 'auth.bearer.no_subject')
      throw invalidToken()
    }
    c.set('identity', claims)
    await next()
  })
}
