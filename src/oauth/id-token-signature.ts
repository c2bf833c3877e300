/**
 * @module
 * The ID token's signature (OpenID Connect Core 3.1.3.7 steps 6-8; 10.1): oauth4webapi checks
 * the claims (`iss`, `aud`, `exp`, `nonce`, `azp`, the `alg` against the provider's metadata) but
 * not the signature, nor an `iat` in the future. This step checks both: an asymmetric `alg` with
 * the provider's JWKS (`jwks_uri`), fetched once and kept per isolate in the {@link JwksCache},
 * fetched again for an unknown `kid` at most once a minute; `HS256`/`HS384`/`HS512` with the
 * octets of the client secret (Authing's default).
 */
import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
} from 'jose'
import type * as oauth from 'oauth4webapi'
import { OAuthClientError } from './errors'
import type { OAuthClientOptions } from './options'

/** A provider's key set, when it was fetched (epoch ms), and whether that fetch failed. */
interface JwksEntry {
  keys: Promise<JSONWebKeySet>
  fetchedAt: number
  failed?: true
}

/** The provider's key sets, by `jwks_uri`. */
export type JwksCache = Map<string, JwksEntry>

/** An unknown `kid` fetches the key set again, but not more often than this. */
const JWKS_REFETCH_MS = 60_000
/** After a failed fetch, the next one waits this long (a sign-in in between fails with 503). */
const JWKS_FAILURE_RETRY_MS = 10_000
/** How far in the future an `iat` may be (the provider's clock may run ahead a little). */
const IAT_SKEW_SECONDS = 60
/** A key set larger than this is not one (the bound on what an isolate keeps). */
const MAX_JWKS_BYTES = 64 * 1024

const refused = (message: string, cause?: unknown) =>
  new OAuthClientError('token', 'invalid_response', { errorDescription: message, cause })

async function fetchJwks(url: string, options: OAuthClientOptions): Promise<JSONWebKeySet> {
  let res: Response
  try {
    res = await (options.fetch ?? fetch)(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    })
  } catch (err) {
    throw new OAuthClientError('token', 'unavailable', { cause: err })
  }
  if (!res.ok) throw new OAuthClientError('token', 'unavailable', { status: res.status })
  const text = await res.text()
  if (text.length > MAX_JWKS_BYTES) throw refused('the key set is too large')
  const body = JSON.parse(text) as JSONWebKeySet
  if (!Array.isArray(body?.keys)) throw refused('the jwks_uri answer is not a key set')
  return body
}

/**
 * The key set at `url`, from `cache` unless `refetch` asks for a fresh one (and a minute has
 * passed). A failed fetch is kept for {@link JWKS_FAILURE_RETRY_MS} (anyone can POST a logout
 * token with an unknown `kid`: each must not become a provider call); a failed refetch keeps the
 * key set known before it.
 */
function jwksFor(
  url: string,
  options: OAuthClientOptions,
  cache: JwksCache,
  refetch: boolean
): Promise<JSONWebKeySet> {
  const known = cache.get(url)
  const now = Date.now()
  if (known?.failed && now - known.fetchedAt < JWKS_FAILURE_RETRY_MS) return known.keys
  if (known && !known.failed && !(refetch && now - known.fetchedAt >= JWKS_REFETCH_MS)) {
    return known.keys
  }
  const previous = known && !known.failed ? known.keys : undefined
  const keys = fetchJwks(url, options)
  const entry: JwksEntry = { keys, fetchedAt: now }
  cache.set(url, entry)
  keys.catch(() => {
    if (cache.get(url) !== entry) return
    cache.set(url, previous ? { keys: previous, fetchedAt: now } : { ...entry, failed: true })
  })
  return keys
}

/**
 * Verifies the signature of a JWT from the provider (an ID token, a logout token): an asymmetric
 * `alg` with the provider's key set, `HS*` with the client secret. Nothing else is checked.
 * @returns the payload (a JSON object).
 * @throws {OAuthClientError} for `endpoint`: `invalid_response` for a bad signature, an unknown
 * key or a missing `jwks_uri`; `unavailable` when the key set cannot be fetched.
 */
export async function verifyJwtSignature(
  jwt: string,
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  cache: JwksCache
): Promise<Record<string, unknown>> {
  let alg: string | undefined
  try {
    alg = decodeProtectedHeader(jwt).alg
  } catch (err) {
    throw refused('the JWT has no readable header', err)
  }
  let payloadBytes: Uint8Array
  try {
    if (alg?.startsWith('HS')) {
      if (!options.clientSecret) throw refused('an HS-signed JWT needs the client secret')
      const key = new TextEncoder().encode(options.clientSecret)
      payloadBytes = (await compactVerify(jwt, key, { algorithms: [alg] })).payload
    } else {
      if (!as.jwks_uri) throw refused('the provider publishes no jwks_uri')
      const verify = async (refetch: boolean) =>
        compactVerify(jwt, createLocalJWKSet(await jwksFor(as.jwks_uri!, options, cache, refetch)))
      const result = await verify(false).catch((err: unknown) => {
        if (err instanceof errors.JWKSNoMatchingKey) return verify(true)
        throw err
      })
      payloadBytes = result.payload
    }
  } catch (err) {
    if (err instanceof OAuthClientError) throw err
    throw refused('the JWT signature does not verify', err)
  }
  let payload: unknown
  try {
    payload = JSON.parse(new TextDecoder().decode(payloadBytes))
  } catch (err) {
    throw refused('the JWT payload is not JSON', err)
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw refused('the JWT payload is not an object')
  }
  return payload as Record<string, unknown>
}

/** True when `iat` is more than a minute ahead of now (epoch seconds). */
export function isFromTheFuture(iat: unknown): boolean {
  return typeof iat === 'number' && iat > Date.now() / 1000 + IAT_SKEW_SECONDS
}

/**
 * Verifies the signature of `idToken` and refuses an `iat` more than a minute ahead; oauth4webapi
 * has checked the other claims.
 * @throws {OAuthClientError} as {@link verifyJwtSignature}, and `invalid_response` for a future `iat`.
 */
export async function verifyIdTokenSignature(
  idToken: string,
  as: oauth.AuthorizationServer,
  options: OAuthClientOptions,
  cache: JwksCache
): Promise<void> {
  const payload = await verifyJwtSignature(idToken, as, options, cache)
  if (isFromTheFuture(payload.iat)) throw refused('the ID token was issued in the future')
}
