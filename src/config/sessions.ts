/**
 * @module
 * Cookies and sessions: `COOKIE_SECRET`, the session's lifetime, refresh and introspection, the
 * grace through provider outages, and where the provider sends the browser after sign-out.
 */
import { KV_MIN_TTL_SECONDS } from '../utils/kv'
import type { SettingReaders } from './readers'

/** HMAC keys shorter than this are guessable offline; 32 characters of a random string is 192+ bits. */
const MIN_COOKIE_SECRET_LENGTH = 32
/** A working day, in seconds. */
const DEFAULT_SESSION_MAX_AGE_SECONDS = 43_200
/** Half an hour, in seconds. */
const DEFAULT_SESSION_IDLE_SECONDS = 1800
const DEFAULT_REFRESH_SKEW_SECONDS = 30
const DEFAULT_INTROSPECTION_CACHE_TTL_SECONDS = 60
const DEFAULT_INTROSPECTION_NEGATIVE_TTL_SECONDS = 10
/** Five minutes, in seconds: a provider blip does not sign anyone out. */
const DEFAULT_PROVIDER_OUTAGE_GRACE_SECONDS = 300

/** The cookie and session settings. */
export interface SessionSettings {
  /** The HMAC key of the session and login cookies. */
  cookieSecret: string
  /** Absolute lifetime of a session, in seconds (KV `expirationTtl` and cookie `Max-Age`). */
  sessionMaxAgeSeconds: number
  /** A session unused this long (seconds) ends; tracked in KV to within five minutes. */
  sessionIdleSeconds: number
  /** Refresh this many seconds before the access token expires. */
  refreshSkewSeconds: number
  /** Re-check access tokens at the introspection endpoint (RFC 7662). */
  introspection: boolean
  /** How long an active introspection answer is trusted, in seconds (never past the token's `exp`). */
  introspectionCacheTtlSeconds: number
  /** How long an inactive answer is remembered, in seconds. */
  introspectionNegativeTtlSeconds: number
  /**
   * How long past its last active verdict a session (or Bearer token) goes on while the provider
   * cannot answer, in seconds (session/grace.ts); 0: no grace.
   */
  providerOutageGraceSeconds: number
  /** For Bearer requests, take the identity from userinfo as well as introspection. */
  bearerUserinfo: boolean
  /** Where the provider sends the browser after sign-out; undefined means `/_auth/signed-out`. */
  postLogoutRedirectUri: URL | undefined
}

/** Reads the cookie and session settings; problems go to `read`. */
export function readSessions(read: SettingReaders): SessionSettings {
  const cookieSecret = read.required('COOKIE_SECRET')
  if (cookieSecret !== undefined && cookieSecret.length < MIN_COOKIE_SECRET_LENGTH) {
    read.problem(`COOKIE_SECRET must be at least ${MIN_COOKIE_SECRET_LENGTH} characters`)
  }
  return {
    cookieSecret: cookieSecret ?? '',
    sessionMaxAgeSeconds: read.integer(
      'SESSION_MAX_AGE_SECONDS',
      DEFAULT_SESSION_MAX_AGE_SECONDS,
      KV_MIN_TTL_SECONDS
    ),
    sessionIdleSeconds: read.integer(
      'SESSION_IDLE_SECONDS',
      DEFAULT_SESSION_IDLE_SECONDS,
      KV_MIN_TTL_SECONDS
    ),
    refreshSkewSeconds: read.integer('REFRESH_SKEW_SECONDS', DEFAULT_REFRESH_SKEW_SECONDS, 0),
    introspection: read.boolean('INTROSPECTION', true),
    introspectionCacheTtlSeconds: read.integer(
      'INTROSPECTION_CACHE_TTL_SECONDS',
      DEFAULT_INTROSPECTION_CACHE_TTL_SECONDS,
      1
    ),
    introspectionNegativeTtlSeconds: read.integer(
      'INTROSPECTION_NEGATIVE_TTL_SECONDS',
      DEFAULT_INTROSPECTION_NEGATIVE_TTL_SECONDS,
      0
    ),
    providerOutageGraceSeconds: read.integer(
      'PROVIDER_OUTAGE_GRACE_SECONDS',
      DEFAULT_PROVIDER_OUTAGE_GRACE_SECONDS,
      0
    ),
    bearerUserinfo: read.boolean('BEARER_USERINFO', false),
    postLogoutRedirectUri: read.url('POST_LOGOUT_REDIRECT_URI', { idp: true, optional: true }),
  }
}
