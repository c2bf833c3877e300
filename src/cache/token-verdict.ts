/**
 * @module
 * What the proxy keeps of an introspection answer (RFC 7662 2.2): the {@link TokenVerdict}, how
 * long it is trusted, and whether the token was issued to this proxy's client.
 */
import type { IntrospectionResult } from '../oauth/client'

/** What the proxy keeps of an introspection answer. Times in epoch seconds. */
export interface TokenVerdict {
  v: 1
  /** Only a JSON boolean `active: true`, with `exp` (if any) still ahead, counts (RFC 7662 2.2). */
  active: boolean
  sub?: string
  username?: string
  email?: string
  /** The answer's `email_verified`, when it had one. */
  emailVerified?: boolean
  /** Who the token was issued to: the answer's `client_id`, and its `aud` values. */
  clientId?: string
  aud?: string[]
  /** The answer's `token_type` (e.g. `Bearer`, or `refresh_token` from some providers). */
  tokenType?: string
  exp?: number
  /** Trusted until then. */
  cachedUntil: number
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined)

/**
 * The verdict for an introspection answer at `nowSeconds`.
 * The answer's identity and audience are kept for Bearer checks (RFC 7662 2.2).
 * @returns active only for `active === true` and an `exp` (if present, a number) after now; trusted until
 * `min(now + ttlSeconds, exp)`, or `now + negativeTtlSeconds` when inactive.
 */
export function verdictFrom(
  result: IntrospectionResult,
  nowSeconds: number,
  ttlSeconds: number,
  negativeTtlSeconds: number
): TokenVerdict {
  // An `exp` that is not a number cannot be checked: such a token is not trusted.
  const exp = typeof result.exp === 'number' ? result.exp : undefined
  const expOk = result.exp === undefined || (exp !== undefined && exp > nowSeconds)
  const active = result.active === true && expOk
  if (!active) return { v: 1, active: false, cachedUntil: nowSeconds + negativeTtlSeconds }
  const verdict: TokenVerdict = {
    v: 1,
    active: true,
    cachedUntil: Math.min(nowSeconds + ttlSeconds, exp ?? Infinity),
  }
  const sub = stringOrUndefined(result.sub)
  const username = stringOrUndefined(result.username)
  const email = stringOrUndefined(result.email)
  if (sub !== undefined) verdict.sub = sub
  if (username !== undefined) verdict.username = username
  if (email !== undefined) verdict.email = email
  if (exp !== undefined) verdict.exp = exp
  if (typeof result.email_verified === 'boolean') verdict.emailVerified = result.email_verified
  const clientId = stringOrUndefined(result.client_id)
  if (clientId !== undefined) verdict.clientId = clientId
  const aud =
    typeof result.aud === 'string' ? [result.aud] : Array.isArray(result.aud) ? result.aud : []
  if (aud.length) verdict.aud = aud.filter((a): a is string => typeof a === 'string')
  const tokenType = stringOrUndefined(result.token_type)
  if (tokenType !== undefined) verdict.tokenType = tokenType
  return verdict
}

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
 * The identity claims an active verdict carries, in OpenID Connect's names (`sub`,
 * `preferred_username`, `email`, `email_verified`), for `pickSessionClaims`.
 */
export function verdictClaims(verdict: TokenVerdict): Record<string, unknown> {
  return {
    sub: verdict.sub,
    preferred_username: verdict.username,
    email: verdict.email,
    ...(verdict.emailVerified !== undefined && { email_verified: verdict.emailVerified }),
  }
}

/**
 * The claims of a Bearer request: the verdict's (see {@link verdictClaims}), with userinfo's over
 * them. An email and its `email_verified` always come from the same answer: userinfo's when it
 * names an email (its verification left out means unverified), else the verdict's. Mixing them
 * would let one answer's verification vouch for the other's address.
 */
export function bearerClaims(
  verdict: TokenVerdict,
  userinfo: Record<string, unknown> | undefined
): Record<string, unknown> {
  const claims = { ...verdictClaims(verdict), ...userinfo }
  if (!userinfo) return claims
  if ('email' in userinfo) {
    if (!('email_verified' in userinfo)) delete claims.email_verified
  } else {
    claims.email_verified = verdict.emailVerified
    if (verdict.emailVerified === undefined) delete claims.email_verified
  }
  return claims
}
