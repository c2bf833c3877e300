/**
 * @module
 * `ROUTES`: the per-route policies (access/routes.ts), compiled once with the configuration. In
 * `wrangler.toml` a TOML array of tables under `[vars]` (`[[vars.ROUTES]]`), which wrangler hands
 * the Worker as JSON; from `.dev.vars`, `--var` or the dashboard the same as a JSON string. Every
 * rule is checked at start: a problem names the rule (`ROUTES[2] "admin"`) and the field, never a
 * value. `PUBLIC_PATHS` entries follow as `public` rules, so a rule can refine them.
 */
import { normaliseDomain, parseEmail, type ParsedEmail } from '../access/allow-list'
import { parsePathPattern, type PublicPath } from '../access/public-paths'
import type { RouteAction, RouteRule } from '../access/routes'
import { editDistance } from '../utils/edit-distance'
import type { SettingReaders } from './readers'

/** More rules than this is a configuration to split, not to match per request. */
const MAX_RULES = 64
/** Values per list in a rule (emails, domains, groups, one claim's values). */
const MAX_VALUES = 100
const ACTIONS: readonly RouteAction[] = ['public', 'authenticated', 'allow', 'deny']
const FIELDS = [
  'name',
  'path',
  'methods',
  'action',
  'emails',
  'domains',
  'groups',
  'claims',
  'api',
  'origin',
] as const
/** The fields that say who an `allow` rule lets in. */
const WHO = ['emails', 'domains', 'groups', 'claims'] as const
/** Claims one rule may name: more than a person would write, few enough to check per request. */
const MAX_RULE_CLAIMS = 20
/** Claims a rule may not match on by value: the email (and its flag), checked by `emails`. */
const UNSAFE_RULE_CLAIMS = new Set(['email', 'email_verified'])
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/
const METHOD = /^[A-Z]+$/
/** A claim name as JSON carries it, kept to what a page or log can name safely. */
const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/

/** The compiled rules, and the claims they name (kept in sessions: session/claims.ts). */
export interface RouteSettings {
  /** `ROUTES` then `PUBLIC_PATHS`, in order. */
  routes: readonly RouteRule[]
  /** Every claim name an `allow` rule names. */
  ruleClaimNames: readonly string[]
}

const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= MAX_VALUES && v.every((s) => typeof s === 'string' && s !== '')

/** An origin URL as `ORIGIN_URL` must be (config.ts): http(s), no credentials, query or fragment. */
function originOf(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  const web = url.protocol === 'https:' || url.protocol === 'http:'
  if (!web || url.username || url.password || url.search || url.hash) return undefined
  return url
}

