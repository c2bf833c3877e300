import { describe, expect, it } from 'vitest'
import {
  isProxyCookieName,
  readSessionCookie,
  serializeSessionCookie,
  sessionCookieName,
} from '../../src/session/cookie'
import { randomId } from '../../src/utils/crypto'

const secret = 's'.repeat(32)
const https = new URL('https://proxy.test/')
const http = new URL('http://localhost:8787/')

async function cookieFor(id: string, site = https, key = secret) {
  return (await serializeSessionCookie(id, site, key, 3600)).split(';')[0]!
}

describe('session cookie', () => {
  it('round-trips a signed session id', async () => {
    const id = randomId()
    expect(await readSessionCookie(await cookieFor(id), https, secret)).toBe(id)
  })

  it('uses __Host- and Secure over https, neither over plain http', async () => {
    expect(await serializeSessionCookie(randomId(), https, secret, 60)).toMatch(
      /^__Host-eap_session=[^;]+; Max-Age=60; Path=\/; HttpOnly; Secure; SameSite=Lax$/
    )
    const plain = await serializeSessionCookie(randomId(), http, secret, 60)
    expect(plain).toMatch(/^eap_session=/)
    expect(plain).not.toMatch(/Secure/)
    expect(sessionCookieName(http)).toBe('eap_session')
  })

  it('treats tampered, truncated, foreign, oversized and duplicated cookies as no session', async () => {
    const id = randomId()
    const good = await cookieFor(id)
    const [name, value] = good.split('=') as [string, string]
    const flipped = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11)
    const cases = [
      `${name}=${flipped}`,
      good.slice(0, -3),
      `${name}=${value.split('.')[0]}`,
      await cookieFor(id, https, 'another-deployment-secret-0123456789'),
      `${name}=${value}${'A'.repeat(200)}`,
      `${good}; ${await cookieFor(randomId())}`,
      `${good}; ${good}`,
      `eap_session=${value}`,
      `${name}=${randomId()}.${value.split('.')[1]}`,
    ]
    for (const header of cases) {
      expect(await readSessionCookie(header, https, secret), header).toBeNull()
    }
  })

  it('knows its own cookie names', () => {
    expect(isProxyCookieName('__Host-eap_session')).toBe(true)
    expect(isProxyCookieName('eap_session')).toBe(true)
    expect(isProxyCookieName('eap_login_x')).toBe(true)
    expect(isProxyCookieName('session')).toBe(false)
    expect(isProxyCookieName('__Host-other')).toBe(false)
  })
})

describe('session cookie binding', () => {
  it('refuses the value of an https cookie presented under the plain-http name', async () => {
    const id = randomId()
    const value = (await cookieFor(id)).split('=')[1]
    expect(await readSessionCookie(`eap_session=${value}`, http, secret)).toBeNull()
  })

  it('accepts only the canonical spelling of the signature', async () => {
    const id = randomId()
    const good = await cookieFor(id)
    const last = good.at(-1)!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const variants = [...alphabet].filter((ch) => ch !== last).map((ch) => good.slice(0, -1) + ch)
    for (const variant of variants) {
      expect(await readSessionCookie(variant, https, secret), variant).toBeNull()
    }
  })
})
