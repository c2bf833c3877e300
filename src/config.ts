/**
 * @module
 * Configuration: parse the Worker's `env` once per isolate into a frozen {@link Config}, or report
 * every bad setting at once in a {@link ConfigError}. Values are never echoed, only names and
 * reasons, so a secret pasted into the wrong setting cannot leak into a page or a log. Each
 * concern is read by its own part (as oauth2-proxy's `pkg/validation`): config/provider.ts,
 * config/client.ts, config/sessions.ts, config/access.ts, config/assertion.ts,
 * config/upstream.ts, config/operations.ts; each default is written once, there (the OAuth client's own in
 * oauth/options.ts).
 */
import { isOpen } from './access/allow-list'
import { ruleLabel, type RouteRule } from './access/routes'
import { readAccess, type AccessSettings } from './config/access'
import { readAssertion, ruleAssertions, type AssertionConfig } from './config/assertion'
import { readClient, type ClientSettings } from './config/client'
import { readOperations, type OperationsSettings } from './config/operations'
import { makeSettingReaders } from './config/readers'
import { readProvider } from './config/provider'
import { readSessions, type SessionSettings } from './config/sessions'
import { readUpstream, type UpstreamSettings } from './config/upstream'
import { checkUnknownSettings } from './config/unknown-settings'
import { withCallTimeout } from './utils/durable-object-timeout'
import { withKvTimeout } from './utils/kv-timeout'
import type { ClientAuthMethod, EndpointName, OAuthProtocol, ResponseMode } from './oauth/types'
import type { AssertionSettings } from './proxy/identity-assertion'
import { REFRESH_LEASE_SECONDS } from './session/authority'

export type { ClientAuthMethod, EndpointName, OAuthProtocol, ResponseMode }

/** The bindings and variables the Worker receives (wrangler.toml `[vars]`, secrets, KV). */
export interface Env {
  SESSIONS: KVNamespace
  /** The sessions' Durable Objects (`SessionAuthorityObject`, objects/session-authority.ts). */
  SESSION_AUTHORITY: DurableObjectNamespace
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
  /** Rate limit of introspections of unknown Bearer tokens per client address (`[[ratelimits]]`). */
  INTROSPECTION_LIMITER?: RateLimit
  /** Bearer secret of `POST /_auth/admin/sessions/end`; the endpoint exists only when it is set. */
  ADMIN_TOKEN?: string
  OAUTH_TIMEOUT_MS?: string
  SESSION_MAX_AGE_SECONDS?: string
  SESSION_IDLE_SECONDS?: string
  REFRESH_SKEW_SECONDS?: string
  INTROSPECTION?: string
  INTROSPECTION_CACHE_TTL_SECONDS?: string
  INTROSPECTION_NEGATIVE_TTL_SECONDS?: string
  PROVIDER_OUTAGE_GRACE_SECONDS?: string
  BEARER_USERINFO?: string
  POST_LOGOUT_REDIRECT_URI?: string
  PUBLIC_PATHS?: string
  ALLOW_CORS_PREFLIGHT?: string
  ALLOWED_EMAIL_DOMAINS?: string
  ALLOWED_EMAILS?: string
  ALLOWED_GROUPS?: string
  GROUPS_CLAIM?: string
  ALLOW_UNVERIFIED_EMAIL?: string
  IDENTITY_JWT_PRIVATE_KEY?: string
  IDENTITY_JWT_PREVIOUS_PUBLIC_KEY?: string
  IDENTITY_JWT_AUDIENCE?: string
  IDENTITY_JWT_TTL_SECONDS?: string
  PASS_ACCESS_TOKEN?: string
  CLAIM_HEADERS?: string
  OAUTH_AUTHORIZE_PARAMS?: string
  /** Per-route policies: a JSON string, or the list wrangler makes of `[[vars.ROUTES]]` tables. */
  ROUTES?: string | unknown[]
  LOG_SAMPLE_RATE?: string
  ORIGIN_TIMEOUT_MS?: string
  KV_TIMEOUT_MS?: string
  WEBSOCKET_ALLOWED_ORIGINS?: string
  /** Workers Analytics Engine (`[[analytics_engine_datasets]]`), optional: counts go there. */
  METRICS?: AnalyticsEngineDataset
}

/**
 * The checked, frozen configuration. URLs are parsed; durations carry their unit in the name.
 * The OAuth client's settings (provider, client id and secret, redirect URI, scope, auth methods,
 * timeout) are in `client`, exactly as the client is made from them.
 */
