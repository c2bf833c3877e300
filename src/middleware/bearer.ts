/**
 * @module
 * Bearer tokens for APIs (RFC 6750), in the manner of Hono's `bearer-auth`: this middleware only
 * parses the `Authorization` header, sends the RFC 6750 challenges, and asks the injected
 * `verifyToken` who the token stands for (the app gives it helper/verify-bearer.ts). It acts on
 * a request without a session only; the `Authorization` header goes on unchanged.
 */
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import type { SessionClaims } from '../identity'
import type { AppEnv } from '../types'

/** RFC 6750 2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
/** Longer values are not tokens anyone issued; refused before any provider call. */
const MAX_TOKEN_LENGTH = 4096

const challenge = (error: 'invalid_request' | 'invalid_token') => ({
  'WWW-Authenticate': `Bearer error="${error}"`,
})

/**
 * Who a well-formed Bearer token stands for.
 * @returns the identity, or null for a token that opens nothing (a 401 `invalid_token`).
 * @throws {ProxyError} when it cannot tell (e.g. `idp_unavailable`).
 */
export type VerifyToken = (token: string, c: Context<AppEnv>) => Promise<SessionClaims | null>

/**
 * Step of the origin path (middleware/origin-path.ts): for a request without a session that
 * carries a Bearer token, sets `identity` (and `accessToken`).
 * @throws {ProxyError} 400 `invalid_request` with `WWW-Authenticate: Bearer error="invalid_request"`
 * for a malformed header; 401 `unauthenticated` with `WWW-Authenticate: Bearer
 * error="invalid_token"` (RFC 6750 3.1) when `verifyToken` gives null; whatever it throws.
 */
export async function bearerAuth(c: Context<AppEnv>, verifyToken: VerifyToken): Promise<void> {
  const header = c.req.header('authorization')
  if (c.get('identity') || !header || !/^bearer(\s|$)/i.test(header)) return
  const token = header.slice('bearer'.length).trim()
  if (token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    throw new ProxyError('invalid_request', {
      description: 'The Authorization header is not a valid Bearer token.',
      headers: challenge('invalid_request'),
    })
  }
  const identity = await verifyToken(token, c)
  if (!identity) {
    throw new ProxyError('unauthenticated', {
      description: 'The Bearer token is not active.',
      headers: challenge('invalid_token'),
    })
  }
  c.set('identity', identity)
  c.set('accessToken', token)
}
