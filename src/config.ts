/**
 * @module
 * Configuration: parse the Worker's `env` once per isolate into a frozen {@link Config}, or report
 * every bad setting at once in a {@link ConfigError}. Values are never echoed, only names and
 * reasons, so a secret pasted into the wrong setting cannot leak into a page or a log.
 */

import { parseAllowList, type AllowList } from './access/allow-list'
import { makeSettingReaders } from './config-readers'
import { KV_MIN_TTL_SECONDS } from './utils/kv'
import { parsePublicPaths, type PublicPath } from './utils/public-paths'
import type { ClientAuthMethod, EndpointName, OAuthProtocol, ResponseMode } from './oauth/types'

export type { ClientAuthMethod, EndpointName, OAuthProtocol, ResponseMode }

/** The bindings and variables the Worker receives (wrangler.toml `[vars]`, secrets, KV). */
export interface Env {
  SESSIONS: KVNamespace
  ORIGIN_URL?: string
  OAUTH_PROTOCOL?: string
  OAUTH_ISSUER?: string
  AUTHING_APP_HOST?: string
  OAUTH_AUTHORIZATION_ENDPOINT?: string
  OAUTH_TOKEN_ENDPOINT?: string
  OAUTH_USERINFO_ENDPOINT?: string
  OAUTH_INTROSPECTION_ENDPOINT?: string
  OAUTH_REVOCATION_ENDPOINT?: string
  OAUTH_END_SESSION_ENDPOINT?: string
  CLIENT_ID?: string
  CLIENT_SECRET?: string
  REDIRECT_URI?: string
  OAUTH_SCOPE?: string
  OAUTH_PKCE?: string
  OAUTH_RESPONSE_MODE?: string
  TOKEN_ENDPOINT_AUTH_METHOD?: string
  INTROSPECTION_ENDPOINT_AUTH_METHOD?: string
  REVOCATION_ENDPOINT_AUTH_METHOD?: string
  COOKIE_SECRET?: string
  OAUTH_TIMEOUT_MS?: string
  SESSION_MAX_AGE_SECONDS?: string
  SESSION_IDLE_SECONDS?: string
  REFRESH_SKEW_SECONDS?: string
  INTROSPECTION?: string
  INTROSPECTION_CACHE_TTL_SECONDS?: string
  INTROSPECTION_NEGATIVE_TTL_SECONDS?: string
  BEARER_USERINFO?: string
  POST_LOGOUT_REDIRECT_URI?: string
  PUBLIC_PATHS?: string
  ALLOW_CORS_PREFLIGHT?: string
  ALLOWED_EMAIL_DOMAINS?: string
  ALLOWED_EMAILS?: string
  ALLOWED_GROUPS?: string
  GROUPS_CLAIM?: string
  ALLOW_UNVERIFIED_EMAIL?: string
}

