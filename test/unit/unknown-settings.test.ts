/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import { configWarnings, parseConfig, type Env } from '../../src/config'
import { checkUnknownSettings, OUR_PREFIXES } from '../../src/config/unknown-settings'
import { editDistance } from '../../src/utils/edit-distance'
import { configProblems, validEnv } from '../helpers/config-env'

const valid = validEnv

const problems = configProblems

describe('a variable that looks like a setting of ours', () => {
  it.each([
    ['ALLOWED_EMAIL_DOMAIN', 'ALLOWED_EMAIL_DOMAINS'],
    ['ALLOWED_EMAIL_DOMAINSS', 'ALLOWED_EMAIL_DOMAINS'],
    ['ALLOWED_EMAILS_DOMAINS', 'ALLOWED_EMAIL_DOMAINS'],
    ['ALLOWD_EMAIL_DOMAINS', 'ALLOWED_EMAIL_DOMAINS'],
    ['ALLOWED_EMAIL_DOMIANS', 'ALLOWED_EMAIL_DOMAINS'],
    ['allowed_email_domains', 'ALLOWED_EMAIL_DOMAINS'],
    ['ALLOWED-EMAIL-DOMAINS', 'ALLOWED_EMAIL_DOMAINS'],
    ['ALLOWED_EMAIL', 'ALLOWED_EMAILS'],
    ['ALLOWED_GROUP', 'ALLOWED_GROUPS'],
    ['ALLOW_GROUPS', 'ALLOWED_GROUPS'],
    ['ALLOWED_GROUPSS', 'ALLOWED_GROUPS'],
    ['PUBLIC_PATH', 'PUBLIC_PATHS'],
    ['PUBLICPATHS', 'PUBLIC_PATHS'],
    ['ORIGIN_URI', 'ORIGIN_URL'],
    ['OAUTH_ISSUR', 'OAUTH_ISSUER'],
    ['OAUTH_SCOPES', 'OAUTH_SCOPE'],
    ['CLIENTID', 'CLIENT_ID'],
    ['COOKIE_SECERT', 'COOKIE_SECRET'],
    ['SESSION_MAX_AGE', 'SESSION_MAX_AGE_SECONDS'],
    ['SESSION_IDLE_SECOND', 'SESSION_IDLE_SECONDS'],
    ['INTROSPECTON', 'INTROSPECTION'],
    ['GROUP_CLAIM', 'GROUPS_CLAIM'],
    ['ALLOW_UNVERIFIED_EMAILS', 'ALLOW_UNVERIFIED_EMAIL'],
    ['REDIRECT_URL', 'REDIRECT_URI'],
    // Issue 12's settings are known because config/assertion.ts and config/upstream.ts read them.
    ['IDENTITY_JWT_PRIVATE_KEYS', 'IDENTITY_JWT_PRIVATE_KEY'],
    ['IDENTITY_JWT_AUDIENCES', 'IDENTITY_JWT_AUDIENCE'],
    ['CLAIM_HEADER', 'CLAIM_HEADERS'],
    ['PASS_ACCESS_TOKENS', 'PASS_ACCESS_TOKEN'],
    ['ROUTE', 'ROUTES'],
    ['OAUTH_AUTHORIZE_PARAM', 'OAUTH_AUTHORIZE_PARAMS'],
    ['OAUTH_AUTHORISE_PARAMS', 'OAUTH_AUTHORIZE_PARAMS'],
  ])('%s is an error that suggests %s', (name, meant) => {
    const found = problems({ [name]: 'corp.example' })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(new RegExp(`^${name} is not a setting of this proxy`))
    expect(found[0]).toMatch(new RegExp(`did you mean ${meant}\\?$`))
  })

  it.each([
    ['ALLOWED_DOMAINS', 'ALLOWED_'],
    ['OAUTH_CLIENT_SECRET', 'OAUTH_'],
    ['SESSION_LIFETIME', 'SESSION_'],
    ['COOKIE_DOMAIN', 'COOKIE_'],
    ['INTROSPECTION_URL', 'INTROSPECTION_'],
    ['ALLOW_ALL', 'ALLOW_'],
    ['IDENTITY_JWT_TTL', 'IDENTITY_JWT_'],
    ['ROUTES_JSON', 'ROUTES'],
  ])('%s carries our prefix %s: an error', (name, prefix) => {
    const found = problems({ [name]: 'x' })
    expect(found).toHaveLength(1)
    expect(found[0]).toContain(
      `${name} is not a setting of this proxy (${prefix}... names are ours)`
    )
  })

  it('never echoes the value', () => {
    const secret = 'do-not-print-me-0123456789'
    const found = problems({ ALLOWED_EMAIL_DOMAIN: secret, OAUTH_SECRET: secret })
    expect(found).toHaveLength(2)
    expect(found.join(' ')).not.toContain('do-not')
  })

  it('counts a TOML table or array (JSON) as a variable', () => {
    expect(problems({ PUBLIC_PATH: ['/a'] })[0]).toContain('did you mean PUBLIC_PATHS?')
    expect(problems({ ROUTE: [{ path: '/a', action: 'public' }] })[0]).toContain(
      'did you mean ROUTES?'
    )
  })
})

