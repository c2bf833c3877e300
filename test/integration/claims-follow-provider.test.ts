import { describe, expect, it } from 'vitest'
import { api, LONG_IDLE, world } from '../helpers/session-world'

/**
 * A fetch to the real provider whose userinfo answers carry `email` once `moved.to` is set: the
 * provider now places the user elsewhere.
 */
function movingProvider() {
  const moved: { to?: string } = {}
  const fetchImpl: typeof fetch = async (input, init) => {
    const req = new Request(input, init)
    const res = await fetch(req)
    if (!moved.to || new URL(req.url).pathname !== '/me' || !res.ok) return res
    const body = (await res.json()) as Record<string, unknown>
    return Response.json({ ...body, email: moved.to, email_verified: true })
  }
  return { moved, fetchImpl }
}

describe('claims follow the provider', () => {
  it('refuses a user the provider moved outside ALLOWED_EMAIL_DOMAINS from the next refresh on', async () => {
    const { moved, fetchImpl } = movingProvider()
    const w = world({ ...LONG_IDLE, ALLOWED_EMAIL_DOMAINS: 'example.com' }, fetchImpl)
    const { cookie } = await w.signIn('mover')
    expect((await w.send(api(cookie))).status).toBe(200)
    moved.to = 'mover@elsewhere.example'
    w.advance(600)
    // Until the refresh, the claims are those of the sign-in.
    expect((await w.send(api(cookie))).status).toBe(200)
    w.advance(3600) // the access token expired: refreshed, and the claims with it
    expect((await w.send(api(cookie))).status).toBe(403)
    w.advance(120)
    expect((await w.send(api(cookie))).status).toBe(403)
  })

  it('lets a user the provider moved inside the allow-list in from the next refresh on', async () => {
    const { moved, fetchImpl } = movingProvider()
    moved.to = 'outsider@elsewhere.example'
    const w = world({ ...LONG_IDLE, ALLOWED_EMAIL_DOMAINS: 'example.com' }, fetchImpl)
    const { cookie } = await w.signIn('joiner')
    expect((await w.send(api(cookie))).status).toBe(403)
    moved.to = 'joiner@example.com'
    w.advance(3600)
    expect((await w.send(api(cookie))).status).toBe(200)
  })
})
