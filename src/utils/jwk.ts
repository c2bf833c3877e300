/**
 * @module
 * EC P-256 JSON Web Keys (RFC 7517, RFC 7518 6.2) for the signed identity assertion (ES256): read
 * and checked from a setting, reduced to their public members for a JWK Set, and named by their
 * RFC 7638 thumbprint. Problems name what is wrong, never a key member's value.
 */
import { base64url } from './crypto'

/** A P-256 public key as a JWK Set publishes it. */
export interface EcPublicJwk {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
  /** The key id (`kid` of the JWS header, RFC 7515 4.1.4). */
  kid: string
  alg: 'ES256'
  use: 'sig'
}

/** A P-256 private key: the public members plus `d`. */
export interface EcPrivateJwk extends EcPublicJwk {
  d: string
}

/** A P-256 coordinate or private scalar: 32 bytes, base64url without padding. */
const COORDINATE = /^[A-Za-z0-9_-]{43}$/
/** Printable ASCII without spaces: safe in a JWS header and a log line. */
const KEY_ID = /^[\x21-\x7e]{1,128}$/

/** The result of {@link parseEcJwk}: the key, or one problem (naming `setting`, no value). */
export type ParsedJwk<K> = { key: K; problem?: undefined } | { key?: undefined; problem: string }

/** Reads a private JWK (with `d`) from the JSON text of `setting`. */
export function parseEcPrivateJwk(text: string, setting: string): ParsedJwk<EcPrivateJwk> {
  return parseEcJwk(text, setting, 'private') as ParsedJwk<EcPrivateJwk>
}

/** Reads a public JWK (no `d`: it is published) from the JSON text of `setting`. */
export function parseEcPublicJwk(text: string, setting: string): ParsedJwk<EcPublicJwk> {
  return parseEcJwk(text, setting, 'public')
}

/** Reads a JWK from the JSON text of `setting`, with or without its private member. */
function parseEcJwk(
  text: string,
  setting: string,
  kind: 'private' | 'public'
): ParsedJwk<EcPublicJwk | EcPrivateJwk> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { problem: `${setting} must be a JSON Web Key (JSON text)` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: `${setting} must be a JSON Web Key (a JSON object)` }
  }
  const jwk = value as Record<string, unknown>
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    return { problem: `${setting} must be an EC P-256 key ("kty": "EC", "crv": "P-256")` }
  }
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    return { problem: `${setting} must have the coordinates "x" and "y"` }
  }
  if (!COORDINATE.test(jwk.x) || !COORDINATE.test(jwk.y)) {
    return { problem: `${setting} has malformed coordinates (32 bytes base64url each)` }
  }
  if (typeof jwk.kid !== 'string' || !KEY_ID.test(jwk.kid)) {
    return { problem: `${setting} must have a "kid" (1 to 128 printable ASCII characters)` }
  }
  if (jwk.alg !== undefined && jwk.alg !== 'ES256') {
    return { problem: `${setting} must be for "alg": "ES256"` }
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    return { problem: `${setting} must be for "use": "sig"` }
  }
  const publicKey: EcPublicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: jwk.x,
    y: jwk.y,
    kid: jwk.kid,
    alg: 'ES256',
    use: 'sig',
  }
  if (kind === 'public') {
    if (jwk.d !== undefined) {
      return { problem: `${setting} must be the public key only (no "d"): it is published` }
    }
    return { key: publicKey }
  }
  if (typeof jwk.d !== 'string' || !COORDINATE.test(jwk.d)) {
    return { problem: `${setting} must be a private key ("d", 32 bytes base64url)` }
  }
  return { key: { ...publicKey, d: jwk.d } }
}

/** The public members of a key, as a JWK Set lists them. */
export function publicJwk(key: EcPublicJwk): EcPublicJwk {
  const { kty, crv, x, y, kid, alg, use } = key
  return { kty, crv, x, y, kid, alg, use }
}

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of a P-256 key: a `kid` that names the key itself.
 */
export async function jwkThumbprint(key: { x: string; y: string }): Promise<string> {
  // The required members in lexicographic order, no whitespace (RFC 7638 3.2, 3.3).
  const canonical = `{"crv":"P-256","kty":"EC","x":"${key.x}","y":"${key.y}"}`
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))
  return base64url(new Uint8Array(digest))
}
