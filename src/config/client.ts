/**
 * @module
 * The OAuth client: `CLIENT_ID`, `CLIENT_SECRET`, `REDIRECT_URI`, `OAUTH_SCOPE`, the endpoints'
 * auth methods, `OAUTH_TIMEOUT_MS` and `OAUTH_AUTHORIZE_PARAMS`, read straight into the {@link OAuthClientOptions} the
 * client is made from; and how the authorization request is sent (`OAUTH_PKCE`,
 * `OAUTH_RESPONSE_MODE`).
 */
import {
  DEFAULT_AUTH_METHOD,
  DEFAULT_SCOPES,
  DEFAULT_TIMEOUT_MS,
  type OAuthClientOptions,
} from '../oauth/options'
import { parseAuthorizeParams } from '../oauth/authorize-params'
import type { ClientAuthMethod, ResponseMode } from '../oauth/types'
import type { ProviderSettings } from './provider'
import type { SettingReaders } from './readers'

/**
 * The longest `OAUTH_TIMEOUT_MS`: a refresh makes up to two provider calls (token, userinfo)
 * while it holds the session authority's 30 s refresh lease; past the lease another caller could
 * refresh with the same refresh token, which rotation spends.
 */
const MAX_TIMEOUT_MS = 10_000

const AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_post',
  'client_secret_basic',
  'none',
]

/** The client's settings: its options, and how the authorization request is sent. */
export interface ClientSettings {
  /** Everything the OAuth client is made from (no `fetch`: the app adds it). */
  client: Readonly<OAuthClientOptions>
  /** Send PKCE (RFC 7636) with S256. */
  pkce: boolean
  responseMode: ResponseMode
}

/** Reads the client's settings for `provider`; problems go to `read`. */
export function readClient(read: SettingReaders, provider: ProviderSettings): ClientSettings {
  const clientId = read.required('CLIENT_ID')
  const token = read.oneOf('TOKEN_ENDPOINT_AUTH_METHOD', AUTH_METHODS, DEFAULT_AUTH_METHOD)
  // A proxy's client is one registration: the other endpoints default to the token endpoint's method.
  const introspection = read.oneOf('INTROSPECTION_ENDPOINT_AUTH_METHOD', AUTH_METHODS, token)
  const revocation = read.oneOf('REVOCATION_ENDPOINT_AUTH_METHOD', AUTH_METHODS, token)
  const needsSecret = [token, introspection, revocation].some((method) => method !== 'none')
  const clientSecret = needsSecret ? read.required('CLIENT_SECRET') : read.text('CLIENT_SECRET')

  const redirectUri = read.url('REDIRECT_URI', { idp: true })
  if (redirectUri && redirectUri.pathname !== '/_auth/callback') {
    read.problem('REDIRECT_URI must have the path /_auth/callback')
  }
  const scope = (read.text('OAUTH_SCOPE') ?? DEFAULT_SCOPES[provider.protocol])
    .split(/\s+/)
    .join(' ')
  if (provider.protocol === 'oidc' && !scope.split(' ').includes('openid')) {
    read.problem('OAUTH_SCOPE must include "openid" when OAUTH_PROTOCOL is "oidc"')
  }
  const timeoutMs = read.integer('OAUTH_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 1)
  if (timeoutMs > MAX_TIMEOUT_MS) {
    read.problem(
      `OAUTH_TIMEOUT_MS must be at most ${MAX_TIMEOUT_MS} (a refresh makes two provider calls within the 30 s refresh lease)`
    )
  }
  const extra = parseAuthorizeParams(read.text('OAUTH_AUTHORIZE_PARAMS'), scope)
  extra.problems.forEach(read.problem)

  return {
    client: Object.freeze({
      ...provider,
      clientId: clientId ?? '',
      clientSecret,
      redirectUri: redirectUri?.href ?? '',
      scope,
      tokenEndpointAuthMethod: token,
      introspectionEndpointAuthMethod: introspection,
      revocationEndpointAuthMethod: revocation,
      timeoutMs,
      authorizeParams: extra.params,
    }),
    pkce: read.boolean('OAUTH_PKCE', true),
    responseMode: read.oneOf<ResponseMode>('OAUTH_RESPONSE_MODE', ['query', 'form_post'], 'query'),
  }
}
