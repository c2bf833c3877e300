/**
 * @module
 * The signed identity assertion: a JWT (RFC 7519) in `X-Auth-Request-Jwt` on every request
 * forwarded with an identity, so the origin can tell the proxy's requests from anyone else's (as
 * Cloudflare Access's `Cf-Access-Jwt-Assertion` and Pomerium's `X-Pomerium-Jwt-Assertion` do).
 * A compact JWS (RFC 7515) with ES256 (ECDSA P-256 SHA-256, RFC 7518 3.4) made with WebCrypto;
 * the public keys are at `GET /_auth/jwks.json` (routes/jwks.ts). See docs/origin-trust.md.
 *
 * Claims: `iss` (the site's origin), `aud`, `sub`, `email` and `email_verified: true` only when
 * the provider said the address is verified, `preferred_username`, `groups`, `iat`, `exp`.
 * Never a token. Signing happens once per identity and isolate until the assertion is within
 * {@link REISSUE_BEFORE_EXPIRY_SECONDS} of expiring: at steady state a request costs a map
 * lookup, no signature.
 */
import type { MemoryCache } from '../cache/memory-cache'
import type { SessionClaims } from '../identity'
import { base64url } from '../utils/crypto'
import { publicJwk, type EcPrivateJwk, type EcPublicJwk } from '../utils/jwk'

/** The header that carries the assertion. */
export const ASSERTION_HEADER = 'X-Auth-Request-Jwt'
/**
 * An assertion is re-signed when less than this is left of it (seconds): the origin always gets
 * one with at least a minute to go, which absorbs its clock being a little ahead.
 */
export const REISSUE_BEFORE_EXPIRY_SECONDS = 60
/** Assertions (with their key) longer than this are signed per request, not kept. */
const MAX_CACHED_ASSERTION_CHARS = 4096

/** What signing needs (config.ts reads it from `IDENTITY_JWT_*`). */
export interface AssertionSettings {
  /** The current key: signs, and is listed first in the JWK Set. */
  signingKey: EcPrivateJwk
  /** The previous public key (rotation), listed after the current one. */
  previousKey: EcPublicJwk | undefined
  /** `iss`: the site's origin (`REDIRECT_URI`'s). */
  issuer: string
  /** `aud`: `IDENTITY_JWT_AUDIENCE`, by default the origin of `ORIGIN_URL`. */
  audience: string
  /** `exp - iat`, in seconds. */
  ttlSeconds: number
}

/** The isolate memory signing uses. */
export interface AssertionMemory {
  /** Signed assertions by key id, `iss`, `aud`, lifetime and identity, until due for re-signing. */
  assertions: MemoryCache<string>
  /** The imported signing key per settings object (so once per configuration and isolate). */
  signingKeys: WeakMap<AssertionSettings, Promise<CryptoKey>>
  /**
   * The key in `assertions` per claims object (a session's claims stay one object until they
   * change) and the settings it was made for: no JSON of the identity per request. Without it,
   * the key is made every time.
   */
  assertionKeys?: WeakMap<SessionClaims, { settings: AssertionSettings; key: string }>
}

/** The key of `claims` in `assertions`: everything the assertion depends on but the clock. */
function assertionKey(
  claims: SessionClaims,
  settings: AssertionSettings,
  memory: AssertionMemory
): string {
  const known = memory.assertionKeys?.get(claims)
  if (known?.settings === settings) return known.key
  // An isolate may serve several configurations: the key names the key id, iss, aud and lifetime.
  const { issuer, audience, ttlSeconds } = settings
  const identity = JSON.stringify(identityClaims(claims))
  const key = `${settings.signingKey.kid}\n${issuer}\n${audience}\n${ttlSeconds}\n${identity}`
  memory.assertionKeys?.set(claims, { settings, key })
  return key
}

/** The claims of an assertion (RFC 7519 4.1; OpenID Connect Core 5.1 for the identity ones). */
export interface AssertionClaims {
  iss: string
  aud: string
  sub: string
  email?: string
  email_verified?: true
  preferred_username?: string
  groups?: string[]
  /** Epoch seconds. */
  iat: number
  /** Epoch seconds. */
  exp: number
}

/** The identity part of the claims, in a fixed order (also the cache key). */
function identityClaims(claims: SessionClaims) {
  return {
    sub: claims.sub,
    ...(claims.email &&
      claims.email_verified === true && {
        email: claims.email,
        email_verified: true as const,
      }),
    ...(claims.preferred_username && { preferred_username: claims.preferred_username }),
    ...(claims.groups?.length && { groups: claims.groups }),
  }
}

/** The claims for `claims`, issued at `nowSeconds`. */
export function assertionClaims(
  claims: SessionClaims,
  settings: AssertionSettings,
  nowSeconds: number
): AssertionClaims {
  return {
    iss: settings.issuer,
    aud: settings.audience,
    ...identityClaims(claims),
    iat: nowSeconds,
    exp: nowSeconds + settings.ttlSeconds,
  }
}

const encoder = new TextEncoder()
const encodeJson = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)))

/** Imports the private key for signing (non-extractable). */
export function importSigningKey(jwk: EcPrivateJwk): Promise<CryptoKey> {
  const { kty, crv, x, y, d } = jwk
  return crypto.subtle.importKey(
    'jwk',
    { kty, crv, x, y, d },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign']
  )
}

/**
 * Signs `claims` as a compact JWS with ES256 (WebCrypto's ECDSA signature is the IEEE P1363
 * `r || s` that JWS wants, RFC 7518 3.4). UTF-8 JSON, so non-ASCII values travel as they are.
 */
export async function signAssertion(
  claims: AssertionClaims,
  kid: string,
  key: CryptoKey
): Promise<string> {
  const signingInput = `${encodeJson({ alg: 'ES256', kid, typ: 'JWT' })}.${encodeJson(claims)}`
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    encoder.encode(signingInput)
  )
  return `${signingInput}.${base64url(new Uint8Array(signature))}`
}

/**
 * The assertion for `claims`: the one kept for this identity while it has more than
 * {@link REISSUE_BEFORE_EXPIRY_SECONDS} left, else a new one (kept when small enough).
 * @throws when the signing key does not import (a point not on the curve): a configuration error.
 */
export async function identityAssertion(
  claims: SessionClaims,
  settings: AssertionSettings,
  memory: AssertionMemory,
  nowSeconds: number
): Promise<string> {
  const { kid } = settings.signingKey
  const cacheKey = assertionKey(claims, settings, memory)
  const kept = memory.assertions.get(cacheKey, nowSeconds)
  if (kept !== undefined) return kept
  let key = memory.signingKeys.get(settings)
  if (!key) {
    key = importSigningKey(settings.signingKey)
    memory.signingKeys.set(settings, key)
  }
  const payload = assertionClaims(claims, settings, nowSeconds)
  const assertion = await signAssertion(payload, kid, await key)
  if (cacheKey.length + assertion.length <= MAX_CACHED_ASSERTION_CHARS) {
    memory.assertions.set(cacheKey, assertion, payload.exp - REISSUE_BEFORE_EXPIRY_SECONDS)
  }
  return assertion
}

/** The JWK Set (RFC 7517 5) the origin verifies with: the current key, then the previous one. */
export function publicJwks(settings: AssertionSettings): { keys: EcPublicJwk[] } {
  const keys = [publicJwk(settings.signingKey)]
  if (settings.previousKey) keys.push(publicJwk(settings.previousKey))
  return { keys }
}
