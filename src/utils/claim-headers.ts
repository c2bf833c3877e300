/**
 * @module
 * `CLAIM_HEADERS`: extra claims forwarded as headers, as oauth2-proxy and Pomerium
 * (`jwt_claims_headers`) do: `claim:Header-Name` pairs, comma-separated, e.g.
 * `name:X-Auth-Request-Name,phone_number:X-Auth-Request-Phone`. Checked once at start; problems
 * name the entry's position, never its text.
 */

/** One claim forwarded as a header. */
export interface ClaimHeader {
  /** The claim's name in the ID token or userinfo answer. */
  claim: string
  /** The header it goes in, as configured. */
  header: string
  /** {@link normaliseHeaderName} of `header`: every client spelling of it is removed. */
  normalised: string
}

/** At most this many claim headers. */
export const MAX_CLAIM_HEADERS = 20
/** A claim name: printable ASCII but the comma (URI-style names too), 1 to 128 characters. */
const CLAIM_NAME = /^[\x21-\x2b\x2d-\x7e]{1,128}$/
/** A header name (RFC 9110 5.1 token), 1 to 64 characters. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/
/**
 * Headers a claim may not take: the ones the proxy sets itself, and those that carry the
 * request's own meaning (a claim in `Authorization` or `Host` would change what the request is).
 */
const RESERVED = new Set([
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-preferred-username',
  'x-auth-request-groups',
  'x-auth-request-jwt',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-access-token',
  'host',
  'cookie',
  'authorization',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-type',
  'content-encoding',
  'origin',
  'referer',
  'set-cookie',
  'cookie2',
])
/** Prefixes of headers a claim may not take: the browser's own (`Sec-`) and Cloudflare's. */
const RESERVED_PREFIXES = ['sec-', 'cf-']
/**
 * Claims a claim header may not carry: the email, which the proxy forwards itself only when the
 * provider says it is verified (`X-Auth-Request-Email`, the assertion).
 */
const FORWARDED_CLAIMS = new Set(['email'])

/** A header name as CGI-style origins read it: lower case, every non-alphanumeric as `-`. */
export function normaliseHeaderName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '-')
}

/**
 * Parses `CLAIM_HEADERS`.
 * @returns the pairs in order, and a problem per bad entry (none when empty or absent).
 */
export function parseClaimHeaders(text: string | undefined): {
  headers: ClaimHeader[]
  problems: string[]
} {
  const headers: ClaimHeader[] = []
  const problems: string[] = []
  if (!text) return { headers, problems }
  const entries = text.split(',').map((entry) => entry.trim())
  const seen = new Set<string>()
  entries.forEach((entry, i) => {
    // A trailing or doubled comma is not an entry.
    if (entry === '') return
    const where = `CLAIM_HEADERS entry ${i + 1}`
    const colon = entry.lastIndexOf(':')
    const claim = entry.slice(0, colon).trim()
    const header = entry.slice(colon + 1).trim()
    if (colon < 0 || !CLAIM_NAME.test(claim) || !HEADER_NAME.test(header)) {
      problems.push(`${where} must be claim:Header-Name (e.g. name:X-Auth-Request-Name)`)
      return
    }
    const normalised = normaliseHeaderName(header)
    if (RESERVED.has(normalised) || RESERVED_PREFIXES.some((p) => normalised.startsWith(p))) {
      problems.push(`${where} names a header the proxy sets or the request needs`)
      return
    }
    if (FORWARDED_CLAIMS.has(claim)) {
      problems.push(
        `${where} names a claim the proxy forwards itself, verified (X-Auth-Request-Email)`
      )
      return
    }
    if (seen.has(normalised)) {
      problems.push(`${where} repeats a header`)
      return
    }
    seen.add(normalised)
    headers.push({ claim, header, normalised })
  })
  if (headers.length > MAX_CLAIM_HEADERS) {
    problems.push(`CLAIM_HEADERS may list at most ${MAX_CLAIM_HEADERS} claims`)
  }
  return { headers, problems }
}
