/**
 * @module
 * Isolate memory: everything the proxy keeps between requests, in one object. The Worker makes
 * one app per isolate (src/index.ts) and the app makes one {@link IsolateMemory}
 * (`createApp`), which every request reads from the context (`c.get('memory')`). No module keeps
 * anything of its own: each function that may remember something takes the piece it needs.
 *
 * An isolate has 128 MB and serves many users, so every cache here is bounded in entries (the
 * oldest go first) or keyed by something of which there are only a few (an `env`, a
 * configuration, a secret). What may be stale is kept with an expiry from the injected clock,
 * and never longer than `INTROSPECTION_CACHE_TTL_SECONDS`: another isolate may have changed it.
 * KV is the shared truth (docs/storage.md); this is a per-isolate shortcut in front of it.
 */
import type { RouteDecisions } from './access/routes'
import type { TokenVerdict } from './cache/introspection-cache'
import { Memo, MemoryCache, SingleFlight } from './cache/memory-cache'
import type { Config, ConfigError, ParsedConfigs } from './config'
import type { JwksCache, OAuthClient, ProviderCache } from './oauth/client'
import type { SessionClaims } from './identity'
import type { AssertionSettings } from './proxy/identity-assertion'
import type { SessionMemory } from './session/keep-alive-deps'
import type { HmacKeys, SealKeys } from './utils/crypto'

/** Entries per cache of per-user things: enough for a busy isolate, small enough for 128 MB. */
const MAX_CACHED_ENTRIES = 10_000
/** Tokens whose hash is remembered: 1 000 tokens of at most 4 KiB each stay under 4 MiB. */
const MAX_TOKEN_HASHES = 1000
/** Header names whose verdict is remembered (each at most 64 bytes: proxy/identity-headers.ts). */
const MAX_HEADER_NAMES = 1000
/** Signed assertions kept: at most 4 096 characters each (with key), so under 20 MB in all. */
const MAX_CACHED_ASSERTIONS = 2000

/** What the proxy keeps in an isolate between requests. Times are epoch seconds. */
export interface IsolateMemory extends SessionMemory {
  // Configuration: keyed weakly by the objects they come from. The runtime hands an isolate the
  // same `env` on every request; tests and the bench make their own, and a WeakMap lets an `env`
  // no longer used go, with its configuration and OAuth client, without any bound to choose.
  /** The parsed configuration (or its error) per `env` object: one parse per isolate. */
  configs: ParsedConfigs
  /** Configuration errors already logged, so a bad setting is logged once per isolate. */
  loggedConfigErrors: WeakSet<ConfigError>
  /** The OAuth client per configuration (its configuration warnings are logged on creation). */
  oauthClients: WeakMap<Config, OAuthClient>
  /** Provider metadata (discovery, or Authing's layout) per provider location. */
  providers: ProviderCache
  /** The provider's key set (JWKS) per `jwks_uri`: refetched for an unknown `kid`, once a minute at most. */
  jwks: JwksCache
  /** Imported HMAC keys, one per `COOKIE_SECRET`. */
  hmacKeys: HmacKeys
  /** AES-GCM keys derived from `COOKIE_SECRET`, one per use and secret (login cookies). */
  sealKeys: SealKeys
  /** Session cookie values whose signature checked (with secret and name): no HMAC per request. */
  verifiedCookies: Memo<true>

  /** `/_auth/ready`'s last checks (by check name: ok, failed, skipped), for a few seconds. */
  readiness: MemoryCache<Record<string, string>>
  /** One `/_auth/ready` check at a time. */
  readinessChecks: SingleFlight<Record<string, string>>

  /** Introspection verdicts by token hash, each until its `cachedUntil`. */
  verdicts: MemoryCache<TokenVerdict>
  /** One introspection per token hash at a time. */
  introspections: SingleFlight<TokenVerdict>
  /** SHA-256 hex of the tokens seen last, so a busy Bearer token is hashed once. */
  tokenHashes: Memo<string>
  /** Userinfo claims by token hash (`BEARER_USERINFO`), for as long as the verdict is trusted. */
  userinfoClaims: MemoryCache<Record<string, unknown>>

  /** Which rule each path seen last falls under, per compiled `ROUTES` (access/routes.ts). */
  routeDecisions: RouteDecisions

  /** The identity made of each Bearer verdict (with its userinfo and configuration). */
  bearerIdentities: WeakMap<
    TokenVerdict,
    {
      config: Config
      userinfo: Record<string, unknown> | undefined
      claims: SessionClaims | null
    }
  >

  /** Whether a header name is an identity header, for the names seen last. */
  headerNames: Memo<boolean>
  /** The log's short SHA-256 of each `sub` seen last (middleware/request-log.ts): one digest per user. */
  subHashes: Memo<string>

  /** Signed identity assertions by key id, iss, aud, lifetime and identity, till due to re-sign. */
  assertions: MemoryCache<string>
  /** The imported assertion signing key per configuration (its settings object). */
  signingKeys: WeakMap<AssertionSettings, Promise<CryptoKey>>
  /** The key in `assertions` per claims object and settings (proxy/identity-assertion.ts). */
  assertionKeys: WeakMap<SessionClaims, { settings: AssertionSettings; key: string }>
}

/** Creates an empty {@link IsolateMemory}: once per app, so once per isolate. */
export function createIsolateMemory(): IsolateMemory {
  return {
    configs: new WeakMap(),
    loggedConfigErrors: new WeakSet(),
    oauthClients: new WeakMap(),
    providers: new Map(),
    jwks: new Map(),
    hmacKeys: new Map(),
    sealKeys: new Map(),
    verifiedCookies: new Memo(MAX_CACHED_ENTRIES),
    sessions: new MemoryCache(MAX_CACHED_ENTRIES),
    ended: new MemoryCache(MAX_CACHED_ENTRIES),
    confirmed: new MemoryCache(MAX_CACHED_ENTRIES),
    loads: new SingleFlight(),
    refreshes: new SingleFlight(),
    graced: new MemoryCache(MAX_CACHED_ENTRIES),
    readiness: new MemoryCache(1),
    readinessChecks: new SingleFlight(),
    verdicts: new MemoryCache(MAX_CACHED_ENTRIES),
    introspections: new SingleFlight(),
    tokenHashes: new Memo(MAX_TOKEN_HASHES),
    userinfoClaims: new MemoryCache(MAX_CACHED_ENTRIES),
    routeDecisions: new WeakMap(),
    bearerIdentities: new WeakMap(),
    headerNames: new Memo(MAX_HEADER_NAMES),
    subHashes: new Memo(MAX_CACHED_ENTRIES),
    assertions: new MemoryCache(MAX_CACHED_ASSERTIONS),
    signingKeys: new WeakMap(),
    assertionKeys: new WeakMap(),
  }
}
