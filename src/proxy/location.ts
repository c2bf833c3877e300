/**
 * @module
 * `Location` and `Content-Location` (RFC 9110 10.2.2, 8.7), and the URL of a `Refresh` header
 * (HTML's "shared declarative refresh steps", which browsers follow as a redirect), that point at
 * `ORIGIN_URL` are rewritten to the site's address, as nginx's `proxy_redirect default` does: an
 * origin that redirects to its own address would otherwise hand it out and send the browser
 * around the proxy.
 */

/** The headers that carry a URL the browser follows or records. */
export const LOCATION_HEADERS = ['location', 'content-location', 'refresh'] as const

/** `Refresh: <seconds>; url=<URL>` (the `url=` and quotes optional, `,` for `;` allowed). */
const REFRESH = /^(\s*\d+(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?)(['"]?)(.*?)\2\s*$/i

/** An absolute URL (`scheme:`) or a scheme-relative one (`//host/...`). */
const ABSOLUTE_OR_SCHEME_RELATIVE = /^([a-z][a-z0-9+.-]*:|\/\/)/i

/**
 * The site's URL for a location at the origin: when `value` is under `originUrl` (same scheme,
 * host and port; path under its base path), the same path below the site's root with the same
 * query and fragment. The base path is what forwarding adds (forward.ts), so the browser's next
 * request reaches the same resource.
 * @param originUrl `ORIGIN_URL`.
 * @param siteUrl the request's URL (the address the browser used).
 * @returns the rewritten value, or null when `value` is relative, elsewhere, or not a URL (left
 * as it is).
 */
export function siteLocation(value: string, originUrl: URL, siteUrl: URL): string | null {
  const trimmed = value.trim()
  if (!ABSOLUTE_OR_SCHEME_RELATIVE.test(trimmed)) return null
  let url: URL
  try {
    // A scheme-relative value takes the origin's scheme: that is the request it answered.
    url = new URL(trimmed, originUrl)
  } catch {
    return null
  }
  if (url.origin !== originUrl.origin || url.username || url.password) return null
  const base = originUrl.pathname.endsWith('/') ? originUrl.pathname : `${originUrl.pathname}/`
  let path: string
  if (url.pathname === base.slice(0, -1)) path = '/'
  else if (url.pathname.startsWith(base)) path = `/${url.pathname.slice(base.length)}`
  else return null
  return `${siteUrl.origin}${path}${url.search}${url.hash}`
}

/**
 * {@link siteLocation} for the header `name` (one of {@link LOCATION_HEADERS}): for `Refresh`,
 * the URL after the delay is rewritten and the delay kept.
 * @returns the rewritten value, or null to leave the header as it is.
 */
export function siteLocationHeader(
  name: (typeof LOCATION_HEADERS)[number],
  value: string,
  originUrl: URL,
  siteUrl: URL
): string | null {
  if (name !== 'refresh') return siteLocation(value, originUrl, siteUrl)
  const match = REFRESH.exec(value)
  if (!match) return null
  const rewritten = siteLocation(match[3]!, originUrl, siteUrl)
  return rewritten === null ? null : `${match[1]}${rewritten}`
}
