/**
 * @module
 * Readers for `env` settings that collect problems instead of throwing, so
 * {@link parseConfig} can report every bad setting at once. A problem names the setting and
 * why, never its value.
 */

/** True for `localhost`, `127.0.0.0/8` and `[::1]`: hosts that only this machine can reach. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

/** The readers over one `env`, all writing to the same `problems` list. */
export function settingReaders(env: Record<string, unknown>, problems: string[]) {
  const text = (name: string): string | undefined => {
    const value = env[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') {
      problems.push(`${name} must be a string`)
      return undefined
    }
    const trimmed = value.trim()
    return trimmed === '' ? undefined : trimmed
  }

  const required = (name: string): string | undefined => {
    const value = text(name)
    if (value === undefined && !problems.some((p) => p.startsWith(`${name} `))) {
      problems.push(`${name} is required`)
    }
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
      problems.push(`${name} must be an absolute URL`)
      return undefined
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      problems.push(`${name} must be an http(s) URL`)
      return undefined
    }
    if (idp && parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
      problems.push(`${name} must use https (plain http is allowed for loopback hosts only)`)
      return undefined
    }
    if (parsed.username || parsed.password) {
      problems.push(`${name} must not contain credentials`)
      return undefined
    }
    return parsed
  }

  const integer = (name: string, fallback: number, min: number): number => {
    const value = text(name)
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      problems.push(`${name} must be a whole number >= ${min}`)
      return fallback
    }
    return Number(value)
  }

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name) ?? fallback
    if (!allowed.includes(value as T)) {
      problems.push(`${name} must be one of ${allowed.join(', ')}`)
      return fallback
    }
    return value as T
  }

  const boolean = (name: string, fallback: boolean): boolean => {
    const value = text(name)
    if (value === undefined) return fallback
    if (value === 'true') return true
    if (value === 'false') return false
    problems.push(`${name} must be true or false`)
    return fallback
  }

  return { text, required, url, integer, oneOf, boolean }
}
