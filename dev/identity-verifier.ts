/**
 * @module
 * How an origin checks `X-Auth-Request-Jwt` with npm `jose`: the Node snippet of
 * docs/origin-trust.md, as code the tests run (in workerd) and the demo origin uses (in Node).
 * Copy it into an origin as it is; only `site` and `audience` change.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose'

/** The claims the proxy signs (docs/origin-trust.md). */
export interface IdentityClaims extends JWTPayload {
  sub: string
  email?: string
  email_verified?: true
  preferred_username?: string
  groups?: string[]
}

/** Where the assertions come from. */
export interface IdentityVerifierOptions {
  /** The proxy's site, e.g. `https://app.example.com`: the `iss`, and where the JWK Set is. */
  site: string
  /** The `aud` the proxy signs for: `IDENTITY_JWT_AUDIENCE`, by default this origin's URL origin. */
  audience: string
  /** A JWK Set to use instead of fetching `<site>/_auth/jwks.json` (tests, air-gapped origins). */
  jwks?: JSONWebKeySet
}

/**
 * Makes a verifier. The remote JWK Set is fetched on first use and again on an unknown `kid`
 * (jose caches it and limits refetches), so a key rotation needs nothing at the origin.
 */
export function createIdentityVerifier({ site, audience, jwks }: IdentityVerifierOptions) {
  const issuer = new URL(site).origin
  const keys = jwks
    ? createLocalJWKSet(jwks)
    : createRemoteJWKSet(new URL('/_auth/jwks.json', issuer))
  /**
   * @param assertion the `X-Auth-Request-Jwt` header.
   * @returns the verified claims.
   * @throws when the header is missing, or the signature, `iss`, `aud`, `exp` or `alg` is wrong.
   */
  return async function verifyIdentity(assertion: string | null | undefined) {
    if (!assertion) throw new Error('no X-Auth-Request-Jwt: not a request from the proxy')
    const { payload } = await jwtVerify<IdentityClaims>(assertion, keys, {
      issuer,
      audience,
      algorithms: ['ES256'],
      typ: 'JWT',
      requiredClaims: ['sub', 'iat', 'exp'],
    })
    return payload
  }
}
