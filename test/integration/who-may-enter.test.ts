import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { navigation, send, signIn, SITE, testEnv } from '../helpers/harness'

describe('who may enter', () => {
  it('forwards a user whose email domain is allowed', async () => {
    const e = testEnv({ ALLOWED_EMAIL_DOMAINS: 'example.com' })
    const { cookie } = await signIn('/', 'ann', e)
    const res = await send(
      new Request(`${SITE}/x`, { headers: { cookie, accept: 'application/json' } }),
      e
    )
    expect(res.status).toBe(200)
  })

  it('refuses everyone else with a 403 page that offers to sign out, and forwards nothing', async () => {
    const e = testEnv({ ALLOWED_EMAIL_DOMAINS: 'corp.example', ALLOWED_EMAILS: 'boss@example.org' })
    const { cookie } = await signIn('/', 'ann', e) // ann@example.com
    const page = await send(navigation('/x', { headers: { cookie } }), e)
    expect(page.status).toBe(403)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const body = await page.text()
    expect(body).toContain('<form method="post" action="/_auth/logout">')
    expect(body).toContain('You are signed in as <strong>ann@example.com</strong>.')
    // "Use another account": the provider asks again instead of signing the same account in.
    expect(body).toContain('href="/_auth/login?rd=%2Fx&#38;prompt=login">Use another account</a>')
    expect(page.headers.get('content-security-policy')).toContain(
      `form-action 'self' ${inject('issuer')}`
    )
    expect(body).not.toContain('x-echo-origin')
    const api = await send(
      new Request(`${SITE}/x`, { headers: { cookie, accept: 'application/json' } }),
      e
    )
    expect(api.status).toBe(403)
    expect(api.headers.get('x-echo-origin')).toBeNull()
    expect(await api.json()).toMatchObject({ error: 'forbidden' })
  })

  it("names the account escaped, in the browser's language", async () => {
    const e = testEnv({ ALLOWED_EMAILS: 'boss@example.com' })
    const { cookie } = await signIn('/', '<b>x</b>', e)
    const page = await send(
      navigation('/x', { headers: { cookie, 'accept-language': 'zh-TW,zh;q=0.8' } }),
      e
    )
    const body = await page.text()
    expect(body).toContain('<html lang="zh-TW">')
    expect(body).toContain('<h1>無權存取</h1>')
    expect(body).toContain('目前登入帳號：<strong>&#60;b&#62;x&#60;/b&#62;@example.com</strong>')
    expect(body).toContain('使用其他帳號')
    expect(body).not.toContain('<b>x</b>')
  })

  it('lets in an exact address', async () => {
    const e = testEnv({ ALLOWED_EMAILS: 'boss@example.com' })
    const { cookie } = await signIn('/', 'boss', e)
    const res = await send(
      new Request(`${SITE}/x`, { headers: { cookie, accept: 'application/json' } }),
      e
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as EchoedRequest).headers['x-auth-request-email']).toBe(
      'boss@example.com'
    )
  })
})
