/**
 * @module
 * Settings that cannot fail open: a variable the proxy does not read that looks like one of its
 * own is a configuration error, so `ALLOWED_EMAIL_DOMAIN=corp.example` (the `S` missing) stops
 * the proxy instead of letting everyone in. It looks like ours when it is within
 * {@link MAX_TYPO_DISTANCE} edits of a known name (after upper-casing and `-` to `_`), or starts
 * with one of {@link OUR_PREFIXES} (`ALLOWED_`, `OAUTH_`, `SESSION_`, ...: words no other tool's
 * variables are likely to start with; generic first words such as `CLIENT_`, `PUBLIC_` or
 * `POST_` are left out, so `PUBLIC_URL` or `CLIENT_NAME` of another tool stay warnings). The known names are the ones the parts of the configuration read
 * (config/readers.ts records them), so a new setting is known the moment it is read. Other
 * variables are listed, by name, in one warning. Bindings (KV, Durable Objects, rate limits...)
 * are objects with methods, never settings, and are skipped; a value wrangler made of a TOML table
 * or array (plain JSON) counts as a variable.
 */
import { editDistance } from '../utils/edit-distance'

/** Edits (insert, delete, substitute, swap) within which a name is taken for a typo of ours. */
export const MAX_TYPO_DISTANCE = 2

/** True for a string, number, boolean, or a plain array or object of them: a variable, not a binding. */
function isVariable(value: unknown, depth = 0): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true
  if (typeof value !== 'object' || depth > 8) return false
  if (Array.isArray(value)) return value.every((v) => isVariable(v, depth + 1))
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  return Object.values(value).every((v) => isVariable(v, depth + 1))
}

/**
 * Prefixes that mark a variable as meant for this proxy. Each is the start of known names
 * (test/unit/unknown-settings.test.ts checks it); `ROUTES_` catches `ROUTES_JSON` and the like.
 */
export const OUR_PREFIXES = [
  'ALLOWED_',
  'ALLOW_',
  'OAUTH_',
  'AUTHING_',
  'SESSION_',
  'COOKIE_',
  'INTROSPECTION_',
  'REVOCATION_',
  'BEARER_',
  'IDENTITY_JWT_',
  'ROUTES',
] as const

/** The known name closest to `name`, or undefined when none is within `limit` edits. */
function closest(name: string, known: ReadonlySet<string>, limit: number): string | undefined {
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of known) {
    const d = editDistance(name, candidate, limit)
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

/**
 * Sorts the variables of `env` that no part of the configuration read.
 * @param known the names read (config/readers.ts `names`).
 * @returns `problems`: one sentence per name that looks like ours (naming it and the setting it
 * probably meant, never its value); `others`: the names of the rest, sorted.
 */
export function checkUnknownSettings(
  env: Record<string, unknown>,
  known: ReadonlySet<string>
): { problems: string[]; others: string[] } {
  const problems: string[] = []
  const others: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (known.has(name) || !isVariable(value)) continue
    const spelled = name.toUpperCase().replace(/-/g, '_')
    const typo = closest(spelled, known, MAX_TYPO_DISTANCE)
    const prefix = OUR_PREFIXES.find((p) => spelled.startsWith(p))
    if (typo) {
      problems.push(`${name} is not a setting of this proxy: did you mean ${typo}?`)
    } else if (prefix) {
      const family = new Set([...known].filter((k) => k.startsWith(prefix)))
      const near = closest(spelled, family, spelled.length)
      problems.push(
        `${name} is not a setting of this proxy (${prefix}... names are ours)${near ? `: did you mean ${near}?` : ''}`
      )
    } else {
      others.push(name)
    }
  }
  return { problems, others: others.sort() }
}
