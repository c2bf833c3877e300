/**
 * @module
 * Small Web Crypto helpers: random ids, SHA-256, and HMAC-SHA256 signatures. An HMAC key is
 * imported once per secret when the caller passes a {@link HmacKeys} map (the isolate's, from
 * src/isolate-memory.ts); this module keeps nothing itself.
 */

const encoder = new TextEncoder()

/** base64url without padding (RFC 4648 5) of `bytes`. */
export function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * A random identifier from `crypto.getRandomValues`.
 * @param byteLength entropy in bytes (32 bytes = 256 bits gives 43 base64url characters).
 */
export function randomId(byteLength = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)))
}

/** Lower-case hex SHA-256 of the UTF-8 of `value` (for logging or keying by a token's hash). */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Imported HMAC-SHA256 keys by secret: one import per secret and isolate. */
export type HmacKeys = Map<string, Promise<CryptoKey>>

function hmacKey(secret: string, keys: HmacKeys | undefined): Promise<CryptoKey> {
  let key = keys?.get(secret)
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify']
    )
    keys?.set(secret, key)
  }
  return key
}

/**
 * base64url HMAC-SHA256 of `message` under `secret` (RFC 2104).
 * @param keys where the imported key is kept for the next call; without it, imported each time.
 */
export async function hmacSign(secret: string, message: string, keys?: HmacKeys): Promise<string> {
  const key = await hmacKey(secret, keys)
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(message))
  return base64url(new Uint8Array(signature))
}

/**
 * Checks a signature made by {@link hmacSign}, in constant time (`crypto.subtle.verify`).
 * @param keys as for {@link hmacSign}.
 * @returns false for a wrong or malformed signature; never throws for bad input.
 */
export async function hmacVerify(
  secret: string,
  message: string,
  signature: string,
  keys?: HmacKeys
): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(signature)) return false
  const bytes = Uint8Array.from(atob(signature.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) =>
    c.charCodeAt(0)
  )
  // The last character carries 2 unused bits: accept only the one canonical spelling.
  if (base64url(bytes) !== signature) return false
  return crypto.subtle.verify('HMAC', await hmacKey(secret, keys), bytes, encoder.encode(message))
}

/** The bytes of a base64url string (RFC 4648 5), or null when it is not canonical base64url. */
export function fromBase64url(value: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) return null
  const padded = value.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((value.length + 3) % 4)
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))
  return base64url(bytes) === value ? bytes : null
}

/** AES-GCM keys derived from a secret, by `info` and secret: one derivation per isolate. */
export type SealKeys = Map<string, Promise<CryptoKey>>

/** AES-GCM's recommended nonce length (NIST SP 800-38D 8.2). */
const IV_BYTES = 12

/**
 * The AES-256-GCM key HKDF-SHA256 (RFC 5869) derives from `secret` for the use `info`: each use
 * has its own key, so a value sealed for one use opens for no other.
 */
function sealKey(secret: string, info: string, keys: SealKeys | undefined): Promise<CryptoKey> {
  const name = `${info}\u0000${secret}`
  let key = keys?.get(name)
  if (!key) {
    key = crypto.subtle
      .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt']
        )
      )
    keys?.set(name, key)
  }
  return key
}

/**
 * Seals `plaintext` with AES-256-GCM under the key for `info`, bound to `associated` (it opens
 * only with the same associated data). The result is base64url of nonce, ciphertext and tag.
 * @param keys where the derived key is kept (isolate memory); without it, derived each time.
 */
export async function seal(
  secret: string,
  info: string,
  plaintext: string,
  associated: string,
  keys?: SealKeys
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const key = await sealKey(secret, info, keys)
  const params = { name: 'AES-GCM', iv, additionalData: encoder.encode(associated) }
  const sealed = new Uint8Array(await crypto.subtle.encrypt(params, key, encoder.encode(plaintext)))
  const out = new Uint8Array(IV_BYTES + sealed.length)
  out.set(iv)
  out.set(sealed, IV_BYTES)
  return base64url(out)
}

/**
 * Opens a value made by {@link seal} with the same `secret`, `info` and `associated`.
 * @returns the plaintext, or null for anything else (tampered, foreign, malformed); never throws
 * for bad input.
 */
export async function unseal(
  secret: string,
  info: string,
  sealed: string,
  associated: string,
  keys?: SealKeys
): Promise<string | null> {
  const bytes = fromBase64url(sealed)
  if (!bytes || bytes.length < IV_BYTES + 16) return null
  const key = await sealKey(secret, info, keys)
  const params = {
    name: 'AES-GCM',
    iv: bytes.subarray(0, IV_BYTES),
    additionalData: encoder.encode(associated),
  }
  try {
    const plain = await crypto.subtle.decrypt(params, key, bytes.subarray(IV_BYTES))
    return new TextDecoder().decode(plain)
  } catch {
    // A wrong tag (tampered, another secret or another associated data): not ours.
    return null
  }
}
