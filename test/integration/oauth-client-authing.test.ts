import { describe, expect, inject, it } from 'vitest'
import { AUTHING_EXAMPLE_USERINFO } from '../../dev/authing-examples'
import {
  createOAuthClient,
  OAuthClientError,
  type OAuthClientOptions,
} from '../../src/oauth/client'
import { AUTHING_CLIENTS } from '../support/clients'

const REDIRECT = 'https://proxy.test/_auth/callback'

type FakeRequest = {
  method: string
  path: string
  contentType: string | null
  authorization: string | null
  params: Record<string, string>
}

function authingClient(
  client: { id: string; secret?: string | undefined; method: string },
  extra: Partial<OAuthClientOptions> = {}
) {
  const method = client.method as OAuthClientOptions['tokenEndpointAuthMethod']
  return createOAuthClient({
    protocol: 'oauth',
    appHost: new URL(inject('authingHost')),
    clientId: client.id,
    clientSecret: client.secret,
    redirectUri: REDIRECT,
    tokenEndpointAuthMethod: method,
    introspectionEndpointAuthMethod: method,
    revocationEndpointAuthMethod: method,
    ...extra,
  })
}

async function fakeLog(): Promise<FakeRequest[]> {
  return (await fetch(`${inject('authingHost')}/_test/requests`)).json()
}

/** The one request to `path` whose parameter `name` had `value` (codes and tokens are unique). */
async function requestWith(path: string, name: string, value: string): Promise<FakeRequest> {
  const found = (await fakeLog()).filter((r) => r.path === path && r.params[name] === value)
  expect(found, `${path} with ${name}`).toHaveLength(1)
  return found[0]!
}

/** Gets a code from the fake's authorization endpoint (it signs in dev/authing-examples.ts's user at once). */
async function codeFor(client: ReturnType<typeof authingClient>, codeChallenge?: string) {
  const url = await client.buildAuthorizeUrl({
    state: 'st',
    ...(codeChallenge && { codeChallenge }),
  })
  const res = await fetch(url, { redirect: 'manual' })
  return new URL(res.headers.get('location')!).searchParams.get('code')!
}

const HEX40 = /^[0-9a-f]{40}$/

describe('the OAuth client against Authing in OAuth mode', () => {
  it('builds the authorize URL at /oauth/auth with scope "user", a generated state, URL-encoded', async () => {
    const client = authingClient(AUTHING_CLIENTS.post)
    const url = await client.buildAuthorizeUrl()
    expect(url.origin + url.pathname).toBe(`${inject('authingHost')}/oauth/auth`)
    expect(url.searchParams.get('scope')).toBe('user')
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('client_id')).toBe('authing-post')
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url.searchParams.has('nonce')).toBe(false)
    expect(url.search).toContain('redirect_uri=https%3A%2F%2Fproxy.test%2F_auth%2Fcallback')
    const formPost = await client.buildAuthorizeUrl({
      // @ts-expect-error the implicit grant is not offered (RFC 9700 2.1.2: do not use it)
      responseType: 'token',
      responseMode: 'form_post',
    })
    expect(formPost.searchParams.get('response_type')).toBe('code')
    expect(formPost.searchParams.get('response_mode')).toBe('form_post')
  })

  it.each(Object.values(AUTHING_CLIENTS))(
    'runs every operation with $method on every endpoint',
    async (c) => {
      const client = authingClient(c)
      const wire = async (path: string, name: string, value: string) => {
        const r = await requestWith(path, name, value)
        expect(r.contentType).toMatch(/^application\/x-www-form-urlencoded/)
        if (c.method === 'client_secret_basic') {
          const [id, secret] = atob(r.authorization!.slice(6)).split(':')
          expect(decodeURIComponent(id!.replace(/\+/g, ' '))).toBe(c.id)
          expect(decodeURIComponent(secret!.replace(/\+/g, ' '))).toBe(c.secret)
          expect(r.params.client_secret).toBeUndefined()
        } else if (c.method === 'client_secret_post') {
          expect(r.authorization).toBeNull()
          expect(r.params.client_id).toBe(c.id)
          expect(r.params.client_secret).toBe(c.secret)
        } else {
          expect(r.authorization).toBeNull()
          expect(r.params.client_id).toBe(c.id)
          expect(r.params.client_secret).toBeUndefined()
        }
        return r
      }

      const code = await codeFor(client)
      const tokens = await client.getAccessTokenByCode(code)
      expect(tokens).toMatchObject({ expires_in: 1209599, scope: 'user' })
      expect(tokens.token_type.toLowerCase()).toBe('bearer')
      expect(tokens.access_token).toMatch(HEX40)
      expect(tokens.refresh_token).toMatch(HEX40)
      expect(tokens.id_token).toBeUndefined()
      expect((await wire('/oauth/token', 'code', code)).params.grant_type).toBe(
        'authorization_code'
      )

      expect(await client.getUserInfoByAccessToken(tokens.access_token)).toEqual(
        AUTHING_EXAMPLE_USERINFO
      )

      const refreshed = await client.getNewAccessTokenByRefreshToken(tokens.refresh_token!)
      expect(refreshed.access_token).toMatch(HEX40)
      expect(refreshed.access_token).not.toBe(tokens.access_token)
      const refreshRequest = await wire('/oauth/token', 'refresh_token', tokens.refresh_token!)
      expect(refreshRequest.params.grant_type).toBe('refresh_token')

      const active = await client.introspectToken(refreshed.access_token)
      expect(active).toMatchObject({
        active: true,
        sub: AUTHING_EXAMPLE_USERINFO.sub,
        client_id: c.id,
        iss: 'https://core.authing.cn/oauth',
        scope: 'user',
        token_type: 'Bearer',
      })
      await wire('/oauth/token/introspection', 'token', refreshed.access_token)

      expect(await client.revokeToken(refreshed.access_token)).toBe(true)
      await wire('/oauth/token/revocation', 'token', refreshed.access_token)
      expect(await client.introspectToken(refreshed.access_token)).toEqual({ active: false })
    }
  )

  it('sends the PKCE code_verifier when the request had a challenge', async () => {
    const client = authingClient(AUTHING_CLIENTS.post)
    const verifier = 'v'.repeat(43)
    const challenge = btoa(
      String.fromCharCode(
        ...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
      )
    )
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
    const code = await codeFor(client, challenge)
    await client.getAccessTokenByCode(code, { codeVerifier: verifier })
    expect((await requestWith('/oauth/token', 'code', code)).params.code_verifier).toBe(verifier)
    const wrong = await codeFor(client, challenge)
    await expect(
      client.getAccessTokenByCode(wrong, { codeVerifier: 'w'.repeat(43) })
    ).rejects.toMatchObject({
      endpoint: 'token',
      kind: 'rejected',
      status: 400,
      error: 'invalid_grant',
    })
  })

  it('finds the endpoints by RFC 8414 discovery when there is no OpenID configuration', async () => {
    const client = createOAuthClient({
      protocol: 'oauth',
      issuer: new URL(inject('authingHost')),
      clientId: AUTHING_CLIENTS.post.id,
      clientSecret: AUTHING_CLIENTS.post.secret,
      redirectUri: REDIRECT,
    })
    const url = await client.buildAuthorizeUrl()
    expect(url.pathname).toBe('/oauth/auth')
    const paths = (await fakeLog()).map((r) => r.path)
    expect(paths).toContain('/.well-known/openid-configuration')
    expect(paths).toContain('/.well-known/oauth-authorization-server')
    const tokens = await client.getAccessTokenByCode(await codeFor(client))
    expect(tokens.access_token).toMatch(HEX40)
  })

  it("builds Authing's logout URL for OAuth mode", async () => {
    const url = await authingClient(AUTHING_CLIENTS.post).buildLogoutUrl({
      redirectUri: 'https://proxy.test/?a=1&b=2',
    })
    expect(url.href).toBe(
      `${inject('authingHost')}/login/profile/logout?redirect_uri=https%3A%2F%2Fproxy.test%2F%3Fa%3D1%26b%3D2`
    )
  })

  it('refuses a wrong secret with invalid_client, without the secret in the message', async () => {
    const client = authingClient({ ...AUTHING_CLIENTS.post, secret: 'wrong-secret-value' })
    const err = await client
      .getNewAccessTokenByRefreshToken('0'.repeat(40))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OAuthClientError)
    expect(err).toMatchObject({
      endpoint: 'token',
      kind: 'rejected',
      status: 401,
      error: 'invalid_client',
    })
    expect((err as Error).message).not.toContain('wrong-secret-value')
    expect((err as Error).message).not.toContain('0'.repeat(40))
  })
})

