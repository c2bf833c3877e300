/**
 * @module
 * Where the provider is: `OAUTH_PROTOCOL`, then `OAUTH_ISSUER` (discovery), `AUTHING_APP_HOST`
 * (Authing's layout) and the `OAUTH_*_ENDPOINT` overrides. At least one of them must say where
 * the provider is.
 */
import type { EndpointName, OAuthProtocol } from '../oauth/types'
import type { SettingReaders } from './readers'

/** The setting for each endpoint that can be set one by one. */
const ENDPOINT_SETTINGS: Record<EndpointName, string> = {
  authorization: 'OAUTH_AUTHORIZATION_ENDPOINT',
  token: 'OAUTH_TOKEN_ENDPOINT',
  userinfo: 'OAUTH_USERINFO_ENDPOINT',
  introspection: 'OAUTH_INTROSPECTION_ENDPOINT',
  revocation: 'OAUTH_REVOCATION_ENDPOINT',
  end_session: 'OAUTH_END_SESSION_ENDPOINT',
}

/** Where endpoints come from: explicit ones, then Authing's layout, then discovery. */
export interface ProviderSettings {
  protocol: OAuthProtocol
  issuer: URL | undefined
  appHost: URL | undefined
  endpoints: Readonly<Partial<Record<EndpointName, URL>>>
}

/** Reads the provider's settings; problems go to `read`. */
export function readProvider(read: SettingReaders): ProviderSettings {
  const protocol = read.oneOf<OAuthProtocol>('OAUTH_PROTOCOL', ['oidc', 'oauth'], 'oidc')
  const issuer = read.url('OAUTH_ISSUER', { idp: true, optional: true })
  const appHost = read.url('AUTHING_APP_HOST', { idp: true, optional: true })
  if (appHost && (appHost.search || appHost.hash || appHost.pathname !== '/')) {
    read.problem('AUTHING_APP_HOST must be the app address alone, like https://your-app.authing.cn')
  }
  const endpoints: Partial<Record<EndpointName, URL>> = {}
  for (const [name, setting] of Object.entries(ENDPOINT_SETTINGS) as [EndpointName, string][]) {
    const endpoint = read.url(setting, { idp: true, optional: true })
    if (endpoint) endpoints[name] = endpoint
  }
  const explicitOnly = endpoints.authorization && endpoints.token
  const locatorProblem = read.failed.has('OAUTH_ISSUER') || read.failed.has('AUTHING_APP_HOST')
  if (!issuer && !appHost && !(protocol === 'oauth' && explicitOnly) && !locatorProblem) {
    read.problem(
      protocol === 'oidc'
        ? 'OAUTH_ISSUER or AUTHING_APP_HOST is required'
        : 'OAUTH_ISSUER, AUTHING_APP_HOST, or both OAUTH_AUTHORIZATION_ENDPOINT and OAUTH_TOKEN_ENDPOINT are required'
    )
  }
  return { protocol, issuer, appHost, endpoints: Object.freeze(endpoints) }
}
