import { importJWK, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { OTHER_IDENTITY_KEY } from '../support/identity-keys'
import { world } from '../helpers/session-world'
import { backchannelPost, logoutClaims } from '../helpers/logout-token'

/** A logout token signed by a key the provider does not publish (an unknown `kid`). */
async function strangerToken(): Promise<string> {
  const jwk = JSON.parse(OTHER_IDENTITY_KEY) as { kid: string }
  return new SignJWT(await logoutClaims({ sub: 'anyone' }))
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'logout+jwt' })
    .sign(await importJWK(JSON.parse(OTHER_IDENTITY_KEY), 'ES256'))
}

const post = backchannelPost

describe("the provider's JWKS under unknown kids", () => {
  it('a burst of posts with unknown kids makes one call to a jwks_uri that fails, not one each', async () => {
    let jwksFetches = 0
    const w = world({}, async (input, init) => {
      const req = new Request(input, init)
      if (new URL(req.url).pathname !== '/jwks') return fetch(req)
      jwksFetches++
      return new Response('busy', { status: 503 })
    })
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) statuses.push((await w.send(post(await strangerToken()))).status)
    expect(statuses.every((s) => s !== 200)).toBe(true)
    // Anyone may POST here: twenty posts must not become twenty calls to the provider.
    expect(jwksFetches).toBeLessThanOrEqual(1)
  })
})