/** The checked, frozen configuration. URLs are parsed; durations carry their unit in the name. */
export interface Config {
  originUrl: URL
  protocol: OAuthProtocol
  /** Where endpoints come from: explicit ones, then Authing's layout, then discovery. */
  provider: {
    issuer: URL | undefined
    appHost: URL | undefined
    endpoints: Readonly<Partial<Record<EndpointName, URL>>>
  }
  clientId: string
  /** Absent only when every endpoint's auth method is `none`. */
  clientSecret: string | undefined
  redirectUri: URL
  scope: string
  /** Send PKCE (RFC 7636) with S256. */
  pkce: boolean
  responseMode: ResponseMode
  tokenEndpointAuthMethod: ClientAuthMethod
  introspectionEndpointAuthMethod: ClientAuthMethod
  revocationEndpointAuthMethod: ClientAuthMethod
  cookieSecret: string
  /** Timeout for each call to the provider, in milliseconds. */
  oauthTimeoutMs: number
  /** Absolute lifetime of a session, in seconds (KV `expirationTtl` and cookie `Max-Age`). */
  sessionMaxAgeSeconds: number
  /** A session unused this long (seconds) ends; tracked in KV at most once a minute. */
  sessionIdleSeconds: number
  /** Refresh this many seconds before the access token expires. */
  refreshSkewSeconds: number
  /** Re-check access tokens at the introspection endpoint (RFC 7662). */
  introspection: boolean
  /** How long an active introspection answer is trusted, in seconds (never past the token's `exp`). */
  introspectionCacheTtlSeconds: number
  /** How long an inactive answer is remembered, in seconds. */
  introspectionNegativeTtlSeconds: number
  /** For Bearer requests, take the identity from userinfo as well as introspection. */
  bearerUserinfo: boolean
  /** Where the provider sends the browser after sign-out; undefined means the site's `/`. */
  postLogoutRedirectUri: URL | undefined
  /** Paths that reach the origin without sign-in (utils/public-paths.ts). */
  publicPaths: readonly PublicPath[]
  /** Let CORS preflights (`OPTIONS` with `Access-Control-Request-Method`) through without sign-in. */
  allowCorsPreflight: boolean
  /** Who may enter (access/allow-list.ts); open when empty. */
  allowList: AllowList
  /** The claim that holds the user's groups (ID token or userinfo). */
  groupsClaim: string
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
const ENDPOINT_SETTINGS: Record<EndpointName, keyof Env> = {
  authorization: 'OAUTH_AUTHORIZATION_ENDPOINT',
  token: 'OAUTH_TOKEN_ENDPOINT',
  userinfo: 'OAUTH_USERINFO_ENDPOINT',
  introspection: 'OAUTH_INTROSPECTION_ENDPOINT',
  revocation: 'OAUTH_REVOCATION_ENDPOINT',
  end_session: 'OAUTH_END_SESSION_ENDPOINT',
}
/** HMAC keys shorter than this are guessable offline; 32 characters of a random string is 192+ bits. */
const MIN_COOKIE_SECRET_LENGTH = 32
const DEFAULT_TIMEOUT_MS = 5000
const DEFAULT_SESSION_MAX_AGE_SECONDS = 43200

/**
 * Parses and checks `env`.
 * @returns a frozen {@link Config}.
 * @throws {ConfigError} listing every missing or bad setting.
 */
export function parseConfig(env: Env): Config {
  const problems: string[] = []
  const read = makeSettingReaders(env as unknown as Record<string, unknown>, problems)

  const originUrl = read.url('ORIGIN_URL', { idp: false })
  if (originUrl && (originUrl.search || originUrl.hash)) {
    problems.push('ORIGIN_URL must not have a query or fragment')
  }

  const protocol = read.oneOf<OAuthProtocol>('OAUTH_PROTOCOL', ['oidc', 'oauth'], 'oidc')

  const issuer = read.url('OAUTH_ISSUER', { idp: true, optional: true })
  const appHost = read.url('AUTHING_APP_HOST', { idp: true, optional: true })
  if (appHost && (appHost.search || appHost.hash || appHost.pathname !== '/')) {
    problems.push(
      'AUTHING_APP_HOST must be the app address alone, like https://your-app.authing.cn'
    )
  }
  const endpoints: Partial<Record<EndpointName, URL>> = {}
  for (const [name, setting] of Object.entries(ENDPOINT_SETTINGS) as [EndpointName, keyof Env][]) {
    const endpoint = read.url(setting, { idp: true, optional: true })
    if (endpoint) endpoints[name] = endpoint
  }
  const explicitOnly = endpoints.authorization && endpoints.token
  const locatorProblem = read.failed.has('OAUTH_ISSUER') || read.failed.has('AUTHING_APP_HOST')
  if (!issuer && !appHost && !(protocol === 'oauth' && explicitOnly) && !locatorProblem) {
    problems.push(
      protocol === 'oidc'
        ? 'OAUTH_ISSUER or AUTHING_APP_HOST is required'
        : 'OAUTH_ISSUER, AUTHING_APP_HOST, or both OAUTH_AUTHORIZATION_ENDPOINT and OAUTH_TOKEN_ENDPOINT are required'
    )
  }

  const clientId = read.required('CLIENT_ID')
  const tokenEndpointAuthMethod = read.oneOf(
    'TOKEN_ENDPOINT_AUTH_METHOD',
    AUTH_METHODS,
    'client_secret_post'
  )
  // A proxy's client is one registration: the other endpoints default to the token endpoint's method.
  const introspectionEndpointAuthMethod = read.oneOf(
    'INTROSPECTION_ENDPOINT_AUTH_METHOD',
    AUTH_METHODS,
    tokenEndpointAuthMethod
  )
  const revocationEndpointAuthMethod = read.oneOf(
    'REVOCATION_ENDPOINT_AUTH_METHOD',
    AUTH_METHODS,
    tokenEndpointAuthMethod
  )
  const needsSecret = [
    tokenEndpointAuthMethod,
    introspectionEndpointAuthMethod,
    revocationEndpointAuthMethod,
  ].some((method) => method !== 'none')
  const clientSecret = needsSecret ? read.required('CLIENT_SECRET') : read.text('CLIENT_SECRET')

  const redirectUri = read.url('REDIRECT_URI', { idp: true })
  if (redirectUri && redirectUri.pathname !== '/_auth/callback') {
    problems.push('REDIRECT_URI must have the path /_auth/callback')
  }

  const scope = (
    read.text('OAUTH_SCOPE') ?? (protocol === 'oidc' ? 'openid profile email' : 'user')
  )
    .split(/\s+/)
    .join(' ')
  if (protocol === 'oidc' && !scope.split(' ').includes('openid')) {
    problems.push('OAUTH_SCOPE must include "openid" when OAUTH_PROTOCOL is "oidc"')
  }
  const pkce = read.boolean('OAUTH_PKCE', true)
  const responseMode = read.oneOf<ResponseMode>(
    'OAUTH_RESPONSE_MODE',
    ['query', 'form_post'],
    'query'
  )

  const cookieSecret = read.required('COOKIE_SECRET')
  if (cookieSecret !== undefined && cookieSecret.length < MIN_COOKIE_SECRET_LENGTH) {
    problems.push(`COOKIE_SECRET must be at least ${MIN_COOKIE_SECRET_LENGTH} characters`)
  }

  const oauthTimeoutMs = read.integer('OAUTH_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 1)
  const sessionMaxAgeSeconds = read.integer(
    'SESSION_MAX_AGE_SECONDS',
    DEFAULT_SESSION_MAX_AGE_SECONDS,
    KV_MIN_TTL_SECONDS
  )

  const sessionIdleSeconds = read.integer('SESSION_IDLE_SECONDS', 1800, KV_MIN_TTL_SECONDS)
  const refreshSkewSeconds = read.integer('REFRESH_SKEW_SECONDS', 30, 0)
  const introspection = read.boolean('INTROSPECTION', true)
  const introspectionCacheTtlSeconds = read.integer('INTROSPECTION_CACHE_TTL_SECONDS', 60, 1)
  const introspectionNegativeTtlSeconds = read.integer('INTROSPECTION_NEGATIVE_TTL_SECONDS', 10, 0)
  const bearerUserinfo = read.boolean('BEARER_USERINFO', false)
  const postLogoutRedirectUri = read.url('POST_LOGOUT_REDIRECT_URI', { idp: true, optional: true })
  const publicPaths = parsePublicPaths(read.text('PUBLIC_PATHS'))
  problems.push(...publicPaths.problems)
  const allowCorsPreflight = read.boolean('ALLOW_CORS_PREFLIGHT', false)
  const allowList = parseAllowList({
    domains: read.text('ALLOWED_EMAIL_DOMAINS'),
    emails: read.text('ALLOWED_EMAILS'),
    groups: read.text('ALLOWED_GROUPS'),
    allowUnverifiedEmail: read.boolean('ALLOW_UNVERIFIED_EMAIL', false),
  })
  problems.push(...allowList.problems)
  const groupsClaim = read.text('GROUPS_CLAIM') ?? 'groups'

  const sessions = env.SESSIONS
  if (!sessions || typeof sessions.get !== 'function' || typeof sessions.put !== 'function') {
    problems.push('the KV binding SESSIONS is missing (add [[kv_namespaces]] to wrangler.toml)')
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({
    originUrl: originUrl!,
    protocol,
    provider: Object.freeze({ issuer, appHost, endpoints: Object.freeze(endpoints) }),
    clientId: clientId!,
    clientSecret,
    redirectUri: redirectUri!,
    scope,
    pkce,
    responseMode,
    tokenEndpointAuthMethod,
    introspectionEndpointAuthMethod,
    revocationEndpointAuthMethod,
    cookieSecret: cookieSecret!,
    oauthTimeoutMs,
    sessionMaxAgeSeconds,
    sessionIdleSeconds,
    refreshSkewSeconds,
    introspection,
    introspectionCacheTtlSeconds,
    introspectionNegativeTtlSeconds,
    bearerUserinfo,
    postLogoutRedirectUri,
    publicPaths: Object.freeze(publicPaths.paths),
    allowCorsPreflight,
    allowList: allowList.list,
    groupsClaim,
    sessions,
  })
}

/**
 * Settings that are allowed but weaken a safeguard, as sentences for the log (no values).
 * @returns one sentence per weakness; empty when there is none.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = []
  if (config.protocol === 'oauth' && !config.pkce) {
    warnings.push(
      'OAUTH_PKCE=false in oauth mode: with no nonce either, nothing ties a code to the browser that asked for it (RFC 9700 4.5)'
    )
  }
  return warnings
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