export interface Config
  extends
    ClientSettings,
    SessionSettings,
    AccessSettings,
    AssertionConfig,
    UpstreamSettings,
    OperationsSettings {
  /** `ORIGIN_URL`: where requests go on to (no query or fragment). */
  originUrl: URL
  /** `assertion` with `aud` the rule's origin, for rules with their own (config/assertion.ts). */
  ruleAssertions: ReadonlyMap<RouteRule, AssertionSettings>
  /** Variables the proxy does not read and that do not look like its own (names only, sorted). */
  unknownSettings: readonly string[]
  /** The KV binding for sessions and Bearer tokens' verdicts, each call within `KV_TIMEOUT_MS`. */
  sessions: KVNamespace
  /** The Durable Object binding of the sessions' authorities (session/authority.ts). */
  authority: DurableObjectNamespace
  /** `ADMIN_TOKEN`: the operator's bearer secret (at least 32 characters), if any. */
  adminToken: string | undefined
  /** The Rate Limiting binding for introspections of unknown tokens; none: no limit. */
  introspectionLimiter: RateLimit | undefined
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
    read.problem('ORIGIN_URL must not have a query or fragment')
  }
  const client = readClient(read, readProvider(read))
  const sessionSettings = readSessions(read)
  const access = readAccess(read)
  const redirectUri = client.client.redirectUri ? new URL(client.client.redirectUri) : undefined
  const assertion = readAssertion(read, redirectUri, originUrl)
  const perRule = ruleAssertions(read, assertion.assertion, access.routes)
  const upstream = readUpstream(read)
  const operations = readOperations(read)
  const sessions = env.SESSIONS
  if (!sessions || typeof sessions.get !== 'function' || typeof sessions.put !== 'function') {
    read.problem('the KV binding SESSIONS is missing (add [[kv_namespaces]] to wrangler.toml)')
  }
  const authority = env.SESSION_AUTHORITY
  if (!authority || typeof authority.idFromName !== 'function') {
    read.problem(
      'the Durable Object binding SESSION_AUTHORITY is missing (add [[durable_objects.bindings]] to wrangler.toml)'
    )
  }
  const adminToken = read.text('ADMIN_TOKEN')
  if (adminToken !== undefined && adminToken.length < 32) {
    read.problem('ADMIN_TOKEN must be at least 32 characters')
  }
  // Last: by now every part has read its settings, so `read.names` is the list of known ones.
  const unknown = checkUnknownSettings(env as unknown as Record<string, unknown>, read.names)
  unknown.problems.forEach(read.problem)

  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({
    originUrl: originUrl!,
    ...client,
    ...sessionSettings,
    ...access,
    ...assertion,
    ruleAssertions: perRule,
    ...upstream,
    ...operations,
    sessions: withKvTimeout(sessions, operations.kvTimeoutMs),
    unknownSettings: Object.freeze(unknown.others),
    // A refresh that waits for another caller's lease is held by the authority up to the lease.
    authority: withCallTimeout(authority, (method) =>
      method === 'beginRefresh'
        ? REFRESH_LEASE_SECONDS * 1000 + operations.kvTimeoutMs
        : operations.kvTimeoutMs
    ),
    adminToken,
    introspectionLimiter: env.INTROSPECTION_LIMITER,
  })
}

/**
 * Settings that are allowed but weaken a safeguard, as sentences for the log (no values).
 * @returns one sentence per weakness; empty when there is none.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = []
  if (config.client.protocol === 'oauth' && !config.pkce) {
    warnings.push(
      'OAUTH_PKCE=false in oauth mode: with no nonce either, nothing ties a code to the browser that asked for it (RFC 9700 4.5)'
    )
  }
  const open = config.routes.filter((r) => r.action === 'authenticated')
  if (open.length && !isOpen(config.allowList)) {
    warnings.push(
      `ROUTES rules ${open.map(ruleLabel).join(', ')} let in any signed-in user: ALLOWED_* applies only where no rule matches`
    )
  }
  if (config.unknownSettings.length) {
    warnings.push(`variables this proxy does not read: ${config.unknownSettings.join(', ')}`)
  }
  return warnings
}

/** The outcome of {@link parseConfig} per `env` object (isolate memory). */
export type ParsedConfigs = WeakMap<object, Config | ConfigError>

/**
 * {@link parseConfig}, once per `env` object: the Workers runtime hands an isolate the same `env`
 * on every request, so with the isolate's `parsed` this parses once per isolate.
 * @throws {ConfigError} (the same instance on every call for one `env` and `parsed`).
 */
export function getConfig(env: Env, parsed: ParsedConfigs): Config {
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
