/**
 * @module
 * `PUBLIC_PATHS`: comma-separated patterns, each an optional method list and a path, e.g.
 * `GET /assets/*, /healthz, GET|POST /hooks/*`. A path is exact, or ends in `/*` to match that
 * folder and everything below it (`/assets/*` matches `/assets/` and `/assets/a/b`, not
 * `/assets` or `/assetsX`). `GET` also allows `HEAD`. Matching is on the canonical path
 * (utils/canonical-path.ts); a path with an ambiguous sequence never matches.
 */
import { canonicalPath, isAmbiguousPath } from '../utils/canonical-path'

/** One parsed pattern. */
export interface PublicPath {
  /** Upper-case methods; empty means any. */
  methods: readonly string[]
  /** The exact path, or the folder prefix (ending in `/`) when `prefix`. */
  path: string
  prefix: boolean
}

const METHOD = /^[A-Z]+$/

/**
 * Parses `PUBLIC_PATHS`.
 * @returns the patterns, and a problem sentence for each bad entry (no values echoed beyond the
 * entry's position).
 */
export function parsePublicPaths(value: string | undefined): {
  paths: PublicPath[]
  problems: string[]
} {
  const paths: PublicPath[] = []
  const problems: string[] = []
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  entries.forEach((entry, index) => {
    const parts = entry.split(/\s+/)
    const [methodPart, pathPart] = parts.length === 2 ? parts : [undefined, parts[0]]
    const methods = methodPart ? methodPart.toUpperCase().split('|') : []
    const bad = (why: string) => problems.push(`PUBLIC_PATHS entry ${index + 1} ${why}`)
    if (parts.length > 2 || !pathPart) return bad('must be "[METHODS] /path"')
    if (!methods.every((m) => METHOD.test(m))) return bad('has a bad method list')
    const pattern = parsePathPattern(pathPart)
    if (!pattern) return bad('must be a plain path starting with /, optionally ending in /*')
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD')
    paths.push({ methods, ...pattern })
  })
  return { paths, problems }
}

/**
 * A path pattern as `PUBLIC_PATHS` and `ROUTES` write it: a plain, canonical path starting with
 * `/` (no query, fragment, `*` or ambiguous sequence; as a request path reads once parsed and
 * canonicalised), optionally ending in `/*` for a folder.
 * @returns the exact path, or the folder prefix (ending in `/`) with `prefix`; undefined for
 * anything else.
 */
export function parsePathPattern(text: string): { path: string; prefix: boolean } | undefined {
  if (!text.startsWith('/') || isAmbiguousPath(text) || /[?#*\s]/.test(text.replace(/\/\*$/, ''))) {
    return undefined
  }
  // As a request path reads after parsing and canonicalising, or no request could ever match it.
  if (canonicalPath(new URL(text, 'http://pattern.invalid').pathname) !== text) return undefined
  const prefix = text.endsWith('/*')
  return { path: prefix ? text.slice(0, -1) : text, prefix }
}

/** True when `method` on canonical path `path` is public under `patterns`. */
export function isPublicPath(
  patterns: readonly PublicPath[],
  method: string,
  path: string
): boolean {
  if (isAmbiguousPath(path)) return false
  return patterns.some(
    (p) =>
      (p.methods.length === 0 || p.methods.includes(method.toUpperCase())) &&
      (p.prefix ? path.startsWith(p.path) : path === p.path)
  )
}
