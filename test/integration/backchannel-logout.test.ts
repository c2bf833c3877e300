import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { api, CLIENT, LONG_IDLE, record, world } from '../helpers/session-world'
import { backchannelPost, logoutClaims } from '../helpers/logout-token'

const TTL = 60

/** A logout token as the provider makes one (HS256 under the client secret), with `claims`. */
async function logoutToken(claims: Record<string, unknown>, secret: string = CLIENT.secret) {
  return new SignJWT(await logoutClaims(claims))
    .setProtectedHeader({ alg: 'HS256', typ: 'logout+jwt' })
    .sign(new TextEncoder().encode(secret))
}

const post = backchannelPost

const subOf = async (cookie: string) => (await record(cookie))!.claims.sub

describe('OpenID Connect Back-Channel Logout', () => {
  it('ends every session of the sub within INTROSPECTION_CACHE_TTL_SECONDS, and no other', async () => {
    const w = world(LONG_IDLE)
    const one = await w.signIn('bcl-sub')
    const two = await w.signIn('bcl-sub')
    const other = await w.signIn('bcl-other')
    for (const s of [one, two, other]) expect((await w.send(api(s.cookie))).status).toBe(200)
    const res = await w.send(post(await logoutToken({ sub: await subOf(one.cookie) })))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    w.advance(TTL + 1)
    expect((await w.send(api(one.cookie))).status).toBe(401)
    expect((await w.send(api(two.cookie))).status).toBe(401)
    expect((await w.send(api(other.cookie))).status).toBe(200)
  })

  it('ends them at once in the isolate that was told: its next request is refused', async () => {
    const w = world(LONG_IDLE)
    const one = await w.signIn('bcl-here')
    const other = await w.signIn('bcl-here-other')
    expect((await w.send(api(one.cookie))).status).toBe(200)
    expect((await w.send(post(await logoutToken({ sub: await subOf(one.cookie) })))).status).toBe(
      200
    )
    expect((await w.send(api(one.cookie))).status).toBe(401)
    expect((await w.send(api(other.cookie))).status).toBe(200)
  })

  it('answers 200 to a sid that names none of its sessions, and ends nothing', async () => {
    const w = world(LONG_IDLE)
    const one = await w.signIn('bcl-sid')
    expect((await w.send(post(await logoutToken({ sid: 'unknown-sid' })))).status).toBe(200)
    w.advance(TTL + 1)
    expect((await w.send(api(one.cookie))).status).toBe(200)
  })

  it.each([
    ['no events', { events: undefined, sub: 'x' }],
    ['another event', { events: { 'http://example.com/other': {} }, sub: 'x' }],
    ['a nonce', { nonce: 'n', sub: 'x' }],
    ['neither sub nor sid', {}],
    ['another audience', { aud: 'someone-else', sub: 'x' }],
    ['another issuer', { iss: 'https://evil.example', sub: 'x' }],
    ['no jti', { jti: undefined, sub: 'x' }],
    ['an iat an hour ahead', { iat: Math.floor(Date.now() / 1000) + 3600, sub: 'x' }],
  ])('answers 400 with an error JSON to a logout token with %s', async (_, claims) => {
    const w = world()
    const res = await w.send(post(await logoutToken(claims)))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('answers 400 to a token under another key, and to a request without a form', async () => {
    const w = world()
    const forged = await logoutToken({ sub: 'x' }, 'not-the-client-secret-at-all-really')
    expect((await w.send(post(forged))).status).toBe(400)
    const noForm = new Request('https://proxy.test/_auth/backchannel-logout', {
      method: 'POST',
      body: 'logout_token=x',
      headers: { 'content-type': 'text/plain' },
    })
    expect((await w.send(noForm)).status).toBe(400)
  })
})

describe('an operator ends every session of one user', () => {
  const ADMIN_TOKEN = 'an-operator-secret-of-at-least-32-characters'
  const end = (sub: string, token = ADMIN_TOKEN) =>
    new Request('https://proxy.test/_auth/admin/sessions/end', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sub }),
    })

  it('with the ADMIN_TOKEN: every session of that user ends within the TTL', async () => {
    const w = world({ ...LONG_IDLE, ADMIN_TOKEN })
    const one = await w.signIn('admin-target')
    const two = await w.signIn('admin-target')
    const sub = await subOf(one.cookie)
    expect((await w.send(end(sub, 'wrong-token-wrong-token-wrong-token-x'))).status).toBe(401)
    const res = await w.send(end(sub))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ended: 2 })
    w.advance(TTL + 1)
    expect((await w.send(api(one.cookie))).status).toBe(401)
    expect((await w.send(api(two.cookie))).status).toBe(401)
  })

  it('ends them at once in the isolate that was asked', async () => {
    const w = world({ ...LONG_IDLE, ADMIN_TOKEN })
    const one = await w.signIn('admin-here')
    expect((await w.send(api(one.cookie))).status).toBe(200)
    expect((await w.send(end(await subOf(one.cookie)))).status).toBe(200)
    expect((await w.send(api(one.cookie))).status).toBe(401)
  })

  it('does not exist without ADMIN_TOKEN', async () => {
    const w = world()
    expect((await w.send(end('someone'))).status).toBe(404)
  })
})

/** A form body of `chunks` chunks of 1 MB, counting how many the proxy pulled. */
function hugeForm(chunks: number) {
  const pulled = { chunks: 0 }
  const chunk = new TextEncoder().encode('a'.repeat(1024 * 1024))
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.chunks === chunks) return controller.close()
      pulled.chunks++
      controller.enqueue(chunk)
    },
  })
  return { body, pulled }
}

describe('a body larger than the endpoint takes', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' }

  it('back-channel logout (anyone may post): 400, and the body is not read past its limit', async () => {
    const w = world()
    const { body, pulled } = hugeForm(32)
    const req = new Request('https://proxy.test/_auth/backchannel-logout', {
      method: 'POST',
      headers: form,
      body,
    })
    const res = await w.send(req)
    expect(res.status).toBe(400)
    // 16 KB is the limit: one 1 MB chunk is past it, so no second is pulled (32 MB would be).
    expect(pulled.chunks).toBeLessThanOrEqual(2)
  })
})
