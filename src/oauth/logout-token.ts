/**
 * @module
 * OpenID Connect Back-Channel Logout 1.0, section 2.6: validating a `logout_token` the provider
 * POSTs to the proxy. The signature as for ID tokens (oauth/id-token-signature.ts), then the
 * claims: `iss` is the provider, `aud` names this client, `iat` is neither in the future nor old,
 * `exp` (if any) not past, `jti` present, `events` holds the back-channel logout event, `nonce`
 * absent, and `sub` or `sid` present.
 */
import type * as oauth from 'oauth4webapi'
import { OAuthClientError } from './errors'
import { isFromTheFuture, verifyJwtSignature, type JwksCache } from './id-token-signature'
import type { OAuthClientOptions } from './options'

/** The event a logout token must carry (section 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
/** A logout token older than this is refused (section 2.6 step 6 lets the RP choose). */
const MAX_AGE_SECONDS = 300

/** Whose sessions a valid logout token ends: those of `sid` when present, else all of `sub`'s. */
export interface LogoutSubject {
  sub?: string
  sid?: string
}

const invalid = (message: string, cause?: unknown) =>
  new OAuthClientError('backchannel_logout', 'invalid_response', {
    errorDescription: message,
    cause,
  })

/**
 * Validates `logoutToken` (section 2.6).
 * @throws {OAuthClientError} endpoint `backchannel_logout`: `invalid_response` naming the first
 * check that failed; `unavailable` when the key set cannot be fetched.
 */
export async function validateLogoutToken(
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  logoutToken: string,
  jwks: JwksCache
): Promise<LogoutSubject> {
  let claims: Record<string, unknown>
  try {
    claims = await verifyJwtSignature(logoutToken, as, options, jwks)
  } catch (err) {
    if (err instanceof OAuthClientError && err.kind === 'unavailable') throw err
    throw invalid('the logout token signature does not verify', err)
  }
  const now = Date.now() / 1000
  const aud = typeof claims.aud === 'string' ? [claims.aud] : claims.aud
  if (claims.iss !== as.issuer) throw invalid('iss is not the provider')
  if (!Array.isArray(aud) || !aud.includes(options.clientId))
    throw invalid('aud is not this client')
  if (typeof claims.iat !== 'number' || isFromTheFuture(claims.iat)) throw invalid('bad iat')
  if (claims.iat < now - MAX_AGE_SECONDS) throw invalid('the logout token is too old')
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= now)) {
    throw invalid('the logout token has expired')
  }
  if (typeof claims.jti !== 'string' || !claims.jti) throw invalid('jti is missing')
  const events = claims.events as Record<string, unknown> | undefined
  const event = events && typeof events === 'object' ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined
  if (!event || typeof event !== 'object')
    throw invalid('events lacks the back-channel logout event')
  if ('nonce' in claims) throw invalid('a logout token must not have a nonce')
  const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined
  const sid = typeof claims.sid === 'string' && claims.sid ? claims.sid : undefined
  if (!sub && !sid) throw invalid('neither sub nor sid')
  return { ...(sub && { sub }), ...(sid && { sid }) }
}
