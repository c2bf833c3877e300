import { describe, expect, inject, it } from 'vitest'
import { brokenKv, navigation, providerRequests, SITE } from '../helpers/harness'
import { api, record, world } from '../helpers/session-world'

describe('sign-out', () => {
  // A client that is no browser page (curl with the cookie) sends neither Origin nor
  // Sec-Fetch-Site; what Chromium sends for the sign-out button is tested in test/browser.
  it('revokes the tokens, deletes the session, clears the cookie and goes to the provider', async () => {
    const w = world()
    const { cookie } = await w.signIn('sara')
    const rec = (await record(cookie))!
    const res = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
    )
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${inject('issuer')}/session/end`)
    expect(location.searchParams.get('id_token_hint')).toBe(rec.tokens.idToken)
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${SITE}/_auth/signed-out`)
    expect(res.headers.get('clear-site-data')).toBe('"cache", "cookies"')
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

  // These stand for browsers that send one header but not the other (old ones without Fetch
  // Metadata, and any current one); Chromium's own refusal is tested in test/browser.
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
    const sibling = await w.send(
      new Request(`${SITE}/_auth/logout`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'same-site', origin: 'https://blog.proxy.test' },
      })
    )
    expect(sibling.status).toBe(403)
    expect(await sibling.json()).toMatchObject({ error: 'cross_site_request' })
    const opaque = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie, origin: 'null' } })
    )
    expect(opaque.status).toBe(403)
    expect((await w.send(api(cookie))).status).toBe(200)
  })

  it('signs nobody out with a GET', async () => {
    const w = world()
    const { cookie } = await w.signIn('gus')
    expect((await w.send(navigation('/_auth/logout', { headers: { cookie } }))).status).toBe(200)
    expect((await w.send(api(cookie))).status).toBe(200)
  })

  it('shows a page with a button that POSTs', async () => {
    const w = world()
    const { cookie } = await w.signIn('gail')
    const res = await w.send(navigation('/_auth/logout', { headers: { cookie } }))
    expect(res.status).toBe(200)
    const body = await res.text()
    expect(body).toContain('<form method="post" action="/_auth/logout">')
    expect(body).toContain('<strong>gail@example.com</strong>')
    // The POST's answer redirects to the provider: Chromium checks form-action on redirects too.
    expect(res.headers.get('content-security-policy')).toContain(
      `form-action 'self' ${inject('issuer')}`
    )
    // Under this policy a same-origin POST carries the page's real Origin (Fetch standard).
    expect(res.headers.get('referrer-policy')).toBe('same-origin')
  })

  it('still offers the button when KV cannot say whose the session is', async () => {
    const w = world()
    const { cookie } = await w.signIn('kv-down')
    const fresh = world() // another isolate: nothing in memory
    const res = await fresh.send(navigation('/_auth/logout', { headers: { cookie } }), {
      ...fresh.e,
      SESSIONS: brokenKv(),
    })
    expect(res.status).toBe(200)
    const body = await res.text()
    expect(body).toContain('<form method="post" action="/_auth/logout">')
    expect(body).not.toContain('You are not signed in.')
  })

  it('shows bidirectional controls in the account name as such, not as another name', async () => {
    const w = world()
    const { cookie } = await w.signIn('\u202eelpmaxe.proc@nimda')
    const body = await (await w.send(navigation('/_auth/logout', { headers: { cookie } }))).text()
    expect(body).toContain('<strong>\ufffdelpmaxe.proc@nimda</strong>')
    expect(body).not.toContain('\u202e')
  })

  it("lists the provider's origin in form-action even while discovery fails", async () => {
    const down: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/.well-known/')) {
        throw new TypeError('connection refused')
      }
      return fetch(input, init)
    }
    const res = await world({}, down).send(navigation('/_auth/logout'))
    expect(res.status).toBe(200)
    // The button's POST will redirect there once the provider is back.
    expect(res.headers.get('content-security-policy')).toContain(
      `form-action 'self' ${inject('issuer')}`
    )
  })

  it('speaks Chinese to a zh-CN browser', async () => {
    const w = world()
    const res = await w.send(
      navigation('/_auth/logout', { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } })
    )
    const body = await res.text()
    expect(body).toContain('<html lang="zh-CN">')
    expect(body).toContain('<h1>退出登录</h1>')
    expect(body).toContain('您当前未登录。')
  })

  it('ends on the proxy\'s own "You are signed out" page, with a way back in', async () => {
    const w = world()
    const res = await w.send(navigation('/_auth/signed-out'))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.text()
    expect(body).toContain('<h1>You are signed out</h1>')
    expect(body).toContain('href="/_auth/login?rd=%2F">Sign in again</a>')
    const zh = await w.send(
      navigation('/_auth/signed-out', { headers: { 'accept-language': 'zh' } })
    )
    expect(await zh.text()).toContain('<h1>您已退出登录</h1>')
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
        new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
      )
      const location = new URL(res.headers.get('location')!)
      expect(location.searchParams.get('post_logout_redirect_uri')).toBe(expected)
    }
  })
})
