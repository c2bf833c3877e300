/**
 * @module
 * Bearer tokens for APIs (RFC 6750): a request with `Authorization: Bearer <token>` and no session
 * is checked by cached introspection (RFC 7662) and, when active, goes on with the identity from
 * the introspection answer (`sub`, `username`, `email`), or from userinfo with `BEARER_USERINFO`.
 * The `Authorization` header itself goes on to the origin unchanged.
 */
import { createMiddleware } from 'hono/factory'
import { checkToken } from '../cache/introspection-cache'
import { ProxyError } from '../errors'
import { OAuthClientError } from '../oauth/errors'
import { pickSessionClaims } from '../session/claims'
import type { AppEnv } from '../types'
import { backgroundOf } from './background'

/** RFC 6750 2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

const challenge = (error: 'invalid_request' | 'invalid_token') => ({
  'WWW-Authenticate': `Bearer error="${error}"`,
})

/**
 * Middleware: for a request without a session that carries a Bearer token, sets `identity`.
 * @throws {ProxyError} 400 `invalid_request` for a malformed header, 401 `unauthenticated` with
 * `WWW-Authenticate: Bearer error="invalid_token"` for an inactive or unknown token,
 * `idp_unavailable` / `idp_error` when the provider cannot answer.
 */
export const checkBearer = createMiddleware<AppEnv>(async function checkBearer(c, next) {
  const header = c.req.header('authorization')
  if (c.var.identity || !header || !/^bearer(\s|$)/i.test(header)) return next()
  const token = header.slice('bearer'.length).trim()
  if (!B64TOKEN.test(token)) {
    throw new ProxyError('invalid_request', {
      description: 'The Authorization header is not a valid Bearer token.',
      headers: challenge('invalid_request'),
    })
  }
  const { config, oauth, state } = c.var
  const invalid = () =>
    new ProxyError('unauthenticated', {
      description: 'The Bearer token is not active.',
      headers: challenge('invalid_token'),
    })
  if (!config.introspection) throw invalid()
  let claims
  try {
    const verdict = await checkToken(
      token,
      state.nowSeconds(),
      {
        kv: config.sessions,
        memory: state.verdicts,
        flights: state.introspections,
        ttlSeconds: config.introspectionCacheTtlSeconds,
        negativeTtlSeconds: config.introspectionNegativeTtlSeconds,
        background: backgroundOf(c),
      },
      () => oauth.introspectToken(token, 'access_token')
    )
    if (!verdict.active) throw invalid()
    const fromIntrospection = {
      sub: verdict.sub,
      preferred_username: verdict.username,
      email: verdict.email,
    }
    const userinfo = config.bearerUserinfo
      ? await oauth.getUserInfoByAccessToken(token, verdict.sub)
      : undefined
    claims = pickSessionClaims(undefined, { ...fromIntrospection, ...userinfo })
  } catch (err) {
    if (err instanceof OAuthClientError) {
      if (err.kind === 'rejected' && err.endpoint === 'userinfo') throw invalid()
      throw new ProxyError(err.kind === 'unavailable' ? 'idp_unavailable' : 'idp_error', {
        cause: err,
      })
    }
    throw err
  }
  c.set('identity', claims)
  await next()
})
