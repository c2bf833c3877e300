import { describe, expect, inject, it } from 'vitest'
import { navigation, providerRequests, SITE } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'

describe('sign-out', () => {
  it('revokes the tokens, deletes the session, clears the cookie and goes to the provider', async () => {
    const w = world()
    const { cookie } = await w.signIn('sara')
    const rec = (await record(cookie))!
    const res = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie, origin: SITE } })
    )
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${inject('issuer')}/session/end`)
    expect(location.searchParams.get('id_token_hint')).toBe(rec.tokens.idToken)
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${SITE}/`)
    expect(res.headers.get('clear-site-data')).toBe('"cookies"')
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-eap_session=; Max-Age=0/)
    const revocations = (await providerRequests()).filter(
      (r) =>
        r.path === '/token/revocation' &&
        (r.params.token === rec.tokens.refreshToken || r.params.token === rec.tokens.accessToken)
    )
    expect(revocations.map((r) => r.params.token_type_hint)).toEqual([
      'refresh_token',
      'access_token',
    ])
    expect(await record(cookie)).toBeNull()
    expect((await w.send(api(cookie))).status).toBe(401)
  })

  it('refuses a cross-site POST and keeps the session', async () => {
    const w = world()
    const { cookie } = await w.signIn('carl')
    const cross = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', accept: 'text/html' },
      })
    )
    expect(cross.status).toBe(403)
    const fetchMeta = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'cross-site' },
      })
    )
    expect(fetchMeta.status).toBe(403)
    expect((await w.send(api(cookie))).status).toBe(200)
  })

  it('shows a page with a button that POSTs', async () => {
    const w = world()
    const { cookie } = await w.signIn('gail')
    const res = await w.send(navigation('/_auth/logout', { headers: { cookie } }))
    expect(res.status).toBe(200)
    const body = await res.text()
    expect(body).toContain('<form method="post" action="/_auth/logout">')
    expect(body).toContain('gail@example.com')
  })
})

describe('/_auth/userinfo', () => {
  it("returns the signed-in user's claims without tokens, and 401 without a session", async () => {
    const w = world()
    const { cookie } = await w.signIn('uma')
    const res = await w.send(api(cookie, '/_auth/userinfo'))
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toEqual({
      sub: 'uma',
      email: 'uma@example.com',
      email_verified: true,
      preferred_username: 'uma',
      name: 'uma',
    })
    expect((await w.send(api('', '/_auth/userinfo'))).status).toBe(401)
  })

  it('returns only to the site itself after the provider', async () => {
    for (const [setting, expected] of [
      ['https://proxy.test/bye?x=1', 'https://proxy.test/bye?x=1'],
      ['https://evil.example/', 'https://proxy.test/'],
    ]) {
      const w = world({ POST_LOGOUT_REDIRECT_URI: setting })
      const { cookie } = await w.signIn('ret')
      const res = await w.send(
        new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie, origin: SITE } })
      )
      const location = new URL(res.headers.get('location')!)
      expect(location.searchParams.get('post_logout_redirect_uri')).toBe(expected)
    }
  })
})
