/**
 * @module
 * The canonical path of a request: the one used to match `PUBLIC_PATHS` and the one forwarded to
 * the origin, so that the path checked is the path served. RFC 3986 6.2.2 normalisation:
 * percent-encodings of unreserved characters are decoded, other percent-encodings get upper-case
 * hex digits, dot-segments are resolved (the WHATWG URL parser has already resolved `.`, `..` and
 * their `%2e` spellings, and turned `\` into `/`). A lone `%` becomes `%25`. The result is a fixed
 * point: canonicalising it again changes nothing.
 */

/** RFC 3986 2.3 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/**
 * Sequences that could let a path be read differently by the origin: an encoded `/`, `\` or NUL,
 * a `;` parameter (path parameters in servlet-style servers), an empty segment (`//`), or a
 * malformed percent-encoding. A path holding one never counts as public.
 */
const AMBIGUOUS = /%2f|%5c|%00|;|\/\/|%(?![0-9a-f]{2})/i

/** A percent sign, or a `.` or `..` segment: the paths {@link canonicalPath} has work to do on. */
const NEEDS_WORK = /%|\/\.\.?(?:\/|$)/

/**
 * Normalises `pathname` (as `new URL(...).pathname` gives it).
 * @returns the canonical path, starting with `/`.
 */
export function canonicalPath(pathname: string): string {
  // Most paths hold no escape and no dot-segment: they are canonical already.
  if (pathname.charCodeAt(0) === 0x2f && !NEEDS_WORK.test(pathname)) return pathname
  // A `%` that starts no escape is a literal `%` (`%25`) first, so that decoding cannot join it
  // with a decoded character into a new escape (`%2%65` must not become `%2e`).
  const escaped = pathname.replace(/%(?![0-9a-fA-F]{2})/g, '%25')
  const decoded = escaped.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16))
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`
  })
  // Decoding cannot make a `/`, but it can make `.` segments that the parser did not see as such.
  const out: string[] = []
  for (const segment of decoded.split('/').slice(1)) {
    if (segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  const last = decoded.split('/').at(-1)
  const trailing = last === '.' || last === '..' ? '/' : ''
  return `/${out.join('/')}${trailing && out.length ? trailing : ''}`
}

/** True when `path` holds a sequence that must never match a public pattern (see {@link AMBIGUOUS}). */
export function isAmbiguousPath(path: string): boolean {
  return AMBIGUOUS.test(path)
}
