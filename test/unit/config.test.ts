import { describe, expect, it } from 'vitest'
import { ConfigError, configWarnings, getConfig, parseConfig } from '../../src/config'
import { createIsolateMemory } from '../../src/isolate-memory'
import { isLoopbackHost } from '../../src/utils/loopback'
import { OTHER_IDENTITY_KEY, publicJwkOf, TEST_IDENTITY_KEY } from '../support/identity-keys'
import { configProblems, validEnv } from '../helpers/config-env'

const valid = validEnv

const problems = configProblems

describe('parseConfig', () => {
  it('accepts a complete configuration and fills in the defaults', () => {
    const config = parseConfig(valid())
    expect(config.client.protocol).toBe('oidc')
    expect(config.client.scope).toBe('openid profile email')
    expect(config.client.tokenEndpointAuthMethod).toBe('client_secret_post')
    expect(config.client.timeoutMs).toBe(5000)
    expect(config.sessionMaxAgeSeconds).toBe(43200)
    expect(config.originUrl.href).toBe('https://origin.example.com/')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names every missing required setting at once', () => {
    const found = problems({
      ORIGIN_URL: undefined,
      OAUTH_ISSUER: '',
      CLIENT_ID: '  ',
      CLIENT_SECRET: undefined,
      REDIRECT_URI: undefined,
      COOKIE_SECRET: undefined,
    })
    expect(found).toEqual([
      'ORIGIN_URL is required',
      'OAUTH_ISSUER or AUTHING_APP_HOST is required',
      'CLIENT_ID is required',
      'CLIENT_SECRET is required',
      'REDIRECT_URI is required',
      'COOKIE_SECRET is required',
    ])
  })

  it.each([
    [{ ORIGIN_URL: 'not a url' }, 'ORIGIN_URL must be an absolute URL'],
    [{ ORIGIN_URL: 'ftp://origin.example.com' }, 'ORIGIN_URL must be an http(s) URL'],
    [{ ORIGIN_URL: 'https://o.example.com/?a=1' }, 'ORIGIN_URL must not have a query or fragment'],
    [{ ORIGIN_URL: 'https://u:p@o.example.com' }, 'ORIGIN_URL must not contain credentials'],
    [{ OAUTH_PROTOCOL: 'saml' }, 'OAUTH_PROTOCOL must be one of oidc, oauth'],
    [
      { OAUTH_PROTOCOL: 'oauth', OAUTH_ISSUER: undefined },
      'OAUTH_ISSUER, AUTHING_APP_HOST, or both OAUTH_AUTHORIZATION_ENDPOINT and OAUTH_TOKEN_ENDPOINT are required',
    ],
    [
      { AUTHING_APP_HOST: 'https://app.authing.cn/oidc' },
      'AUTHING_APP_HOST must be the app address alone, like https://your-app.authing.cn',
    ],
    [
      { OAUTH_TOKEN_ENDPOINT: 'http://idp.example.com/token' },
      'OAUTH_TOKEN_ENDPOINT must use https (plain http is allowed for loopback hosts only)',
    ],
    [{ OAUTH_PKCE: 'yes' }, 'OAUTH_PKCE must be true or false'],
    [{ SESSION_IDLE_SECONDS: '30' }, 'SESSION_IDLE_SECONDS must be a whole number >= 60'],
    [{ REFRESH_SKEW_SECONDS: 'soon' }, 'REFRESH_SKEW_SECONDS must be a whole number >= 0'],
    [{ INTROSPECTION: 'maybe' }, 'INTROSPECTION must be true or false'],
    [
      { INTROSPECTION_CACHE_TTL_SECONDS: '0' },
      'INTROSPECTION_CACHE_TTL_SECONDS must be a whole number >= 1',
    ],
    [
      { INTROSPECTION_NEGATIVE_TTL_SECONDS: '-1' },
      'INTROSPECTION_NEGATIVE_TTL_SECONDS must be a whole number >= 0',
    ],
    [{ BEARER_USERINFO: 'yes' }, 'BEARER_USERINFO must be true or false'],
    [
      { POST_LOGOUT_REDIRECT_URI: 'http://app.example.com/' },
      'POST_LOGOUT_REDIRECT_URI must use https (plain http is allowed for loopback hosts only)',
    ],
    [{ OAUTH_RESPONSE_MODE: 'fragment' }, 'OAUTH_RESPONSE_MODE must be one of query, form_post'],
    [
      { REVOCATION_ENDPOINT_AUTH_METHOD: 'tls_client_auth' },
      'REVOCATION_ENDPOINT_AUTH_METHOD must be one of client_secret_post, client_secret_basic, none',
    ],
    [
      { OAUTH_ISSUER: 'http://idp.example.com' },
      'OAUTH_ISSUER must use https (plain http is allowed for loopback hosts only)',
    ],
    [
      { REDIRECT_URI: 'http://app.example.com/_auth/callback' },
      'REDIRECT_URI must use https (plain http is allowed for loopback hosts only)',
    ],
    [
      { REDIRECT_URI: 'https://app.example.com/callback' },
      'REDIRECT_URI must have the path /_auth/callback',
    ],
    [
      { TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt' },
      'TOKEN_ENDPOINT_AUTH_METHOD must be one of client_secret_post, client_secret_basic, none',
    ],
    [
      { OAUTH_SCOPE: 'profile email' },
      'OAUTH_SCOPE must include "openid" when OAUTH_PROTOCOL is "oidc"',
    ],
    [{ COOKIE_SECRET: 'short' }, 'COOKIE_SECRET must be at least 32 characters'],
    [{ OAUTH_TIMEOUT_MS: '0' }, 'OAUTH_TIMEOUT_MS must be a whole number >= 1'],
    [{ OAUTH_TIMEOUT_MS: '5s' }, 'OAUTH_TIMEOUT_MS must be a whole number >= 1'],
    [
      { OAUTH_TIMEOUT_MS: '15000' },
      'OAUTH_TIMEOUT_MS must be at most 10000 (a refresh makes two provider calls within the 30 s refresh lease)',
    ],
    [{ SESSION_MAX_AGE_SECONDS: '30' }, 'SESSION_MAX_AGE_SECONDS must be a whole number >= 60'],
    [{ CLIENT_ID: ['a', 'b'] }, 'CLIENT_ID must be a string'],
    [
      { SESSIONS: undefined },
      'the KV binding SESSIONS is missing (add [[kv_namespaces]] to wrangler.toml)',
    ],
  ])('refuses %o', (overrides, problem) => {
    expect(problems(overrides)).toEqual([problem])
  })

  it('never puts a value in its message', () => {
    const secret = 'do-not-print-me-0123456789-abcdefghij'
    try {
      parseConfig(valid({ COOKIE_SECRET: 'short-' + secret.slice(0, 5), ORIGIN_URL: secret }))
      throw new Error('expected a ConfigError')
    } catch (err) {
      expect((err as Error).message).not.toContain('do-not')
      expect((err as Error).message).toContain('ORIGIN_URL')
      expect((err as Error).message).toContain('COOKIE_SECRET')
    }
  })

  it('allows plain http for loopback providers and a missing secret for public clients', () => {
    const config = parseConfig(
      valid({
        OAUTH_ISSUER: 'http://127.0.0.1:8790',
        REDIRECT_URI: 'http://localhost:8787/_auth/callback',
        TOKEN_ENDPOINT_AUTH_METHOD: 'none',
        CLIENT_SECRET: undefined,
      })
    )
    expect(config.client.clientSecret).toBeUndefined()
    expect(config.client.issuer?.href).toBe('http://127.0.0.1:8790/')
  })

  it('defaults the scope to "user" in oauth mode', () => {
    expect(parseConfig(valid({ OAUTH_PROTOCOL: 'oauth' })).client.scope).toBe('user')
  })

  it('accepts Authing by app host, or explicit endpoints alone in oauth mode', () => {
    const authing = parseConfig(
      valid({ OAUTH_ISSUER: undefined, AUTHING_APP_HOST: 'https://my-app.authing.cn' })
    )
    expect(authing.client.appHost?.href).toBe('https://my-app.authing.cn/')
    const explicit = parseConfig(
      valid({
        OAUTH_PROTOCOL: 'oauth',
        OAUTH_ISSUER: undefined,
        OAUTH_AUTHORIZATION_ENDPOINT: 'https://idp.example.com/authorize',
        OAUTH_TOKEN_ENDPOINT: 'https://idp.example.com/token',
      })
    )
    expect(explicit.client.endpoints?.token?.href).toBe('https://idp.example.com/token')
  })

  it('defaults the session settings', () => {
    expect(parseConfig(valid())).toMatchObject({
      sessionIdleSeconds: 1800,
      refreshSkewSeconds: 30,
      introspection: true,
      introspectionCacheTtlSeconds: 60,
      introspectionNegativeTtlSeconds: 10,
      bearerUserinfo: false,
      postLogoutRedirectUri: undefined,
    })
  })

  it('defaults the introspection and revocation auth methods to the token endpoint one', () => {
    const config = parseConfig(valid({ TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_basic' }))
    expect(config.client.introspectionEndpointAuthMethod).toBe('client_secret_basic')
    expect(config.client.revocationEndpointAuthMethod).toBe('client_secret_basic')
    expect(config.pkce).toBe(true)
    expect(config.responseMode).toBe('query')
  })

  it('needs CLIENT_SECRET when any endpoint authenticates with it', () => {
    expect(
      problems({
        CLIENT_SECRET: undefined,
        TOKEN_ENDPOINT_AUTH_METHOD: 'none',
        REVOCATION_ENDPOINT_AUTH_METHOD: 'client_secret_post',
      })
    ).toEqual(['CLIENT_SECRET is required'])
  })

  it('parses once per env object', () => {
    const parsed = createIsolateMemory().configs
    const e = valid()
    expect(getConfig(e, parsed)).toBe(getConfig(e, parsed))
    const bad = valid({ CLIENT_ID: undefined })
    let first: unknown
    let second: unknown
    try {
      getConfig(bad, parsed)
    } catch (err) {
      first = err
    }
    try {
      getConfig(bad, parsed)
    } catch (err) {
      second = err
    }
    expect(first).toBeInstanceOf(ConfigError)
    expect(second).toBe(first)
  })
})

describe('the identity assertion settings', () => {
  const key = JSON.parse(TEST_IDENTITY_KEY) as Record<string, string>
  const withKey = (changes: Record<string, unknown>) => JSON.stringify({ ...key, ...changes })

  it('defaults: iss the site, aud the origin, five minutes, no previous key', () => {
    const { assertion } = parseConfig(valid())
    expect(assertion.issuer).toBe('https://app.example.com')
    expect(assertion.audience).toBe('https://origin.example.com')
    expect(assertion.ttlSeconds).toBe(300)
    expect(assertion.signingKey.kid).toBe(key.kid)
    expect(assertion.previousKey).toBeUndefined()
    const rotated = parseConfig(
      valid({
        IDENTITY_JWT_PREVIOUS_PUBLIC_KEY: publicJwkOf(OTHER_IDENTITY_KEY),
        IDENTITY_JWT_AUDIENCE: 'urn:app',
      })
    ).assertion
    expect(rotated.previousKey?.kid).toBe(JSON.parse(OTHER_IDENTITY_KEY).kid)
    expect(rotated.audience).toBe('urn:app')
  })

  it.each([
    [{ IDENTITY_JWT_PRIVATE_KEY: undefined }, 'IDENTITY_JWT_PRIVATE_KEY is required'],
    [{ IDENTITY_JWT_PRIVATE_KEY: 'not json' }, 'must be a JSON Web Key (JSON text)'],
    [{ IDENTITY_JWT_PRIVATE_KEY: '[1]' }, 'must be a JSON Web Key (a JSON object)'],
    [{ IDENTITY_JWT_PRIVATE_KEY: withKey({ crv: 'P-384' }) }, 'must be an EC P-256 key'],
    [{ IDENTITY_JWT_PRIVATE_KEY: withKey({ kty: 'RSA' }) }, 'must be an EC P-256 key'],
    [{ IDENTITY_JWT_PRIVATE_KEY: withKey({ x: 'short' }) }, 'malformed coordinates'],
    [{ IDENTITY_JWT_PRIVATE_KEY: withKey({ kid: undefined }) }, 'must have a "kid"'],
    [{ IDENTITY_JWT_PRIVATE_KEY: withKey({ alg: 'HS256' }) }, 'must be for "alg": "ES256"'],
    [{ IDENTITY_JWT_PRIVATE_KEY: withKey({ use: 'enc' }) }, 'must be for "use": "sig"'],
    [{ IDENTITY_JWT_PRIVATE_KEY: publicJwkOf(TEST_IDENTITY_KEY) }, 'must be a private key'],
    [{ IDENTITY_JWT_PREVIOUS_PUBLIC_KEY: OTHER_IDENTITY_KEY }, 'must be the public key only'],
    [
      { IDENTITY_JWT_PREVIOUS_PUBLIC_KEY: publicJwkOf(TEST_IDENTITY_KEY) },
      'must have another "kid" than the current key',
    ],
    [{ IDENTITY_JWT_TTL_SECONDS: '60' }, 'IDENTITY_JWT_TTL_SECONDS must be a whole number >= 120'],
    [{ IDENTITY_JWT_TTL_SECONDS: '7200' }, 'IDENTITY_JWT_TTL_SECONDS must be at most 3600'],
  ])('refuses %o: %s', (overrides, expected) => {
    const found = problems(overrides)
    expect(found).toHaveLength(1)
    expect(found[0]).toContain(expected)
    // A problem never echoes a key member.
    for (const member of [key.d, key.x, key.y]) expect(found[0]).not.toContain(member)
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['localhost.example.com', false],
    ['127.0.0.1.example.com', false],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})

describe('configWarnings', () => {
  it('warns about PKCE off in oauth mode, and only there', () => {
    expect(
      configWarnings(parseConfig(valid({ OAUTH_PROTOCOL: 'oauth', OAUTH_PKCE: 'false' })))
    ).toHaveLength(1)
    expect(configWarnings(parseConfig(valid({ OAUTH_PKCE: 'false' })))).toEqual([])
    expect(configWarnings(parseConfig(valid({ OAUTH_PROTOCOL: 'oauth' })))).toEqual([])
  })
})

describe('CLAIM_HEADERS against what the proxy strips', () => {
  it.each([
    'name:X-Forwarded-User',
    'name:X-Real-IP',
    'name:X-HTTP-Method-Override',
    'name:X_User',
  ])('refuses %s: a claim may not pose as a header the proxy strips as untrusted', (setting) => {
    expect(() => parseConfig(valid({ CLAIM_HEADERS: setting }))).toThrow(
      /CLAIM_HEADERS header 1 is one the proxy strips as untrusted/
    )
  })

  it('takes a header under the proxy own prefix', () => {
    const config = parseConfig(valid({ CLAIM_HEADERS: 'name:X-Auth-Request-Name' }))
    expect(config.claimHeaders.map((h) => h.header)).toEqual(['X-Auth-Request-Name'])
  })
})

describe('TOML values that are not strings', () => {
  it('reads a boolean or a number as it is written', () => {
    const config = parseConfig(
      valid({ ALLOW_UNVERIFIED_EMAIL: false, SESSION_IDLE_SECONDS: 900, INTROSPECTION: true })
    )
    expect(config.sessionIdleSeconds).toBe(900)
    expect(config.introspection).toBe(true)
  })
})
