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
 * letter case (IIS, ASP.NET, Express by default), an encoded `/` or `\`, `;` parameters, `//`,
 * NUL, a trailing `/` (Express, Rails, Laravel, Spring), trailing dots and spaces (Windows), a
 * `.json`-style suffix (Rails), and a folder's bare name for the folder. {@link decideRoute}
 * therefore also matches the path as such servers would read it ({@link looseReadings}, on
 * lower-cased patterns); when the two fall under different rules and the loose one is not
 * `public` (than which every other decision is stricter), the request is refused. So no spelling
 * of a path escapes the rule its loose readings fall under. The work per request is two passes
 * over the rules: it grows with the rules, never with traffic.
 */
import { Memo } from '../cache/memory-cache'
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

/** The first rule for `method` on the canonical `path`, as it reads exactly. */
function firstMatch(rules: readonly RouteRule[], method: string, path: string): RouteRule | null {
  const ambiguous = isAmbiguousPath(path)
  for (const rule of rules) {
    if (rule.methods.length && !rule.methods.includes(method)) continue
    if (ambiguous && rule.action === 'public') continue
    if (matchesPath(rule.path, rule.prefix, path)) return rule
  }
  return null
}

/** The first rule, on lower-cased patterns, that any of the loose `readings` falls under. */
function firstLooseMatch(
  rules: readonly RouteRule[],
  method: string,
  readings: readonly string[]
): RouteRule | null {
  for (const rule of rules) {
    if (rule.methods.length && !rule.methods.includes(method)) continue
    if (readings.some((r) => matchesPath(rule.foldedPath, rule.prefix, r))) return rule
  }
  return null
}

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
  const canonical = canonicalPath(read.startsWith('/') ? read : `/${read}`)
  // Windows drops trailing dots and spaces of each segment; what is left of `...` is no segment.
  return canonical.replace(/(?:\.|%20|%09)+(?=\/|$)/g, '').replace(/\/{2,}/g, '/') || '/'
}

/**
 * Every reading of a canonical path a lenient server may take: {@link looseReading}, with and
 * without a trailing `/` (a folder's bare name reads as the folder), and without a `.json`-style
 * suffix on its last segment.
 */
export function looseReadings(path: string): string[] {
  const base = looseReading(path)
  const bare = base.length > 1 && base.endsWith('/') ? base.slice(0, -1) : base
  const readings = new Set([base, bare, `${bare}/`])
  const unsuffixed = bare.replace(/(\/[^/]+)\.[^/.]*$/, '$1')
  readings.add(unsuffixed)
  readings.add(`${unsuffixed}/`)
  return [...readings]
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
  if (!rules.length) return null
  const upper = method.toUpperCase()
  const strict = firstMatch(rules, upper, path)
  const loose = firstLooseMatch(rules, upper, looseReadings(path))
  if (loose === strict || loose?.action === 'public' || samePolicy(loose, strict)) return strict
  return 'refused'
}

/** Decisions remembered per compiled rule list, by method and path (src/isolate-memory.ts). */
export type RouteDecisions = WeakMap<readonly RouteRule[], Memo<RouteDecision>>
/** Paths remembered per rule list: the ones a site serves most, a bounded few whatever is sent. */
const MAX_REMEMBERED_DECISIONS = 1000
/** Longer paths are decided every time, never remembered, so the memo stays small. */
const MAX_REMEMBERED_PATH_LENGTH = 256

/**
 * {@link decideRoute}, remembered: the decision is a pure function of the rules, the method and
 * the path, so a path seen before costs a map lookup instead of two passes over the rules.
 * @param memos where decisions are kept (the isolate's), per rule list.
 */
export function decideRouteRemembered(
  rules: readonly RouteRule[],
  method: string,
  path: string,
  memos: RouteDecisions
): RouteDecision {
  if (!rules.length) return null
  if (path.length > MAX_REMEMBERED_PATH_LENGTH) return decideRoute(rules, method, path)
  let memo = memos.get(rules)
  if (!memo) {
    memo = new Memo(MAX_REMEMBERED_DECISIONS)
    memos.set(rules, memo)
  }
  const key = `${method} ${path}`
  let decision = memo.get(key)
  if (decision === undefined) {
    decision = decideRoute(rules, method, path)
    memo.set(key, decision)
  }
  return decision
}

/** True when two rules decide alike (action, who, API, origin): one may stand for the other. */
function samePolicy(a: RouteRule | null, b: RouteRule | null): boolean {
  if (!a || !b) return false
  const policy = (r: RouteRule) =>
    JSON.stringify([r.action, r.allowList, r.claims, r.api, r.originUrl?.href])
  return policy(a) === policy(b)
}

/** True when the user's claim `name` holds one of `values` (a string, or an array of them). */
function hasClaim(claims: SessionClaims, name: string, values: readonly string[]): boolean {
  const held =
    (claims.ruleClaims && Object.hasOwn(claims.ruleClaims, name) && claims.ruleClaims[name]) || []
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
