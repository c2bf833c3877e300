/**
 * @module
 * Per-route policies: an ordered list of compiled rules (config/routes.ts reads `ROUTES` and
 * `PUBLIC_PATHS` into it), first match wins; a request no rule matches gets the default (signed
 * in, the global allow-list, `ORIGIN_URL`). A rule matches on the method and the canonical path
 * (utils/canonical-path.ts), as `PUBLIC_PATHS` does (access/public-paths.ts): exact, or a folder
 * ending in `/`; a path with an ambiguous sequence never matches a `public` rule.
 *
 * Path confusion: the origin gets the canonical path, so dot-segments and escapes of unreserved
 * characters cannot lead it elsewhere. What is left is what another server may read differently:
 * letter case (a case-insensitive origin), an encoded `/` or `\`, `;` parameters, `//` and NUL.
 * {@link decideRoute} therefore also matches the path as such a server would read it
 * ({@link looseReading}, on lower-cased patterns); when the two readings fall under different
 * rules and the loose one is not `public` (than which every other decision is stricter), the
 * request is refused. So no spelling of a path escapes the rule its loose reading falls under.
 * The work per request is one pass over the rules (two for a path with capitals, `%`, `;` or
 * `//`): it grows with the rules, never with traffic.
 */
import type { SessionClaims } from '../identity'
import { canonicalPath, isAmbiguousPath } from '../utils/canonical-path'
import { isAllowed, type AllowList } from './allow-list'

/** What a rule does with the requests it matches. */
export type RouteAction = 'public' | 'authenticated' | 'allow' | 'deny'

/** One compiled rule. */
export interface RouteRule {
  /** 1-based position in `ROUTES` (or `PUBLIC_PATHS`: see `source`). */
  index: number
  /** Where it comes from. */
  source: 'ROUTES' | 'PUBLIC_PATHS'
  /** The rule's `name`, if it has one. */
  name?: string
  /** Upper-case methods (`GET` brings `HEAD`); empty means any. */
  methods: readonly string[]
  /** The exact path, or the folder prefix (ending in `/`) when `prefix`. */
  path: string
  prefix: boolean
  /** `path` lower-cased, for the loose reading. */
  foldedPath: string
  action: RouteAction
  /** For `allow`: who (emails, domains, groups; the global `ALLOW_UNVERIFIED_EMAIL`). */
  allowList?: AllowList
  /** For `allow`: claim name to accepted values (a user matches with any one value). */
  claims?: Readonly<Record<string, readonly string[]>>
  /** An API: without a session, a 401 JSON answer, never a redirect; errors as JSON. */
  api: boolean
  /** Its own origin (with a base path), instead of `ORIGIN_URL`. */
  originUrl?: URL
}

/** The outcome for a request: a rule, `null` for the default, or `refused` for an ambiguous path. */
export type RouteDecision = RouteRule | null | 'refused'

/** How a page, a JSON answer or a log names a rule: its name, else `ROUTES[3]`. */
export function ruleLabel(rule: RouteRule): string {
  return rule.name ?? `${rule.source}[${rule.index}]`
}

const matchesPath = (rulePath: string, prefix: boolean, path: string) =>
  prefix ? path.startsWith(rulePath) : path === rulePath

function firstMatch(
  rules: readonly RouteRule[],
  method: string,
  path: string,
  loose: boolean
): RouteRule | null {
  const ambiguous = !loose && isAmbiguousPath(path)
  for (const rule of rules) {
    if (rule.methods.length && !rule.methods.includes(method)) continue
    if (ambiguous && rule.action === 'public') continue
    if (matchesPath(loose ? rule.foldedPath : rule.path, rule.prefix, path)) return rule
  }
  return null
}

/** Paths another server may read differently from us: capitals, escapes, `;`, `//`. */
const MAY_READ_OTHERWISE = /[A-Z%;]|\/\//

/**
 * A canonical path as a lenient server may read it: lower-cased, `%2F` and `%5C` as `/`, `;`
 * parameters dropped, cut at a NUL, empty segments removed, dot-segments resolved again.
 */
export function looseReading(path: string): string {
  const read = path
    .toLowerCase()
    .replace(/%00.*$/, '')
    .replace(/%2f|%5c/g, '/')
    .replace(/;[^/]*/g, '')
    .replace(/\/{2,}/g, '/')
  return canonicalPath(read.startsWith('/') ? read : `/${read}`)
}

/**
 * The rule for `method` on canonical path `path` (see the module doc).
 * @returns the first matching rule, null for the default, or `refused` when the loose reading
 * falls under another rule that is not `public`.
 */
export function decideRoute(
  rules: readonly RouteRule[],
  method: string,
  path: string
): RouteDecision {
  const upper = method.toUpperCase()
  const strict = firstMatch(rules, upper, path, false)
  if (!rules.length || !MAY_READ_OTHERWISE.test(path)) return strict
  const loose = firstMatch(rules, upper, looseReading(path), true)
  if (loose === strict || loose?.action === 'public') return strict
  return 'refused'
}

/** True when the user's claim `name` holds one of `values` (a string, or an array of them). */
function hasClaim(claims: SessionClaims, name: string, values: readonly string[]): boolean {
  const held = claims.ruleClaims?.[name] ?? []
  return held.some((value) => values.includes(value))
}

/**
 * Whether a signed-in user may enter under `rule` (`authenticated`: anyone; `allow`: matching at
 * least one of its emails, domains, groups or claim values). `public` and `deny` never get here.
 */
export function ruleAllows(rule: RouteRule, claims: SessionClaims): boolean {
  if (rule.action === 'authenticated' || rule.action === 'public') return true
  if (rule.action === 'deny') return false
  const list = rule.allowList
  const listed = list && (list.emailDomains.length || list.emails.length || list.groups.length)
  if (listed && isAllowed(claims, list)) return true
  return Object.entries(rule.claims ?? {}).some(([name, values]) => hasClaim(claims, name, values))
}
