import { describe, expect, inject, it } from 'vitest'
import { decodeJwt, decodeProtectedHeader, SignJWT, importJWK, type JSONWebKeySet } from 'jose'
import type { EchoedRequest } from '../../dev/echo-types'
import { createIdentityVerifier } from '../../dev/identity-verifier'
import type { Env } from '../../src/config'
import { send, signIn, SITE, testEnv } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'
import { OTHER_IDENTITY_KEY, publicJwkOf, TEST_IDENTITY_KEY } from '../support/identity-keys'

const originAudience = () => new URL(inject('originUrl')).origin

async function jwksOf(e: Env): Promise<JSONWebKeySet> {
  const res = await send(new Request(`${SITE}/_auth/jwks.json`), e)
  expect(res.status).toBe(200)
  return res.json()
}

/** What the (real) origin received for a signed-in API request. */
async function echoFor(cookie: string, e: Env, path = '/api', headers = {}) {
  const res = await send(api(cookie, path, headers), e)
  expect(res.status).toBe(200)
  return (await res.json()) as EchoedRequest
}
const assertionOf = (echo: EchoedRequest) => echo.headers['x-auth-request-jwt'] as string

describe('the signed identity assertion (X-Auth-Request-Jwt)', () => {
  it('reaches the origin on a signed-in request, and the origin verifies it with the JWK Set', async () => {
    const e = testEnv()
    const { cookie } = await signIn('/', 'ines', e)
    const echo = await echoFor(cookie, e)
    // The demo origin verified it in Node with npm jose, against the harness's public key.
    expect(echo.assertion).toMatchObject({ verified: true })
    const assertion = assertionOf(echo)
    expect(decodeProtectedHeader(assertion)).toEqual({
      alg: 'ES256',
      kid: JSON.parse(TEST_IDENTITY_KEY).kid,
      typ: 'JWT',
    })
    // And the documented Node snippet, with the JWK Set as the proxy publishes it.
    const verify = createIdentityVerifier({
      site: SITE,
      audience: originAudience(),
      jwks: await jwksOf(e),
    })
    const claims = await verify(assertion)
    expect(claims).toEqual({
      iss: SITE,
      aud: originAudience(),
      sub: 'ines',
      email: 'ines@example.com',
      email_verified: true,
      preferred_username: 'ines',
      iat: expect.any(Number),
      exp: claims.iat! + 300,
    })
  })

  it('publishes public keys only: the current one, then the previous one', async () => {
    const res = await send(new Request(`${SITE}/_auth/jwks.json`), testEnv())
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    expect(await res.json()).toEqual({ keys: [JSON.parse(publicJwkOf(TEST_IDENTITY_KEY))] })
    const rotated = testEnv({
      IDENTITY_JWT_PRIVATE_KEY: OTHER_IDENTITY_KEY,
      IDENTITY_JWT_PREVIOUS_PUBLIC_KEY: publicJwkOf(TEST_IDENTITY_KEY),
    })
    const { keys } = await jwksOf(rotated)
    expect(keys.map((k) => k.kid)).toEqual([
      JSON.parse(OTHER_IDENTITY_KEY).kid,
      JSON.parse(TEST_IDENTITY_KEY).kid,
    ])
    expect(keys.every((k) => !('d' in k))).toBe(true)
  })

  it('fails verification when tampered with, or signed by a key the site does not publish', async () => {
    const e = testEnv()
    const { cookie } = await signIn('/', 'tam', e)
    const assertion = assertionOf(await echoFor(cookie, e))
    const verify = createIdentityVerifier({
      site: SITE,
      audience: originAudience(),
      jwks: await jwksOf(e),
    })
    const [header, payload, signature] = assertion.split('.') as [string, string, string]
    const forged = btoa(JSON.stringify({ ...decodeJwt(assertion), sub: 'admin' }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
    await expect(verify(`${header}.${forged}.${signature}`)).rejects.toThrow()
    const flipped = signature[5] === 'A' ? 'B' : 'A'
    await expect(
      verify(`${header}.${payload}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`)
    ).rejects.toThrow()
    // Another deployment's key, even claiming this site's kid.
    const foreignKey = await importJWK(JSON.parse(OTHER_IDENTITY_KEY), 'ES256')
    for (const kid of [JSON.parse(TEST_IDENTITY_KEY).kid, JSON.parse(OTHER_IDENTITY_KEY).kid]) {
      const foreign = await new SignJWT({ ...decodeJwt(assertion) })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .sign(foreignKey)
      await expect(verify(foreign)).rejects.toThrow()
    }
    // The origin itself says so for a forged header sent straight to it, and for none at all.
    const direct: Record<string, string>[] = [
      { 'x-auth-request-jwt': `${header}.${forged}.${signature}` },
      {},
    ]
    for (const headers of direct) {
      const res = await fetch(`${inject('originUrl')}/direct`, { headers })
      expect(((await res.json()) as EchoedRequest).assertion).toMatchObject({ verified: false })
    }
    // A right signature for another audience.
    await expect(
      createIdentityVerifier({ site: SITE, audience: 'other', jwks: await jwksOf(e) })(assertion)
    ).rejects.toThrow()
  })

  it('keeps verifying through a key rotation with the previous key published', async () => {
    const before = testEnv()
    const { cookie } = await signIn('/', 'rota', before)
    const old = assertionOf(await echoFor(cookie, before))
    const after = testEnv({
      IDENTITY_JWT_PRIVATE_KEY: OTHER_IDENTITY_KEY,
      IDENTITY_JWT_PREVIOUS_PUBLIC_KEY: publicJwkOf(TEST_IDENTITY_KEY),
    })
    const verify = createIdentityVerifier({
      site: SITE,
      audience: originAudience(),
      jwks: await jwksOf(after),
    })
    // An assertion signed before the rotation (still in flight, or kept by another isolate).
    expect((await verify(old)).sub).toBe('rota')
    const fresh = assertionOf(await echoFor(cookie, after))
    expect(decodeProtectedHeader(fresh).kid).toBe(JSON.parse(OTHER_IDENTITY_KEY).kid)
    expect((await verify(fresh)).sub).toBe('rota')
    // Once the previous key is dropped, old assertions stop verifying.
    const done = testEnv({ IDENTITY_JWT_PRIVATE_KEY: OTHER_IDENTITY_KEY })
    const verifyDone = createIdentityVerifier({
      site: SITE,
      audience: originAudience(),
      jwks: await jwksOf(done),
    })
    await expect(verifyDone(old)).rejects.toThrow()
    expect((await verifyDone(fresh)).sub).toBe('rota')
  })

  it('is signed once per identity and isolate, and again shortly before it expires', async () => {
    const w = world()
    const { cookie } = await w.signIn('reuse')
    const assertionNow = async () =>
      assertionOf((await (await w.send(api(cookie))).json()) as EchoedRequest)
    const first = await assertionNow()
    w.advance(100)
    expect(await assertionNow()).toBe(first)
    w.advance(139) // 239 s: 61 s left
    expect(await assertionNow()).toBe(first)
    w.advance(2) // 59 s left: re-signed
    const second = await assertionNow()
    expect(second).not.toBe(first)
    expect(decodeJwt(second).iat).toBe(decodeJwt(first).iat! + 241)
  })

  it('goes with a Bearer request too, and uses IDENTITY_JWT_AUDIENCE and _TTL_SECONDS', async () => {
    const w = world({ IDENTITY_JWT_AUDIENCE: 'urn:my-app', IDENTITY_JWT_TTL_SECONDS: '600' })
    const { cookie } = await w.signIn('bert')
    const token = (await record(cookie))!.tokens.accessToken
    const res = await w.send(api('', '/api', { authorization: `Bearer ${token}` }))
    const claims = decodeJwt(assertionOf((await res.json()) as EchoedRequest))
    expect(claims).toMatchObject({ sub: 'bert', aud: 'urn:my-app', iss: SITE })
    expect(claims.exp! - claims.iat!).toBe(600)
    expect(JSON.stringify(claims)).not.toContain(token)
  })

  it('is not sent on public paths, and a client copy never arrives', async () => {
    const e = testEnv({ PUBLIC_PATHS: '/healthz' })
    const { cookie } = await signIn('/', 'pub', e)
    const spoof = { 'X-Auth-Request-Jwt': 'eyJhbGciOiJub25lIn0.e30.', X_Auth_Request_Jwt: 'x' }
    const res = await send(api(cookie, '/healthz', spoof), e)
    const echo = (await res.json()) as EchoedRequest
    expect(Object.keys(echo.headers).filter((n) => /jwt/i.test(n))).toEqual([])
    const signedIn = await echoFor(cookie, e, '/api', spoof)
    expect(signedIn.assertion).toMatchObject({ verified: true })
    expect(signedIn.headers['x_auth_request_jwt']).toBeUndefined()
  })

  it('refuses to forward with a key that does not import, as a configuration error', async () => {
    const bad = JSON.parse(TEST_IDENTITY_KEY) as Record<string, string>
    // Well-formed coordinates of a point that is not on P-256.
    const e = testEnv({ IDENTITY_JWT_PRIVATE_KEY: JSON.stringify({ ...bad, y: bad.x }) })
    const { cookie } = await signIn('/', 'bad', e)
    const res = await send(api(cookie), e)
    expect(res.status).toBe(500)
    const body = await res.text()
    expect(body).not.toContain(bad.d!)
    // It says which setting, as every configuration problem does.
    expect(JSON.parse(body)).toMatchObject({
      error: 'config_invalid',
      problems: ['IDENTITY_JWT_PRIVATE_KEY is not a usable P-256 private key'],
    })
  })
})