describe('our prefixes', () => {
  it.each([
    'PUBLIC_URL',
    'PUBLIC_SITE_NAME',
    'CLIENT_NAME',
    'POST_HOG_KEY',
    'PASS_PHRASE',
    'TOKEN_TTL',
  ])("leaves another tool's %s to the warning", (name) => {
    expect(problems({ [name]: 'x' })).toEqual([])
  })
})

describe('other variables', () => {
  it('are listed by name in one warning', () => {
    const config = parseConfig(valid({ DEBUG: 'secret-ish', FEATURE_X: 'on', NODE_ENV: 'prod' }))
    expect(config.unknownSettings).toEqual(['DEBUG', 'FEATURE_X', 'NODE_ENV'])
    const warnings = configWarnings(config)
    expect(warnings).toEqual(['variables this proxy does not read: DEBUG, FEATURE_X, NODE_ENV'])
    expect(warnings.join()).not.toContain('secret-ish')
  })

  it('leave out bindings (objects with methods, or of a class)', () => {
    class Namespace {
      get() {}
    }
    const config = parseConfig(
      valid({
        SESSION: new Namespace(),
        OAUTH_LIMITER: { limit: async () => ({ success: true }) },
        COOKIE_JAR: new Map(),
      })
    )
    expect(config.unknownSettings).toEqual([])
    expect(configWarnings(config)).toEqual([])
  })

  it('are none for a plain configuration', () => {
    expect(configWarnings(parseConfig(valid()))).toEqual([])
  })
})

describe('the known names', () => {
  // Every name a part of the configuration reads: the literal names in src/config.ts and src/config/.
  const sources = import.meta.glob<string>(['../../src/config.ts', '../../src/config/*.ts'], {
    query: '?raw',
    import: 'default',
    eager: true,
  })
  const literal = new Set(
    Object.values(sources).flatMap((text) =>
      [
        // Names of two or more words anywhere, and one-word names given to a reader.
        ...text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g),
        ...text.matchAll(/read\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g),
      ].map((m) => m[1]!)
    )
  )

  it('are every name the configuration reads, whatever the other settings say', () => {
    for (const overrides of [{}, { OAUTH_PROTOCOL: 'oauth', TOKEN_ENDPOINT_AUTH_METHOD: 'none' }]) {
      // The names parseConfig asks `env` for (the readers ask for each name they read).
      const asked = new Set<string>()
      const watched = new Proxy(valid(overrides) as unknown as Record<string, unknown>, {
        get(target, key) {
          if (typeof key === 'string') asked.add(key)
          return target[key as string]
        },
      })
      parseConfig(watched as unknown as Env)
      expect(literal.size).toBeGreaterThan(35)
      expect([...literal]).toEqual(
        expect.arrayContaining([
          'INTROSPECTION',
          'ROUTES',
          'CLIENT_ID',
          'IDENTITY_JWT_PRIVATE_KEY',
          'IDENTITY_JWT_PREVIOUS_PUBLIC_KEY',
          'IDENTITY_JWT_AUDIENCE',
          'IDENTITY_JWT_TTL_SECONDS',
          'PASS_ACCESS_TOKEN',
          'CLAIM_HEADERS',
        ])
      )
      expect([...literal].filter((name) => !asked.has(name))).toEqual([])
    }
  })

  it('include a name for each of our prefixes', () => {
    for (const prefix of OUR_PREFIXES) {
      expect([...literal].some((name) => name.startsWith(prefix))).toBe(true)
    }
  })
})

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['ABC', 'ABC', 0],
    ['ABC', 'AB', 1],
    ['ABC', 'ACB', 1],
    ['ABCD', 'BADC', 2],
    ['KITTEN', 'SITTING', 3],
  ])('%s to %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d)
    expect(editDistance(b, a)).toBe(d)
  })

  it('stops past the limit', () => {
    expect(editDistance('ALLOWED_EMAILS', 'ORIGIN_URL', 2)).toBe(3)
  })
})

it('checkUnknownSettings skips the known names', () => {
  expect(checkUnknownSettings({ A_B: 'x' }, new Set(['A_B']))).toEqual({ problems: [], others: [] })
})
