import { describe, expect, it } from 'vitest'
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
    expect(body).not.toContain('x-echo-origin')
    const api = await send(
      new Request(`${SITE}/x`, { headers: { cookie, accept: 'application/json' } }),
      e
    )
    expect(api.status).toBe(403)
    expect(api.headers.get('x-echo-origin')).toBeNull()
    expect(await api.json()).toMatchObject({ error: 'forbidden' })
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
