import { SignJWT } from 'jose'
import type * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { verifyIdTokenSignature } from '../../src/oauth/id-token-signature'
import type { OAuthClientOptions } from '../../src/oauth/options'

const SECRET = 'the-client-secret-of-an-authing-app'
const as = { issuer: 'https://app.authing.cn/oidc' } as oauth.AuthorizationServer
const options = {
  protocol: 'oauth',
  clientId: 'app',
  clientSecret: SECRET,
  redirectUri: 'https://proxy.test/_auth/callback',
} as unknown as OAuthClientOptions
const now = () => Math.floor(Date.now() / 1000)
const hs256 = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT({ sub: 'u1', iss: as.issuer, aud: 'app', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret))

describe('verifyIdTokenSignature with HS256 (Authing: the client secret is the key)', () => {
  it('accepts a token signed with the client secret, issued now or a little ahead', async () => {
    await expect(
      verifyIdTokenSignature(await hs256({ iat: now() }), as, options, new Map())
    ).resolves.toBeUndefined()
    await expect(
      verifyIdTokenSignature(await hs256({ iat: now() + 30 }), as, options, new Map())
    ).resolves.toBeUndefined()
  })

  it('refuses another key, a garbage signature, and an iat more than a minute ahead', async () => {
    const other = await hs256({ iat: now() }, 'another-secret-of-the-same-length!!')
    await expect(verifyIdTokenSignature(other, as, options, new Map())).rejects.toMatchObject({
      kind: 'invalid_response',
    })
    const good = await hs256({ iat: now() })
    await expect(
      verifyIdTokenSignature(`${good.slice(0, -3)}AAA`, as, options, new Map())
    ).rejects.toMatchObject({ kind: 'invalid_response' })
    await expect(
      verifyIdTokenSignature(await hs256({ iat: now() + 3600 }), as, options, new Map())
    ).rejects.toMatchObject({ kind: 'invalid_response' })
  })

  it('refuses an asymmetric token when the provider publishes no jwks_uri, and alg none', async () => {
    const none = `${btoa('{"alg":"none"}').replace(/=/g, '')}.${btoa('{"sub":"u"}').replace(/=/g, '')}.`
    await expect(verifyIdTokenSignature(none, as, options, new Map())).rejects.toMatchObject({
      kind: 'invalid_response',
    })
  })
})