/** Compiles rule `index` (1-based); problems go to `problem`. */
function compileRule(
  raw: unknown,
  index: number,
  allowUnverifiedEmail: boolean,
  problem: (field: string, why: string) => void
): RouteRule | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem('', 'must be a table (an object)')
    return undefined
  }
  const rule = raw as Record<string, unknown>
  for (const field of Object.keys(rule)) {
    if ((FIELDS as readonly string[]).includes(field)) continue
    const near = FIELDS.find((f) => editDistance(field.toLowerCase(), f, 2) <= 2)
    // A field name is the operator's own text, but long garbage is cut (never a value, though).
    const shown = field.length > 32 ? `${field.slice(0, 32)}...` : field
    problem(shown, `is not a rule field${near ? `: did you mean ${near}?` : ''}`)
  }
  const bad = problem
  if (rule.name !== undefined && (typeof rule.name !== 'string' || !NAME.test(rule.name))) {
    bad('name', 'must be 1-64 letters, digits, spaces, dots, dashes or underscores')
  }
  const pattern = typeof rule.path === 'string' ? parsePathPattern(rule.path) : undefined
  if (!pattern) bad('path', 'must be a plain path starting with /, optionally ending in /*')
  let methods: string[] = []
  if (rule.methods !== undefined) {
    if (!isStringList(rule.methods) || !rule.methods.every((m) => METHOD.test(m.toUpperCase()))) {
      bad('methods', 'must be a list of HTTP methods, like ["GET", "POST"]')
    } else methods = rule.methods.map((m) => m.toUpperCase())
  }
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD')
  const action = rule.action as RouteAction
  if (!ACTIONS.includes(action)) bad('action', `must be one of ${ACTIONS.join(', ')}`)
  const given = WHO.filter((field) => rule[field] !== undefined)
  if (action === 'allow' && !given.length)
    bad('action', `"allow" needs at least one of ${WHO.join(', ')}`)
  if (action !== 'allow') given.forEach((field) => bad(field, 'is only for action "allow"'))

  const emails: ParsedEmail[] = []
  const domains: string[] = []
  if (rule.emails !== undefined) {
    const parsed = isStringList(rule.emails) ? rule.emails.map(parseEmail) : [undefined]
    if (parsed.some((e) => !e)) bad('emails', 'must be a list of email addresses')
    else emails.push(...(parsed as ParsedEmail[]))
  }
  if (rule.domains !== undefined) {
    const parsed = isStringList(rule.domains)
      ? rule.domains.map((d) => normaliseDomain(d.replace(/^@/, '')))
      : [undefined]
    if (parsed.some((d) => !d)) bad('domains', 'must be a list of domain names')
    else domains.push(...(parsed as string[]))
  }
  if (rule.groups !== undefined && !isStringList(rule.groups)) {
    bad('groups', 'must be a list of group names')
  }
  const claims: [string, string[]][] = []
  if (rule.claims !== undefined) {
    const entries =
      typeof rule.claims === 'object' && rule.claims !== null && !Array.isArray(rule.claims)
        ? Object.entries(rule.claims)
        : []
    if (!entries.length) bad('claims', 'must be a table of claim names to values')
    if (entries.length > MAX_RULE_CLAIMS)
      bad('claims', `may name at most ${MAX_RULE_CLAIMS} claims`)
    for (const [name, value] of entries) {
      const values = typeof value === 'string' ? [value] : value
      if (!CLAIM_NAME.test(name) || !isStringList(values) || !values.length) {
        bad('claims', 'must map claim names to a value or a list of values (strings)')
      } else if (UNSAFE_RULE_CLAIMS.has(name)) {
        // An email counts only when verified: `emails` and `domains` check that, a claim cannot.
        bad('claims', `must not name ${name}: use emails or domains, which need email_verified`)
      } else claims.push([name, values])
    }
  }
  if (rule.api !== undefined && typeof rule.api !== 'boolean') bad('api', 'must be true or false')
  const originUrl = rule.origin === undefined ? undefined : originOf(rule.origin)
  if (rule.origin !== undefined && !originUrl) {
    bad('origin', 'must be an http(s) URL without credentials, query or fragment')
  }
  if (!pattern || !ACTIONS.includes(action)) return undefined
  return {
    index,
    source: 'ROUTES',
    ...(typeof rule.name === 'string' && { name: rule.name }),
    methods: Object.freeze(methods),
    path: pattern.path,
    prefix: pattern.prefix,
    foldedPath: pattern.path.toLowerCase(),
    action,
    ...(action === 'allow' && {
      allowList: Object.freeze({
        emailDomains: domains,
        emails,
        groups: isStringList(rule.groups) ? rule.groups : [],
        allowUnverifiedEmail,
      }),
      // Object.fromEntries defines each key (a claim named `__proto__` included), never assigns.
      claims: Object.freeze(Object.fromEntries(claims)),
    }),
    api: rule.api === true,
    ...(originUrl && { originUrl }),
  }
}

/** The value of `ROUTES`: a JSON array (string), or the array wrangler made of a TOML one. */
function rulesOf(value: unknown, problem: (why: string) => void): unknown[] {
  if (value === undefined || value === null || value === '') return []
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      problem('ROUTES must be a JSON array of rules (or [[vars.ROUTES]] tables in wrangler.toml)')
      return []
    }
  }
  if (!Array.isArray(parsed)) {
    problem('ROUTES must be a list of rules ([[vars.ROUTES]] tables in wrangler.toml)')
    return []
  }
  if (parsed.length > MAX_RULES) problem(`ROUTES must have at most ${MAX_RULES} rules`)
  return parsed.slice(0, MAX_RULES)
}

/**
 * Reads `ROUTES` and appends the `publicPaths` (`PUBLIC_PATHS`) as `public` rules; problems go to
 * `read`, each naming the rule and the field.
 */
export function readRoutes(
  read: SettingReaders,
  publicPaths: readonly PublicPath[],
  allowUnverifiedEmail: boolean
): RouteSettings {
  const routes: RouteRule[] = []
  const names = new Set<string>()
  rulesOf(read.raw('ROUTES'), read.problem).forEach((raw, i) => {
    const name = (raw as { name?: unknown } | null)?.name
    const label = `ROUTES[${i + 1}]${typeof name === 'string' && NAME.test(name) ? ` "${name}"` : ''}`
    const problem = (field: string, why: string) =>
      read.problem(field ? `${label} field "${field}" ${why}` : `${label} ${why}`)
    const rule = compileRule(raw, i + 1, allowUnverifiedEmail, problem)
    if (rule?.name !== undefined) {
      if (names.has(rule.name)) problem('name', 'is used by another rule')
      names.add(rule.name)
    }
    if (rule) routes.push(Object.freeze(rule))
  })
  publicPaths.forEach((p, i) => {
    routes.push(
      Object.freeze({
        index: i + 1,
        source: 'PUBLIC_PATHS',
        methods: p.methods,
        path: p.path,
        prefix: p.prefix,
        foldedPath: p.path.toLowerCase(),
        action: 'public',
        api: false,
      })
    )
  })
  const ruleClaimNames = [...new Set(routes.flatMap((r) => Object.keys(r.claims ?? {})))]
  return { routes: Object.freeze(routes), ruleClaimNames: Object.freeze(ruleClaimNames) }
}
