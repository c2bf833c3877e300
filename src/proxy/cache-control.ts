/**
 * @module
 * What caches may keep of an answer the origin gave to a request forwarded with an identity: only
 * the browser's own cache, never a shared one (RFC 9111 5.2.2.7 `private`). One user's page must
 * not be served to another, or to nobody signed in.
 *
 * The rules, for an answer to a request with an identity (session or Bearer):
 * - `public`, `s-maxage` and `proxy-revalidate` go (they speak to shared caches only); a qualified
 *   `private="..."` (only those fields are private: a shared cache may keep the rest) becomes
 *   plain `private`. Every other directive stays, so the browser caches as the origin said
 *   (`max-age`, `no-cache`, `must-revalidate`, `immutable`...).
 * - `no-store` is kept as it is: nobody may store, which already covers shared caches.
 * - Otherwise `private` is added, also when the origin sent no `Cache-Control` at all. Cloudflare
 *   Access and oauth2-proxy leave the origin's header alone, and users of either expect the
 *   browser to behave as the origin said; `private` keeps exactly that (a browser may still cache
 *   heuristically, RFC 9111 4.2.2) while a shared cache in front of the Worker (Cloudflare's own
 *   with Workers Cache or a Cache Rule, a corporate proxy) may not store a heuristically cacheable
 *   answer, which it otherwise could.
 * - The CDN-targeted headers (`CDN-Cache-Control`, RFC 9213; `Cloudflare-CDN-Cache-Control`;
 *   `Surrogate-Control`) are removed: they tell exactly the caches that must not store.
 *
 * Answers on public paths keep the origin's caching untouched.
 */

/** Directives that only shared caches read; meaningless (or harmful) on a private answer. */
const SHARED_ONLY_DIRECTIVES = new Set(['public', 's-maxage', 'proxy-revalidate'])

/** Headers that address CDNs and other shared caches directly. */
const CDN_CACHE_HEADERS = [
  'cdn-cache-control',
  'cloudflare-cdn-cache-control',
  'surrogate-control',
  // Other CDNs' and reverse proxies' own (Akamai, nginx, Vercel, Fastly).
  'edge-control',
  'x-accel-expires',
  'vercel-cdn-cache-control',
  'fastly-cache-control',
]

/**
 * The directives of a `Cache-Control` value (RFC 9111 5.2): split on commas outside quoted
 * strings, empty members dropped, each trimmed.
 */
export function splitCacheControl(value: string): string[] {
  const directives: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    if (quoted && ch === '\\' && i + 1 < value.length) {
      current += ch + value[++i]
      continue
    }
    if (ch === '"') quoted = !quoted
    if (ch === ',' && !quoted) {
      if (current.trim()) directives.push(current.trim())
      current = ''
    } else {
      current += ch
    }
  }
  if (current.trim()) directives.push(current.trim())
  return directives
}

/** The lower-cased name of a directive (`max-age=60` -> `max-age`). */
const directiveName = (directive: string) => {
  const eq = directive.indexOf('=')
  return (eq < 0 ? directive : directive.slice(0, eq)).trim().toLowerCase()
}

/**
 * The `Cache-Control` value for an answer that only the browser may keep (see the module rules).
 * @param value the origin's `Cache-Control`, null when it sent none.
 */
export function privateCacheControl(value: string | null): string {
  const kept: string[] = []
  let hasPrivate = false
  let hasNoStore = false
  for (const directive of splitCacheControl(value ?? '')) {
    const name = directiveName(directive)
    if (SHARED_ONLY_DIRECTIVES.has(name)) continue
    if (name === 'private') {
      if (!hasPrivate) kept.push('private')
      hasPrivate = true
      continue
    }
    if (name === 'no-store') hasNoStore = true
    kept.push(directive)
  }
  if (!hasPrivate && !hasNoStore) kept.unshift('private')
  return kept.join(', ')
}

/**
 * Makes an answer's headers say that only the browser may cache it: `Cache-Control` rewritten by
 * {@link privateCacheControl}, the CDN-targeted cache headers removed, nothing else touched.
 * @returns the same `headers`, changed in place.
 */
export function makePrivate(headers: Headers): Headers {
  headers.set('Cache-Control', privateCacheControl(headers.get('cache-control')))
  for (const name of CDN_CACHE_HEADERS) headers.delete(name)
  return headers
}
