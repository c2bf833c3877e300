import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { callbackRequest, loginAtProvider, sessionCount, startSignIn } from '../helpers/harness'
import { world } from '../helpers/session-world'

/** A fetch to the real provider that rewrites the token response's `id_token` with `change`. */
function rewritingIdToken(change: (idToken: string) => Promise<string> | string) {
  const seen = { jwks: 0 }
  const fetchImpl: typeof fetch = async (input, init) => {
    const req = new Request(input, init)
    const path = new URL(req.url).pathname
    if (path === '/jwks') seen.jwks++
    const res = await fetch(req)
    if (path !== '/token' || !res.ok) return res
    const body = (await res.json()) as Record<string, unknown>
    if (typeof body.id_token !== 'string') return Response.json(body)
    return Response.json({ ...body, id_token: await change(body.id_token) })
  }
  return { seen, fetchImpl }
}

async function signInThrough(w: ReturnType<typeof world>, username: string) {
  const started = await startSignIn('/signed', w.e, undefined, (req) => w.send(req))
  const callbackUrl = await loginAtProvider(started.authorizeUrl.href, username)
  return w.send(callbackRequest(callbackUrl, started.jar))
}

describe("the ID token's signature", () => {
  it('signs in with an ID token the provider signed (its JWKS fetched once per isolate)', async () => {
    const { seen, fetchImpl } = rewritingIdToken((t) => t)
    const w = world({}, fetchImpl)
    expect((await signInThrough(w, 'sig-ok')).status).toBe(302)
    expect((await signInThrough(w, 'sig-ok-2')).status).toBe(302)
    expect(seen.jwks).toBe(1)
  })

  it('refuses an ID token whose signature does not verify, and creates no session', async () => {
    const { fetchImpl } = rewritingIdToken((t) => {
      const [h, p, s] = t.split('.') as [string, string, string]
      return `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`
    })
    const w = world({}, fetchImpl)
    const before = await sessionCount(w.e)
    const res = await signInThrough(w, 'sig-garbage')
    expect(res.status).toBe(502)
    expect(await sessionCount(w.e)).toBe(before)
  })

  it('refuses an ID token signed by a key the provider does not publish', async () => {
    const { fetchImpl } = rewritingIdToken(async (t) => {
      const { privateKey } = (await crypto.subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        ['sign', 'verify']
      )) as CryptoKeyPair
      const kid = decodeProtectedHeader(t).kid
      return new SignJWT(decodeJwt(t))
        .setProtectedHeader({ alg: 'RS256', kid: `${kid}-unknown` })
        .sign(privateKey)
    })
    const w = world({}, fetchImpl)
    expect((await signInThrough(w, 'sig-unknown-kid')).status).toBe(502)
  })
})
