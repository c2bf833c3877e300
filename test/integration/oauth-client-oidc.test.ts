import { describe, expect, inject, it } from 'vitest'
import { createOAuthClient, newLoginSecrets, type OAuthClientOptions } from '../../src/oauth/client'
import { loginAtProvider, providerRequests, SITE } from '../helpers/harness'
import { TEST_CLIENTS } from '../support/clients'

function oidcClient(c: { id: string; secret?: string | undefined; method: string }) {
  const method = c.method as OAuthClientOptions['tokenEndpointAuthMethod']
  return createOAuthClient({
    protocol: 'oidc',
    issuer: new URL(inject('issuer')),
    clientId: c.id,
    clientSecret: c.secret,
    redirectUri: `${SITE}/_auth/callback`,
    tokenEndpointAuthMethod: method,
    introspectionEndpointAuthMethod: method,
    revocationEndpointAuthMethod: method,
  })
}

/** Signs `username` in at the provider and returns the code with the secrets it was bound to. */
async function codeAfterLogin(client: ReturnType<typeof oidcClient>, username: string) {
  const secrets = await newLoginSecrets()
  const url = await client.buildAuthorizeUrl({
    state: secrets.state,
    nonce: secrets.nonce,
    codeChallenge: secrets.codeChallenge,
  })
  const code = (await loginAtProvider(url.href, username)).searchParams.get('code')!
  return { secrets, code }
}

describe('the OAuth client against a real OpenID Connect provider', () => {
  it.each(Object.values(TEST_CLIENTS))('runs every operation with $method', async (c) => {
    const client = oidcClient(c)
    const secrets = await newLoginSecrets()
    const url = await client.buildAuthorizeUrl({
      state: secrets.state,
      nonce: secrets.nonce,
      codeChallenge: secrets.codeChallenge,
    })
    expect(url.searchParams.get('scope')).toBe('openid profile email')
    expect(url.searchParams.get('nonce')).toBe(secrets.nonce)

    const callbackUrl = await loginAtProvider(url.href, 'olivia')
    const params = await client.validateCallback(callbackUrl, secrets.state)
    const tokens = await client.getAccessTokenByCode(params, {
      codeVerifier: secrets.codeVerifier,
      nonce: secrets.nonce,
    })
    expect(tokens.id_token).toBeTruthy()
    expect(tokens.idTokenClaims?.sub).toBe('olivia')
    expect(tokens.expires_in).toBeGreaterThan(0)
    expect(tokens.refresh_token).toBeTruthy()

    const claims = await client.getUserInfoByAccessToken(tokens.access_token, 'olivia')
    expect(claims).toMatchObject({
      sub: 'olivia',
      email: 'olivia@example.com',
      email_verified: true,
    })

    const refreshed = await client.getNewAccessTokenByRefreshToken(tokens.refresh_token!)
    expect(refreshed.access_token).not.toBe(tokens.access_token)
    expect(refreshed.idTokenClaims?.sub).toBe('olivia')

    const active = await client.introspectToken(refreshed.access_token, 'access_token')
    expect(active).toMatchObject({ active: true, sub: 'olivia', client_id: c.id })
    const introspections = (await providerRequests()).filter(
      (r) => r.path === '/token/introspection' && r.params.token === refreshed.access_token
    )
    expect(introspections).toHaveLength(1)
    const introspection = introspections[0]!
    expect(introspection.params.token_type_hint).toBe('access_token')
    if (c.method === 'client_secret_basic') expect(introspection.authorization).toMatch(/^Basic /)
    else expect(introspection.authorization).toBeNull()

    expect(await client.revokeToken(refreshed.access_token, 'access_token')).toBe(true)
    expect((await client.introspectToken(refreshed.access_token)).active).toBe(false)

    const logout = await client.buildLogoutUrl({
      redirectUri: `${SITE}/`,
      idTokenHint: refreshed.id_token ?? tokens.id_token!,
    })
    expect(logout.origin + logout.pathname).toBe(`${inject('issuer')}/session/end`)
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${SITE}/`)
    expect(logout.searchParams.get('id_token_hint')).toBe(refreshed.id_token ?? tokens.id_token)
  })

  it("exchanges a bare code string, as Authing's SDK does", async () => {
    const client = oidcClient(TEST_CLIENTS.post)
    const { secrets, code } = await codeAfterLogin(client, 'paul')
    const tokens = await client.getAccessTokenByCode(code, {
      codeVerifier: secrets.codeVerifier,
      nonce: secrets.nonce,
    })
    expect(tokens.idTokenClaims?.sub).toBe('paul')
  })

  it('refuses an ID token whose nonce is not the expected one', async () => {
    const client = oidcClient(TEST_CLIENTS.post)
    const { secrets, code } = await codeAfterLogin(client, 'quinn')
    await expect(
      client.getAccessTokenByCode(code, { codeVerifier: secrets.codeVerifier, nonce: 'other' })
    ).rejects.toMatchObject({ endpoint: 'token', kind: 'invalid_response' })
  })
})
