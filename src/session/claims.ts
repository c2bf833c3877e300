/**
 * @module
 * Which identity a session keeps, from the ID token (OpenID Connect Core 2) and the userinfo
 * answer (5.3). Every value the proxy later puts in an upstream header is checked here: no control
 * or line-separator characters, no leading or trailing spaces (a header value would lose them and
 * collide with another user's), at most 256 characters.
 */
import type { SessionClaims } from '../identity'

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const UNSAFE_CHARS = /[\p{Cc}\u2028\u2029]/u
const MAX_CLAIM_LENGTH = 256

/** The value when it is a string that can travel in a header unchanged, else undefined. */
function cleanString(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > MAX_CLAIM_LENGTH) return undefined
  if (value.trim() !== value || UNSAFE_CHARS.test(value)) return undefined
  return value
}

/** The claim that holds the user's groups when `GROUPS_CLAIM` is not set. */
export const DEFAULT_GROUPS_CLAIM = 'groups'

/** A user is in this many groups at most, as far as the proxy is concerned. */
const MAX_GROUPS = 100

/** The clean strings of a groups claim (a JSON array), at most {@link MAX_GROUPS}. */
function pickGroups(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value
    .map(cleanString)
    .filter((g): g is string => g !== undefined)
    .slice(0, MAX_GROUPS)
}

/**
 * A claim's value as one header value: a clean string, a number or boolean as JSON writes it, or
 * an array of clean strings joined with `,` (those holding a comma left out, as for groups).
 */
function cleanHeaderValue(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    const parts = pickGroups(value).filter((part) => !part.includes(','))
    return parts.length ? cleanString(parts.join(',')) : undefined
  }
  return cleanString(value)
}

/**
 * The claims a session keeps.
 * - `sub`: the ID token's in oidc mode (userinfo's must match it; oauth4webapi checks that), else
 *   userinfo's. A `sub` that is present but not clean fails the sign-in.
 * - `email` with its `email_verified` from the same answer (userinfo first); any `email_verified`
 *   other than JSON `true` counts as `false`.
 * - `preferred_username`, `name`: userinfo first, then the ID token; unclean values are dropped.
 * - `groups`: the `groupsClaim` array, userinfo first, clean strings only.
 * - `extra`: the `extraClaims` (`CLAIM_HEADERS`), userinfo first, each as one header value
 *   ({@link cleanHeaderValue}); claims without a usable value are left out.
 * @returns the claims, or null when there is no usable `sub` (the caller refuses the identity).
 */
export function pickSessionClaims(
  idTokenClaims: Record<string, unknown> | undefined,
  userinfo: Record<string, unknown> | undefined,
  groupsClaim = DEFAULT_GROUPS_CLAIM,
  extraClaims: readonly string[] = []
): SessionClaims | null {
  const sub = cleanString(idTokenClaims?.sub ?? userinfo?.sub)
  if (!sub) return null
  const claims: SessionClaims = { sub }
  const emailSource = userinfo?.email !== undefined ? userinfo : idTokenClaims
  const email = cleanString(emailSource?.email)
  if (email) {
    claims.email = email
    if (emailSource?.email_verified !== undefined) {
      claims.email_verified = emailSource.email_verified === true
    }
  }
  const pick = (name: string) => cleanString(userinfo?.[name]) ?? cleanString(idTokenClaims?.[name])
  const username = pick('preferred_username')
  if (username) claims.preferred_username = username
  const name = pick('name')
  if (name) claims.name = name
  const groups = pickGroups(userinfo?.[groupsClaim] ?? idTokenClaims?.[groupsClaim])
  if (groups.length) claims.groups = groups
  const extra: Record<string, string> = {}
  for (const claim of extraClaims) {
    const value = cleanHeaderValue(userinfo?.[claim]) ?? cleanHeaderValue(idTokenClaims?.[claim])
    if (value !== undefined) extra[claim] = value
  }
  if (Object.keys(extra).length) claims.extra = extra
  return claims
}

/**
 * The `sub` to demand of the userinfo answer: the ID token's, as it is (even when unclean, so a
 * mismatch still fails), or undefined in oauth mode.
 */
export function expectedSubject(
  idTokenClaims: Record<string, unknown> | undefined
): string | undefined {
  const sub = idTokenClaims?.sub
  return typeof sub === 'string' ? sub : undefined
}

/** How a page names the signed-in account: the email, else the username, else `sub`. */
export function accountLabel(claims: SessionClaims): string {
  return claims.email ?? claims.preferred_username ?? claims.sub
}

/**
 * `claims` with the claims `ROUTES` rules name (`names`: config.ruleClaimNames) in `ruleClaims`,
 * userinfo first: a string, a number or boolean as JSON writes it, or an array's clean strings
 * (at most {@link MAX_GROUPS}). A claim without a usable value is left out: no rule matches it.
 * @returns `claims` itself when no rule names a claim (or `claims` is null).
 */
export function withRuleClaims(
  claims: SessionClaims | null,
  idTokenClaims: Record<string, unknown> | undefined,
  userinfo: Record<string, unknown> | undefined,
  names: readonly string[]
): SessionClaims | null {
  if (!claims || !names.length) return claims
  const values = (value: unknown): string[] => {
    if (typeof value === 'number' && Number.isFinite(value)) return [String(value)]
    if (typeof value === 'boolean') return [String(value)]
    if (Array.isArray(value)) return pickGroups(value)
    const clean = cleanString(value)
    return clean === undefined ? [] : [clean]
  }
  // Own keys only, read and written: a claim named `__proto__` or `constructor` is a key like any
  // other (Object.fromEntries defines, never assigns; a plain object, so it can be cloned).
  const entries: [string, string[]][] = []
  for (const name of names) {
    const own = (source: Record<string, unknown> | undefined) =>
      source && Object.hasOwn(source, name) ? source[name] : undefined
    const found = values(own(userinfo) ?? own(idTokenClaims))
    if (found.length) entries.push([name, found])
  }
  const ruleClaims: Record<string, string[]> = Object.fromEntries(entries)
  return Object.keys(ruleClaims).length ? { ...claims, ruleClaims } : claims
}

/** The settings that decide which claims a session keeps (a `Config` is one). */
export interface ClaimSettings {
  /** `GROUPS_CLAIM`. */
  groupsClaim: string
  /** `CLAIM_HEADERS`: the claims forwarded as headers. */
  claimHeaders: readonly { claim: string }[]
  /** The claims `ROUTES` rules name. */
  ruleClaimNames: readonly string[]
}

/**
 * The claims a session keeps from an ID token's claims and a userinfo answer, the same at sign-in
 * and at every refresh: {@link pickSessionClaims} with the `CLAIM_HEADERS` claims, then
 * {@link withRuleClaims}.
 * @returns null when there is no usable `sub`.
 */
export function sessionClaimsFrom(
  idTokenClaims: Record<string, unknown> | undefined,
  userinfo: Record<string, unknown> | undefined,
  settings: ClaimSettings
): SessionClaims | null {
  const extraClaims = settings.claimHeaders.map((h) => h.claim)
  const picked = pickSessionClaims(idTokenClaims, userinfo, settings.groupsClaim, extraClaims)
  return withRuleClaims(picked, idTokenClaims, userinfo, settings.ruleClaimNames)
}
