/**
 * @module
 * Reading a `Cookie` request header (RFC 6265 5.4): `name=value` pairs separated by `;`. Values are
 * returned as sent (no decoding), so they can be passed on byte for byte.
 */

/** The `[name, value]` pairs of a `Cookie` header, in order; parts without `=` are skipped. */
export function parseCookieHeader(header: string | null | undefined): [string, string][] {
  const pairs: [string, string][] = []
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()])
  }
  return pairs
}

/** Every value sent for cookie `name` (more than one when the browser holds duplicates). */
export function cookieValues(header: string | null | undefined, name: string): string[] {
  return parseCookieHeader(header)
    .filter(([n]) => n === name)
    .map(([, v]) => v)
}

/**
 * The name prefix for the proxy's cookies on a site: `__Host-` over https (the browser then
 * insists on `Secure`, `Path=/` and no `Domain`), none on plain-http localhost.
 */
export function hostCookiePrefix(siteUrl: URL): string {
  return siteUrl.protocol === 'https:' ? '__Host-' : ''
}
