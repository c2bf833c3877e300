/**
 * @module
 * Configuration: parse the Worker's `env` once per isolate into a frozen {@link Config}, or report
 * every bad setting at once in a {@link ConfigError}. Values are never echoed, only names and
 * reasons, so a secret pasted into the wrong setting cannot leak into a page or a log.
 */

/** Client authentication at the token endpoint (RFC 6749 2.3.1; OpenID Connect Core 9). */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none'

/** `oidc`: OpenID Connect (ID token, nonce). `oauth`: plain OAuth 2.0 (Authing's OAuth mode). */
export type OAuthProtocol = 'oidc' | 'oauth'

/** The bindings and variables the Worker receives (wrangler.toml `[vars]`, secrets, KV). */
export interface Env {
  SESSIONS: KVNamespace
  ORIGIN_URL?: string
  OAUTH_PROTOCOL?: string
  OAUTH_ISSUER?: string
  CLIENT_ID?: string
  CLIENT_SECRET?: string
  REDIRECT_URI?: string
  OAUTH_SCOPE?: string
  TOKEN_ENDPOINT_AUTH_METHOD?: string
  COOKIE_SECRET?: string
  OAUTH_TIMEOUT_MS?: string
  SESSION_MAX_AGE_SECONDS?: string
}

/** The checked, frozen configuration. URLs are parsed; durations carry their unit in the name. */
export interface Config {
  originUrl: URL
  protocol: OAuthProtocol
  issuer: URL
  clientId: string
  /** Absent only when `tokenEndpointAuthMethod` is `none`. */
  clientSecret: string | undefined
  redirectUri: URL
  scope: string
  tokenEndpointAuthMethod: ClientAuthMethod
  cookieSecret: string
  /** Timeout for each call to the provider, in milliseconds. */
  oauthTimeoutMs: number
  /** Absolute lifetime of a session, in seconds (KV `expirationTtl` and cookie `Max-Age`). */
  sessionMaxAgeSeconds: number
  sessions: KVNamespace
}

/** Thrown by {@link parseConfig}: `problems` names every bad setting and why, never its value. */
export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_post',
  'client_secret_basic',
  'none',
]
/** HMAC keys shorter than this are guessable offline; 32 characters of a random string is 192+ bits. */
const MIN_COOKIE_SECRET_LENGTH = 32
const DEFAULT_TIMEOUT_MS = 5000
const DEFAULT_SESSION_MAX_AGE_SECONDS = 43200
/** KV refuses an `expirationTtl` below 60 seconds. */
const KV_MIN_TTL_SECONDS = 60

/**
 * True for hosts that only this machine can reach: `localhost`, `127.0.0.0/8` and `[::1]`.
 * Plain `http` is accepted for these alone, so local runs work without certificates.
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

/**
 * Parses and checks `env`.
 * @returns a frozen {@link Config}.
 * @throws {ConfigError} listing every missing or bad setting.
 */
export function parseConfig(env: Env): Config {
  const problems: string[] = []
  const text = (name: keyof Env): string | undefined => {
    const value = env[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') {
      problems.push(`${name} must be a string`)
      return undefined
    }
    const trimmed = value.trim()
    return trimmed === '' ? undefined : trimmed
  }
  const required = (name: keyof Env): string | undefined => {
    const value = text(name)
    if (value === undefined && !problems.some((p) => p.startsWith(`${name} `))) {
      problems.push(`${name} is required`)
    }
    return value
  }
  const url = (name: keyof Env, { idp }: { idp: boolean }): URL | undefined => {
    const value = required(name)
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
  const integer = (name: keyof Env, fallback: number, min: number): number => {
    const value = text(name)
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      problems.push(`${name} must be a whole number >= ${min}`)
      return fallback
    }
    return Number(value)
  }

  const originUrl = url('ORIGIN_URL', { idp: false })
  if (originUrl && (originUrl.search || originUrl.hash)) {
    problems.push('ORIGIN_URL must not have a query or fragment')
  }

  const protocolText = text('OAUTH_PROTOCOL') ?? 'oidc'
  if (protocolText !== 'oidc' && protocolText !== 'oauth') {
    problems.push('OAUTH_PROTOCOL must be "oidc" or "oauth"')
  }
  const protocol: OAuthProtocol = protocolText === 'oauth' ? 'oauth' : 'oidc'

  const issuer = url('OAUTH_ISSUER', { idp: true })
  const clientId = required('CLIENT_ID')

  const methodText = text('TOKEN_ENDPOINT_AUTH_METHOD') ?? 'client_secret_post'
  if (!AUTH_METHODS.includes(methodText as ClientAuthMethod)) {
    problems.push(`TOKEN_ENDPOINT_AUTH_METHOD must be one of ${AUTH_METHODS.join(', ')}`)
  }
  const tokenEndpointAuthMethod = methodText as ClientAuthMethod
  const clientSecret =
    tokenEndpointAuthMethod === 'none' ? text('CLIENT_SECRET') : required('CLIENT_SECRET')

  const redirectUri = url('REDIRECT_URI', { idp: true })
  if (redirectUri && redirectUri.pathname !== '/_auth/callback') {
    problems.push('REDIRECT_URI must have the path /_auth/callback')
  }

  const scope = (text('OAUTH_SCOPE') ?? (protocol === 'oidc' ? 'openid profile email' : 'user'))
    .split(/\s+/)
    .join(' ')
  if (protocol === 'oidc' && !scope.split(' ').includes('openid')) {
    problems.push('OAUTH_SCOPE must include "openid" when OAUTH_PROTOCOL is "oidc"')
  }

  const cookieSecret = required('COOKIE_SECRET')
  if (cookieSecret !== undefined && cookieSecret.length < MIN_COOKIE_SECRET_LENGTH) {
    problems.push(`COOKIE_SECRET must be at least ${MIN_COOKIE_SECRET_LENGTH} characters`)
  }

  const oauthTimeoutMs = integer('OAUTH_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 1)
  const sessionMaxAgeSeconds = integer(
    'SESSION_MAX_AGE_SECONDS',
    DEFAULT_SESSION_MAX_AGE_SECONDS,
    KV_MIN_TTL_SECONDS
  )

  const sessions = env.SESSIONS
  if (!sessions || typeof sessions.get !== 'function' || typeof sessions.put !== 'function') {
    problems.push('the KV binding SESSIONS is missing (add [[kv_namespaces]] to wrangler.toml)')
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({
    originUrl: originUrl!,
    protocol,
    issuer: issuer!,
    clientId: clientId!,
    clientSecret,
    redirectUri: redirectUri!,
    scope,
    tokenEndpointAuthMethod,
    cookieSecret: cookieSecret!,
    oauthTimeoutMs,
    sessionMaxAgeSeconds,
    sessions,
  })
}

const parsed = new WeakMap<object, Config | ConfigError>()

/**
 * {@link parseConfig}, once per `env` object: the Workers runtime hands an isolate the same `env`
 * on every request, so this parses once per isolate.
 * @throws {ConfigError} (the same instance on every call for one `env`).
 */
export function getConfig(env: Env): Config {
  let entry = parsed.get(env)
  if (entry === undefined) {
    try {
      entry = parseConfig(env)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      entry = err
    }
    parsed.set(env, entry)
  }
  if (entry instanceof ConfigError) throw entry
  return entry
}
