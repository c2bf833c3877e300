/**
 * @module
 * The Bearer verifier the app gives middleware/bearer.ts: a token opens the site when the
 * introspection endpoint (RFC 7662, through the cache in cache/introspection-cache.ts) says it is
 * an active access token issued to this proxy's client; the identity comes from the
 * introspection answer (`sub`, `username`, `email`), or from userinfo too with `BEARER_USERINFO`.
 * A token no cache knows is introspected within the `INTROSPECTION_LIMITER` rate limit per
 * client address (`CF-Connecting-IP`; an IPv6 address by its /64); above it, 429 with
 * `Retry-After`.
 */
import type { Context } from 'hono'
import { checkToken, tokenHash } from '../cache/introspection-cache'
import { bearerClaims, isIssuedTo, type TokenVerdict } from '../cache/token-verdict'
import { ProxyError, proxyErrorFromProviderFailure } from '../errors'
import type { SessionClaims } from '../identity'
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import { pickSessionClaims, withRuleClaims } from '../session/claims'
import type { Config } from '../config'
import type { IsolateMemory } from '../isolate-memory'
import type { AppEnv } from '../types'
import { introspectionDepsOf } from './deps'
import { clientLimitKey } from '../utils/client-address'

/** The period of the `INTROSPECTION_LIMITER` binding in wrangler.toml (`simple.period`). */
const LIMIT_PERIOD_SECONDS = 60

/** Provider answers that mean "this is not a token you can use here". */
const NOT_A_TOKEN = new Set(['invalid_token', 'unsupported_token_type', 'invalid_request'])

/**
 * null when a provider failure means the token opens nothing (an OAuth error about the token, or
 * userinfo refusing it).
 * @throws {ProxyError} `idp_unavailable` / `idp_error` for any other provider failure; anything
 * else as it is.
 */
function notAToken(err: unknown): null {
  if (!(err instanceof OAuthClientError)) throw err
  const aboutTheToken = err.endpoint === 'userinfo' || NOT_A_TOKEN.has(err.error ?? '')
  if (err.kind === 'rejected' && aboutTheToken) return null
  throw proxyErrorFromProviderFailure(err)
}

/**
 * Verifies `token` by introspection (and userinfo with `BEARER_USERINFO`, remembered per token
 * for as long as its verdict is trusted).
 * @returns the identity, or null for an inactive, unknown or foreign token, or one without a
 * usable `sub`; always null with `INTROSPECTION=false` (nothing else can vouch for a token).
 * @throws {ProxyError} `idp_unavailable` / `idp_error` when the provider cannot answer.
 */
export async function verifyByIntrospection(
  token: string,
  c: Context<AppEnv>
): Promise<SessionClaims | null> {
  const [config, oauth, memory] = [c.get('config'), c.get('oauth'), c.get('memory')]
  if (!config.introspection) return null
  const nowSeconds = c.get('clock').nowSeconds()
  // Only a token this isolate does not know costs a KV read and perhaps a provider call: that is
  // what a flood of made-up tokens costs, so it is limited per client address (per location, as
  // Cloudflare counts) before either.
  const admit = async () => {
    const limiter = config.introspectionLimiter
    // IPv6 by its /64: one host holds all of it (utils/client-address.ts).
    const key = clientLimitKey(c.req.header('cf-connecting-ip'))
    if (limiter && !(await limiter.limit({ key })).success) {
      throw new ProxyError('rate_limited', {
        headers: { 'Retry-After': String(LIMIT_PERIOD_SECONDS) },
      })
    }
  }
  const introspect = () => oauth.introspectToken(token, 'access_token')
  const verdict = await checkToken(
    token,
    nowSeconds,
    introspectionDepsOf(c),
    introspect,
    admit
  ).catch(notAToken)
  if (!verdict?.active || !isIssuedTo(verdict, config.client.clientId)) return null

  let userinfo: Record<string, unknown> | undefined
  if (config.bearerUserinfo) {
    const hash = await tokenHash(token, memory.tokenHashes)
    userinfo = memory.userinfoClaims.get(hash, nowSeconds)
    if (!userinfo) {
      const answer = await oauth.getUserInfoByAccessToken(token, verdict.sub).catch(notAToken)
      if (!answer) return null
      userinfo = answer
      memory.userinfoClaims.set(hash, userinfo, verdict.cachedUntil)
    }
  }
  const claims = claimsOf(verdict, userinfo, config, memory.bearerIdentities)
  if (!claims) log('warn', 'auth.bearer.no_subject')
  return claims
}

/**
 * The identity of an active verdict (with its userinfo), made once per verdict object, userinfo
 * object and configuration: a busy token's claims (and so its assertion's key) are one object.
 */
function claimsOf(
  verdict: TokenVerdict,
  userinfo: Record<string, unknown> | undefined,
  config: Config,
  made: IsolateMemory['bearerIdentities']
): SessionClaims | null {
  const known = made.get(verdict)
  if (known && known.config === config && known.userinfo === userinfo) return known.claims
  const answer = bearerClaims(verdict, userinfo)
  const extraClaims = config.claimHeaders.map((h) => h.claim)
  const picked = pickSessionClaims(undefined, answer, config.groupsClaim, extraClaims)
  const claims = withRuleClaims(picked, undefined, answer, config.ruleClaimNames)
  made.set(verdict, { config, userinfo, claims })
  return claims
}
