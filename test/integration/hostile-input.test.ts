import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import {
  CookieJar,
  loginAtProvider,
  navigation,
  send,
  sessionCount,
  signIn,
  SITE,
} from '../helpers/harness'

async function echoWith(cookie: string, headers: Record<string, string>): Promise<EchoedRequest> {
  const res = await send(
    new Request(`${SITE}/echo`, { headers: { accept: 'application/json', cookie, ...headers } })
  )
  expect(res.status).toBe(200)
  return (await res.json()) as EchoedRequest
}

describe('identity headers a client sends', () => {
  it('removes underscore and mixed spellings that CGI-style origins read as the same header', async () => {
    const { cookie } = await signIn('/', 'mallory')
    const echo = await echoWith(cookie, {
      X_Auth_Request_User: 'admin',
      'X-Auth_Request-Email': 'ceo@corp.example',
      X_Forwarded_Groups: 'admins',
      X_Forwarded_User: 'admin',
      x_forwarded_email: 'ceo@corp.example',
    })
    const names = Object.keys(echo.headers).map((n) => n.replace(/_/g, '-'))
    expect(names.filter((n) => n.startsWith('x-auth-request-')).sort()).toEqual([
      'x-auth-request-email',
      'x-auth-request-jwt',
      'x-auth-request-preferred-username',
      'x-auth-request-user',
    ])
    expect(echo.headers['x-auth-request-user']).toBe('mallory')
    expect(echo.assertion).toMatchObject({ verified: true, claims: { sub: 'mallory' } })
    expect(names).not.toContain('x-forwarded-groups')
    expect(names).not.toContain('x-forwarded-user')
    expect(names).not.toContain('x-forwarded-email')
  })

  it('removes client-sent client-IP and remote-user headers', async () => {
    const { cookie } = await signIn('/', 'mallory')
    const echo = await echoWith(cookie, {
      Forwarded: 'for=1.2.3.4;host=evil',
      'X-Real-IP': '1.2.3.4',
      'True-Client-IP': '1.2.3.4',
      'Remote-User': 'admin',
      'X-Remote-User': 'admin',
    })
    for (const name of [
      'forwarded',
      'x-real-ip',
      'true-client-ip',
      'remote-user',
      'x-remote-user',
    ]) {
      expect(echo.headers[name], name).toBeUndefined()
    }
  })

  it('sends a non-ASCII username as its UTF-8 bytes, encoded once, and as JSON in the assertion', async () => {
    const { cookie } = await signIn('/', 'Ünï')
    const echo = await echoWith(cookie, {})
    // Node hands header bytes over as latin1: decode them back as UTF-8 (docs/origin-trust.md).
    const raw = echo.headers['x-auth-request-user'] as string
    expect(raw).toBe('Ã\x9cnÃ¯')
    expect(new TextDecoder().decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)))).toBe('Ünï')
    // The assertion needs no such step: a Node origin verifying it with jose reads the value.
    expect(echo.assertion).toMatchObject({
      verified: true,
      claims: { sub: 'Ünï', preferred_username: 'Ünï', email: 'Ünï@example.com' },
    })
  })
})

describe('a callback finished in another browser', () => {
  it('does nothing: the sign-in is bound to the browser that started it', async () => {
    const attacker = new CookieJar()
    const start = await send(navigation('/upload'))
    attacker.store(start)
    const callbackUrl = await loginAtProvider(start.headers.get('location')!, 'mallory')
    const path = callbackUrl.pathname + callbackUrl.search
    const before = await sessionCount()
    // The victim's browser opens the attacker's callback URL: no login-binding cookie.
    const victim = await send(navigation(path))
    expect(victim.status).toBe(400)
    expect(victim.headers.getSetCookie().some((c) => c.includes('eap_session'))).toBe(false)
    expect(await sessionCount()).toBe(before)
  })

  it('still completes in the browser that started it', async () => {
    const jar = new CookieJar()
    const start = await send(navigation('/mine'))
    jar.store(start)
    const callbackUrl = await loginAtProvider(start.headers.get('location')!, 'nina')
    const res = await send(
      navigation(callbackUrl.pathname + callbackUrl.search, { headers: { cookie: jar.header() } })
    )
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/mine')
  })
})

describe('the provider error shown to the user', () => {
  it('names only a well-formed OAuth error code, never free text', async () => {
    const start = await send(navigation('/x'))
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!
    const jar = new CookieJar()
    jar.store(start)
    const text = 'Your account is locked. Call +1 555 0100 now'
    const res = await send(
      navigation(
        `/_auth/callback?state=${state}&iss=${encodeURIComponent(inject('issuer'))}&error=${encodeURIComponent(text)}`,
        { headers: { cookie: jar.header() } }
      )
    )
    expect(res.status).toBe(403)
    const body = await res.text()
    expect(body).not.toContain('locked')
    expect(body).toContain('unknown error')
  })
})

describe('client X-Forwarded-* headers', () => {
  it('never drive a decision', async () => {
    const spoofed = {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-For': '10.0.0.1',
    }
    // http on a public host is redirected to https whatever X-Forwarded-Proto says.
    const http = await send(navigation('/x', { headers: spoofed }, 'http://app.example.com'))
    expect(http.status).toBe(308)
    expect(http.headers.get('location')).toBe('https://app.example.com/x')
    // The sign-in goes to the configured redirect_uri and comes back to a path.
    const start = await send(navigation('/x', { headers: spoofed }))
    const authorize = new URL(start.headers.get('location')!)
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${SITE}/_auth/callback`)
  })
})

describe('pending sign-ins in one browser', () => {
  it('are bounded: starting a sixth expires the oldest binding cookie', async () => {
    const jar = new CookieJar()
    const names: string[] = []
    for (let i = 0; i < 6; i++) {
      const res = await send(navigation(`/tab${i}`, { headers: { cookie: jar.header() } }))
      const set = res.headers.getSetCookie()
      if (i < 5) expect(set).toHaveLength(1)
      else {
        expect(set).toHaveLength(2)
        expect(set[0]).toMatch(new RegExp(`^${names[0]}=; Max-Age=0`))
      }
      names.push(set.at(-1)!.split('=')[0]!)
      jar.store(res)
    }
    expect(jar.cookies.size).toBe(5)
  })
})

describe("the proxy's own pages", () => {
  it('load nothing from anywhere (no scripts, no external styles, fonts or images)', async () => {
    const pages = [
      await send(navigation('/_auth/callback?state=x')),
      await send(navigation('/_auth/logout')),
      await send(navigation('/_auth/nope')),
    ]
    for (const res of pages) {
      const body = await res.text()
      expect(body).not.toMatch(/<script|<link|<img|@import|url\(|src=/i)
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    }
  })
})

describe('malformed pending sign-in cookie names', () => {
  it('do not break a new sign-in', async () => {
    const cookie = [0, 1, 2, 3, 4].map((i) => `__Host-eap_login_(${i}=v`).join('; ')
    const res = await send(navigation('/x', { headers: { cookie } }))
    expect(res.status).toBe(302)
  })
})
