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
