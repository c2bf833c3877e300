/**
 * @module
 * Makes a key pair for the signed identity assertion (`X-Auth-Request-Jwt`): an EC P-256 key for
 * ES256 as JWK JSON, its `kid` the RFC 7638 thumbprint. WebCrypto only, so it runs in Node
 * (`scripts/jwt-key.ts`, `npm start`, the bench) and in workerd (tests) alike.
 */

/** A new key: the private JWK for `IDENTITY_JWT_PRIVATE_KEY`, and its public JWK. */
export interface IdentityKeyPair {
  /** JSON text of the private JWK: the secret `IDENTITY_JWT_PRIVATE_KEY`. */
  privateJwk: string
  /** JSON text of the public JWK: `IDENTITY_JWT_PREVIOUS_PUBLIC_KEY` at the next rotation. */
  publicJwk: string
  kid: string
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** Generates a P-256 key pair for ES256. */
export async function generateIdentityKey(): Promise<IdentityKeyPair> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey)
  const { x, y, d } = jwk as { x: string; y: string; d: string }
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const canonical = `{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))
  const kid = base64url(new Uint8Array(digest))
  const publicKey = { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' }
  return {
    privateJwk: JSON.stringify({ ...publicKey, d }),
    publicJwk: JSON.stringify(publicKey),
    kid,
  }
}
