/**
 * @module
 * `GET /_auth/jwks.json`: the JWK Set (RFC 7517 5) the origin verifies `X-Auth-Request-Jwt` with:
 * the current public key, then the previous one while a rotation is under way. Public keys only;
 * no sign-in needed. Cacheable for five minutes: verifiers (jose's `createRemoteJWKSet`) fetch it
 * again on an unknown `kid`, and a rotation keeps the previous key listed for longer than that.
 */
import type { Context } from 'hono'
import { publicJwks } from '../proxy/identity-assertion'
import type { AppEnv } from '../types'

/** How long the JWK Set may be cached, in seconds. */
const JWKS_MAX_AGE_SECONDS = 300

/** The handler. */
export function jwks(c: Context<AppEnv>): Response {
  return c.json(publicJwks(c.get('config').assertion), 200, {
    'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
    'X-Content-Type-Options': 'nosniff',
  })
}
