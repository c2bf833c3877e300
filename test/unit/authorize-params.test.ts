import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config'
import { buildAuthorizeUrl } from '../../src/oauth/authorize-url'
import { promptFor } from '../../src/oauth/authorize-params'
import { configProblems, validEnv } from '../helpers/config-env'

const valid = validEnv

const problems = configProblems

describe('OAUTH_AUTHORIZE_PARAMS at start', () => {
  it('takes form-encoded names and values', () => {
    const config = parseConfig(
      valid({
        OAUTH_AUTHORIZE_PARAMS:
          'prompt=consent&acr_values=urn%3Amfa+phr&login_hint=a%40b.example&max_age=300&x-vendor.opt=1',
      })
    )
    expect(config.client.authorizeParams).toEqual({
      prompt: 'consent',
      acr_values: 'urn:mfa phr',
      login_hint: 'a@b.example',
      max_age: '300',
      'x-vendor.opt': '1',
    })
  })

  it.each([
    'state',
    'nonce',
    'code_challenge',
    'code_challenge_method',
    'redirect_uri',
    'client_id',
    'response_type',
    'response_mode',
    'scope',
    'request_uri',
    'STATE',
  ])('never lets it set %s', (name) => {
    expect(problems({ OAUTH_AUTHORIZE_PARAMS: `${name}=x` })).toEqual([
      `OAUTH_AUTHORIZE_PARAMS must not set ${name.toLowerCase()} (the proxy sets it)`,
    ])
  })

  it.each([
    ['a=1&a=2', 'OAUTH_AUTHORIZE_PARAMS sets a twice'],
    ['constructor=1&constructor=2', 'OAUTH_AUTHORIZE_PARAMS sets constructor twice'],
    ['a b=1', 'OAUTH_AUTHORIZE_PARAMS entry 1 has a name RFC 6749 does not allow'],
    ['x=1&%zz=1', 'OAUTH_AUTHORIZE_PARAMS entry 2 is not form-encoded'],
    [
      'login_hint=%0Aevil',
      'OAUTH_AUTHORIZE_PARAMS login_hint must have a value of printable ASCII characters',
    ],
    [
      'login_hint=',
      'OAUTH_AUTHORIZE_PARAMS login_hint must have a value of printable ASCII characters',
    ],
    [
      'login_hint=caf%C3%A9',
      'OAUTH_AUTHORIZE_PARAMS login_hint must have a value of printable ASCII characters',
    ],
    [
      'prompt=always',
      'OAUTH_AUTHORIZE_PARAMS prompt must be none, or any of login, consent, select_account',
    ],
    [
      'prompt=none+login',
      'OAUTH_AUTHORIZE_PARAMS prompt must be none, or any of login, consent, select_account',
    ],
    ['max_age=5m', 'OAUTH_AUTHORIZE_PARAMS max_age must be a whole number of seconds'],
  ])('refuses %s', (value, problem) => {
    expect(problems({ OAUTH_AUTHORIZE_PARAMS: value })).toEqual([problem])
  })

  it('refuses prompt=none with offline_access, which needs consent', () => {
    expect(
      problems({ OAUTH_AUTHORIZE_PARAMS: 'prompt=none', OAUTH_SCOPE: 'openid offline_access' })
    ).toEqual([
      'OAUTH_AUTHORIZE_PARAMS prompt=none cannot be used with offline_access in OAUTH_SCOPE (it needs consent)',
    ])
  })

  it('never echoes a value', () => {
    expect(problems({ OAUTH_AUTHORIZE_PARAMS: 'login_hint=secret%0A' }).join()).not.toContain(
      'secret'
    )
  })
})

describe('promptFor', () => {
  it.each([
    [undefined, undefined, 'openid', undefined],
    [undefined, 'consent', 'openid', 'consent'],
    ['login', 'consent', 'openid', 'login'],
    ['login', undefined, 'openid offline_access', 'login consent'],
    [undefined, undefined, 'openid offline_access', 'consent'],
    [undefined, 'select_account consent', 'openid offline_access', 'select_account consent'],
    [undefined, 'none', 'openid', 'none'],
  ])('requested %s, configured %s, scope %s: %s', (requested, configured, scope, expected) => {
    expect(promptFor(requested, configured, scope)).toBe(expected)
  })
})

describe('the authorization URL with extra parameters', () => {
  const as = { issuer: 'https://idp.example', authorization_endpoint: 'https://idp.example/auth' }
  const base = {
    protocol: 'oidc' as const,
    clientId: 'client',
    redirectUri: 'https://app.example/_auth/callback',
  }

  it("sends them, and the proxy's own parameters over any of the same name", () => {
    const url = buildAuthorizeUrl(
      as,
      { ...base, authorizeParams: { acr_values: 'urn:mfa', state: 'evil', prompt: 'consent' } },
      { state: 'mine', nonce: 'n' }
    )
    expect(url.searchParams.get('acr_values')).toBe('urn:mfa')
    expect(url.searchParams.getAll('state')).toEqual(['mine'])
    expect(url.searchParams.get('prompt')).toBe('consent')
  })

  it("lets the sign-in's own prompt win", () => {
    const url = buildAuthorizeUrl(
      as,
      { ...base, authorizeParams: { prompt: 'consent' } },
      { prompt: 'login' }
    )
    expect(url.searchParams.getAll('prompt')).toEqual(['login'])
  })

  it('asks for consent when the scope has offline_access (oidc mode)', () => {
    const url = buildAuthorizeUrl(as, { ...base, scope: 'openid offline_access' })
    expect(url.searchParams.get('prompt')).toBe('consent')
    const oauthMode = buildAuthorizeUrl(as, { ...base, protocol: 'oauth', scope: 'offline_access' })
    expect(oauthMode.searchParams.get('prompt')).toBeNull()
  })
})

describe('names an Object has', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'takes %s=x as a parameter like any other',
    (name) => {
      expect(problems({ OAUTH_AUTHORIZE_PARAMS: `${name}=x` })).toEqual([])
    }
  )
})
