/**
 * @module
 * The signed identity assertion (`X-Auth-Request-Jwt`, proxy/identity-assertion.ts):
 * `IDENTITY_JWT_PRIVATE_KEY` (required: the assertion is on in every deployment),
 * `IDENTITY_JWT_PREVIOUS_PUBLIC_KEY` (rotation), `IDENTITY_JWT_AUDIENCE`,
 * `IDENTITY_JWT_TTL_SECONDS`. Keys are JWK JSON; a problem never echoes a key member.
 */
import type { AssertionSettings } from '../proxy/identity-assertion'
import {
  parseEcPrivateJwk,
  parseEcPublicJwk,
  type EcPrivateJwk,
  type EcPublicJwk,
} from '../utils/jwk'
import type { RouteRule } from '../access/routes'
import type { SettingReaders } from './readers'

/** Assertions live minutes, not hours: 5 by default, 2 to 60 allowed (re-signed 1 before). */
const DEFAULT_IDENTITY_JWT_TTL_SECONDS = 300
const MIN_IDENTITY_JWT_TTL_SECONDS = 120
const MAX_IDENTITY_JWT_TTL_SECONDS = 3600

/** The assertion's settings, as the configuration holds them. */
export interface AssertionConfig {
  /** Keys, `iss`, `aud` and lifetime of `X-Auth-Request-Jwt`. */
  assertion: AssertionSettings
}

/** Reads the current and the previous key; problems go to `read`. */
function readKeys(read: SettingReaders): {
  signingKey: EcPrivateJwk | undefined
  previousKey: EcPublicJwk | undefined
} {
  const privateText = read.text('IDENTITY_JWT_PRIVATE_KEY')
  let signingKey: EcPrivateJwk | undefined
  if (privateText === undefined) {
    if (!read.failed.has('IDENTITY_JWT_PRIVATE_KEY')) {
      read.problem(
        'IDENTITY_JWT_PRIVATE_KEY is required (make one with `npm run --silent jwt-key`; see docs/origin-trust.md)'
      )
    }
  } else {
    const parsed = parseEcPrivateJwk(privateText, 'IDENTITY_JWT_PRIVATE_KEY')
    if (parsed.problem) read.problem(parsed.problem)
    signingKey = parsed.key
  }
  const previousText = read.text('IDENTITY_JWT_PREVIOUS_PUBLIC_KEY')
  let previousKey: EcPublicJwk | undefined
  if (previousText !== undefined) {
    const parsed = parseEcPublicJwk(previousText, 'IDENTITY_JWT_PREVIOUS_PUBLIC_KEY')
    if (parsed.problem) read.problem(parsed.problem)
    previousKey = parsed.key
    if (previousKey && signingKey && previousKey.kid === signingKey.kid) {
      read.problem('IDENTITY_JWT_PREVIOUS_PUBLIC_KEY must have another "kid" than the current key')
    }
  }
  return { signingKey, previousKey }
}

/**
 * Reads the assertion's settings; problems go to `read`.
 * @param site the site's address (`REDIRECT_URI`): `iss` is its origin.
 * @param originUrl `ORIGIN_URL`: `aud` is its origin unless `IDENTITY_JWT_AUDIENCE` says otherwise.
 */
export function readAssertion(
  read: SettingReaders,
  site: URL | undefined,
  originUrl: URL | undefined
): AssertionConfig {
  const { signingKey, previousKey } = readKeys(read)
  const audience = read.text('IDENTITY_JWT_AUDIENCE')
  const ttlSeconds = read.integer(
    'IDENTITY_JWT_TTL_SECONDS',
    DEFAULT_IDENTITY_JWT_TTL_SECONDS,
    MIN_IDENTITY_JWT_TTL_SECONDS
  )
  if (ttlSeconds > MAX_IDENTITY_JWT_TTL_SECONDS) {
    read.problem(`IDENTITY_JWT_TTL_SECONDS must be at most ${MAX_IDENTITY_JWT_TTL_SECONDS}`)
  }
  return {
    // With a missing key or URL the configuration has problems, and is never used.
    assertion: Object.freeze({
      signingKey: Object.freeze(signingKey!),
      previousKey: previousKey && Object.freeze(previousKey),
      issuer: site?.origin ?? '',
      audience: audience ?? originUrl?.origin ?? '',
      ttlSeconds,
    }),
  }
}

/**
 * The assertion's settings for each rule with its own origin (`ROUTES` `origin`): `aud` is that
 * origin's, unless `IDENTITY_JWT_AUDIENCE` names one audience for all, so an assertion sent to one
 * origin is not one another origin accepts. One frozen object per rule, made once with the
 * configuration (the signing key is imported once per object: proxy/identity-assertion.ts).
 */
export function ruleAssertions(
  read: SettingReaders,
  assertion: AssertionSettings,
  routes: readonly RouteRule[]
): ReadonlyMap<RouteRule, AssertionSettings> {
  const byRule = new Map<RouteRule, AssertionSettings>()
  if (read.text('IDENTITY_JWT_AUDIENCE') !== undefined) return byRule
  for (const rule of routes) {
    if (!rule.originUrl) continue
    byRule.set(rule, Object.freeze({ ...assertion, audience: rule.originUrl.origin }))
  }
  return byRule
}
