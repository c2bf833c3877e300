/**
 * @module
 * Who may enter: `ALLOWED_EMAIL_DOMAINS`, `ALLOWED_EMAILS`, `ALLOWED_GROUPS`. When any is set, a
 * signed-in user must match at least one rule. Emails are parsed (exactly one `@`, an ASCII domain
 * compared case-insensitively, local part exactly), must be verified
 * (`email_verified: true`) unless `ALLOW_UNVERIFIED_EMAIL=true`, and a domain rule matches that
 * domain only, never a parent, a child or a look-alike.
 */
import type { SessionClaims } from '../identity'

/** An email address split at its one `@`; the domain lower-cased ASCII. */
export interface ParsedEmail {
  local: string
  domain: string
}

/** The rules, as parsed from configuration. */
export interface AllowList {
  emailDomains: readonly string[]
  emails: readonly ParsedEmail[]
  groups: readonly string[]
  allowUnverifiedEmail: boolean
}

/**
 * The lower-case form of an ASCII domain name (internationalised names in their `xn--` form), or
 * undefined for anything else. Nothing is mapped: a full-width letter, a soft hyphen or an
 * ideographic dot would make a different address look like an allowed one, so they are refused.
 */
export function normaliseDomain(domain: string): string | undefined {
  const lower = domain.replace(/[A-Z]/g, (ch) => ch.toLowerCase())
  return DOMAIN.test(lower) ? lower : undefined
}

/** Dot-separated LDH labels (RFC 1035 2.3.1), at least two. */
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/

/** Splits an address at its one `@`. @returns undefined for anything else. */
export function parseEmail(email: string): ParsedEmail | undefined {
  const parts = email.split('@')
  if (parts.length !== 2 || !parts[0]) return undefined
  const domain = normaliseDomain(parts[1]!)
  return domain ? { local: parts[0], domain } : undefined
}

/** True when no rule is set (everyone signed in may enter). */
export function isOpen(list: AllowList): boolean {
  return !list.emailDomains.length && !list.emails.length && !list.groups.length
}

/** True when `claims` match at least one rule (or there are none). */
export function isAllowed(claims: SessionClaims, list: AllowList): boolean {
  if (isOpen(list)) return true
  const groups = claims.groups ?? []
  if (list.groups.some((g) => groups.includes(g))) return true
  const verified = claims.email_verified === true || list.allowUnverifiedEmail
  const email = claims.email && verified ? parseEmail(claims.email) : undefined
  if (!email) return false
  if (list.emailDomains.includes(email.domain)) return true
  return list.emails.some((e) => e.local === email.local && e.domain === email.domain)
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)

/**
 * Parses the allow-list settings (comma-separated).
 * @returns the rules, and a problem sentence for each entry that is not a domain or an address
 * (by position, never echoing the value).
 */
export function parseAllowList(settings: {
  domains?: string | undefined
  emails?: string | undefined
  groups?: string | undefined
  allowUnverifiedEmail: boolean
}): { list: AllowList; problems: string[] } {
  const problems: string[] = []
  // Set but listing nothing (`,`): an allow-list that would let everyone in is refused.
  for (const [name, value] of [
    ['ALLOWED_EMAIL_DOMAINS', settings.domains],
    ['ALLOWED_EMAILS', settings.emails],
    ['ALLOWED_GROUPS', settings.groups],
  ] as const) {
    if (value !== undefined && list(value).length === 0) problems.push(`${name} lists nothing`)
  }
  const emailDomains: string[] = []
  list(settings.domains).forEach((d, i) => {
    const domain = normaliseDomain(d.replace(/^@/, ''))
    if (domain) emailDomains.push(domain)
    else problems.push(`ALLOWED_EMAIL_DOMAINS entry ${i + 1} is not a domain`)
  })
  const emails: ParsedEmail[] = []
  list(settings.emails).forEach((e, i) => {
    const email = parseEmail(e)
    if (email) emails.push(email)
    else problems.push(`ALLOWED_EMAILS entry ${i + 1} is not an email address`)
  })
  return {
    list: {
      emailDomains,
      emails,
      groups: list(settings.groups),
      allowUnverifiedEmail: settings.allowUnverifiedEmail,
    },
    problems,
  }
}