describe('provider failures, one typed error each', () => {
  const faulty = (kind: string, endpoint: string, timeoutMs = 5000) =>
    authingClient(
      { id: `fault-${kind}-${endpoint}`, secret: 'fault-secret', method: 'client_secret_post' },
      { timeoutMs }
    )
  const run = (client: ReturnType<typeof faulty>, endpoint: string) => {
    switch (endpoint) {
      case 'token':
        return client.getNewAccessTokenByRefreshToken('r'.repeat(40))
      case 'introspection':
        return client.introspectToken('t'.repeat(40))
      default:
        return client.revokeToken('t'.repeat(40))
    }
  }

  it.each(['token', 'introspection', 'revocation'])('at %s', async (endpoint) => {
    const cases: [string, Record<string, unknown>][] = [
      [
        'oauth_error',
        {
          kind: 'rejected',
          status: 400,
          error: 'invalid_request',
          errorDescription: 'the fake refused it',
        },
      ],
      ['server_error', { kind: 'unavailable', status: 500 }],
      ['html', { kind: 'invalid_response' }],
      ['truncated', { kind: 'invalid_response' }],
    ]
    for (const [kind, expected] of cases) {
      if (endpoint === 'revocation' && (kind === 'html' || kind === 'truncated')) {
        // RFC 7009 2.2: a 200 is success whatever its body.
        expect(await run(faulty(kind, endpoint), endpoint)).toBe(true)
        continue
      }
      const err = await run(faulty(kind, endpoint), endpoint).catch((e: unknown) => e)
      expect(err, `${kind} at ${endpoint}`).toBeInstanceOf(OAuthClientError)
      expect(err, `${kind} at ${endpoint}`).toMatchObject({ endpoint, ...expected })
      expect((err as Error).message).not.toContain('fault-secret')
    }
  })

  it('times out a provider that never answers', async () => {
    const err = await run(faulty('hang', 'token', 50), 'token').catch((e: unknown) => e)
    expect(err).toMatchObject({ endpoint: 'token', kind: 'unavailable', status: undefined })
  })

  it('throws for userinfo that is not JSON, and for an unknown access token', async () => {
    const client = faulty('html', 'userinfo')
    const code = await codeFor(client)
    const { access_token } = await client.getAccessTokenByCode(code)
    await expect(client.getUserInfoByAccessToken(access_token)).rejects.toMatchObject({
      endpoint: 'userinfo',
      kind: 'invalid_response',
    })
    await expect(
      authingClient(AUTHING_CLIENTS.post).getUserInfoByAccessToken('0'.repeat(40))
    ).rejects.toMatchObject({
      endpoint: 'userinfo',
      kind: 'rejected',
      status: 401,
      error: 'invalid_token',
    })
  })
})
