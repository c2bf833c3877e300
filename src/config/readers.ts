/**
 * @module
 * Readers for `env` settings that collect problems instead of throwing, so `parseConfig`
 * (src/config.ts) can report every bad setting at once. A problem names the setting and
 * why, never its value.
 */
import { isLoopbackHost } from '../utils/loopback'

/**
 * Makes the readers over one `env`. Each reader returns the parsed value (or a fallback, or
 * undefined) and, for a bad value, adds a problem to `problems` and the name to the returned
 * `failed` set. `problem` adds a problem of the caller's own (one setting against another).
 * Every name asked for is added to `names`: after the parts of the configuration have read theirs,
 * it is the list of known settings (config/unknown-settings.ts), so none can be left out of it.
 * @returns `{ text, required, url, integer, oneOf, boolean, raw, problem, failed, names }`.
 */
export function makeSettingReaders(env: Record<string, unknown>, problems: string[]) {
  const failed = new Set<string>()
  const names = new Set<string>()
  const fail = (name: string, problem: string) => {
    failed.add(name)
    problems.push(problem)
  }
  /** The raw value: a string, or what wrangler makes of a TOML table or array (JSON). */
  const raw = (name: string): unknown => {
    names.add(name)
    return env[name]
  }
  const text = (name: string): string | undefined => {
    const value = env[name]
    names.add(name)
    if (value === undefined || value === null) return undefined
    // A TOML `true` or `60` reaches the Worker as a boolean or number: read as it is written.
    if (typeof value === 'boolean' || typeof value === 'number') return String(value)
    if (typeof value !== 'string') {
      fail(name, `${name} must be a string`)
      return undefined
    }
    const trimmed = value.trim()
    return trimmed === '' ? undefined : trimmed
  }

  const required = (name: string): string | undefined => {
    const value = text(name)
    if (value === undefined && !failed.has(name)) fail(name, `${name} is required`)
    return value
  }

  /**
   * An absolute http(s) URL without credentials. `idp` URLs must be https unless the host is
   * loopback. `optional` URLs may be absent.
   */
  const url = (
    name: string,
    { idp, optional = false }: { idp: boolean; optional?: boolean }
  ): URL | undefined => {
    const value = optional ? text(name) : required(name)
    if (value === undefined) return undefined
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      fail(name, `${name} must be an absolute URL`)
      return undefined
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      fail(name, `${name} must be an http(s) URL`)
      return undefined
    }
    if (idp && parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
      fail(name, `${name} must use https (plain http is allowed for loopback hosts only)`)
      return undefined
    }
    if (parsed.username || parsed.password) {
      fail(name, `${name} must not contain credentials`)
      return undefined
    }
    return parsed
  }

  const integer = (name: string, fallback: number, min: number): number => {
    const value = text(name)
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      fail(name, `${name} must be a whole number >= ${min}`)
      return fallback
    }
    return Number(value)
  }

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name) ?? fallback
    if (!allowed.includes(value as T)) {
      fail(name, `${name} must be one of ${allowed.join(', ')}`)
      return fallback
    }
    return value as T
  }

  const boolean = (name: string, fallback: boolean): boolean => {
    const value = text(name)
    if (value === undefined) return fallback
    if (value === 'true') return true
    if (value === 'false') return false
    fail(name, `${name} must be true or false`)
    return fallback
  }

  const problem = (sentence: string): void => {
    problems.push(sentence)
  }

  return { text, required, url, integer, oneOf, boolean, raw, problem, failed, names }
}

/** The readers {@link makeSettingReaders} makes, as each part of the configuration takes them. */
export type SettingReaders = ReturnType<typeof makeSettingReaders>
