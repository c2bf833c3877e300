/**
 * @module
 * Return addresses after sign-in. Only same-origin targets are kept; the result is always a
 * re-serialised path and query, never the raw input, so it cannot point off-site.
 */

/** A `%` not followed by two hex digits, or a lone UTF-16 surrogate: not an address anyone meant. */
const MALFORMED =
  /%(?![0-9A-Fa-f]{2})|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Longer return addresses are not kept: they would only bloat the login transaction in KV. */
export const MAX_RETURN_TO_LENGTH = 2048

/**
 * Turns an untrusted return address (`rd`) into a same-origin path and query.
 * The decision is made by the WHATWG URL parser, exactly as a browser would resolve the value
 * against the site (which strips tab/CR/LF, treats `\` as `/`, and resolves `//host` off-site).
 * @param value the raw address; absolute or relative.
 * @param siteOrigin the proxy's own origin, e.g. `https://app.example.com`.
 * @returns `pathname + search` of the resolved URL, or `/` when it is not same-origin, malformed
 * (bad percent-encoding, lone surrogates), or longer than {@link MAX_RETURN_TO_LENGTH}.
 */
export function safeReturnTo(value: string | null | undefined, siteOrigin: string): string {
  if (!value || value.length > MAX_RETURN_TO_LENGTH || MALFORMED.test(value)) return '/'
  try {
    const target = new URL(value, siteOrigin)
    if (target.origin !== new URL(siteOrigin).origin) return '/'
    const path = target.pathname + target.search
    // A path that starts with `//` or `/\` would be read as another host if used as a Location.
    if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/'
    return path.length > MAX_RETURN_TO_LENGTH ? '/' : path
  } catch {
    return '/'
  }
}
