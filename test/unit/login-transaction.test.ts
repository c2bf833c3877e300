import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openLoginCookie, serializeLoginCookies } from '../../src/session/login-cookie'
import {
  LOGIN_TRANSACTION_TTL_SECONDS,
  type LoginTransaction,
} from '../../src/session/login-transaction'
import { randomId } from '../../src/utils/crypto'
import { MAX_RETURN_TO_LENGTH, safeReturnTo } from '../../src/utils/return-to'

const SITE = new URL('https://proxy.test/')
const SECRET = 'test-cookie-secret-0123456789abcdefghijkl'
const now = 1_764_444_444
const tx = (overrides: Partial<LoginTransaction> = {}): LoginTransaction => ({
  v: 1,
  state: randomId(),
  codeVerifier: randomId(),
  nonce: randomId(),
  returnTo: '/page?x=1',
  createdAt: now,
  ...overrides,
})

/** The browser's `Cookie` header after it stored `setCookies`. */
const cookieHeader = (setCookies: string[]) =>
  setCookies
    .filter((c) => !/Max-Age=0/.test(c))
    .map((c) => c.split(';')[0])
    .join('; ')

async function started(t: LoginTransaction, secret = SECRET) {
  return serializeLoginCookies(t, SITE, secret, null)
}

describe('login transactions sealed in the login cookie', () => {
  it('gives the transaction back to the browser that holds the cookie', async () => {
    const t = tx({ replaces: randomId() })
    const header = cookieHeader(await started(t))
    expect(await openLoginCookie(t.state, SITE, SECRET, header, now + 5)).toEqual(t)
  })

  it('shows nothing of the transaction in the cookie', async () => {
    const t = tx({ returnTo: '/secret-path?q=visible' })
    const [setCookie] = await started(t)
    for (const part of [t.codeVerifier, t.nonce, 'secret-path', t.state.slice(12)]) {
      expect(setCookie).not.toContain(part)
    }
  })

  it('opens for its own state only: a cookie moved under another state name is refused', async () => {
    const a = tx()
    const b = tx()
    const value = cookieHeader(await started(a)).split('=')[1]
    const moved = `__Host-eap_login_${b.state.slice(0, 12)}=${value}`
    expect(await openLoginCookie(b.state, SITE, SECRET, moved, now)).toBeNull()
  })

  it('refuses another secret, a tampered value, two cookies, and no cookie', async () => {
    const t = tx()
    const header = cookieHeader(await started(t))
    expect(
      await openLoginCookie(t.state, SITE, 'another-secret-0123456789abcdefghij', header, now)
    ).toBeNull()
    const [name, value] = header.split('=') as [string, string]
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21)
    expect(await openLoginCookie(t.state, SITE, SECRET, `${name}=${flipped}`, now)).toBeNull()
    expect(await openLoginCookie(t.state, SITE, SECRET, `${header}; ${header}`, now)).toBeNull()
    expect(await openLoginCookie(t.state, SITE, SECRET, null, now)).toBeNull()
  })

  it('refuses a transaction older than 10 minutes on the given clock', async () => {
    const t = tx()
    const header = cookieHeader(await started(t))
    const late = now + LOGIN_TRANSACTION_TTL_SECONDS + 1
    expect(await openLoginCookie(t.state, SITE, SECRET, header, late)).toBeNull()
    expect(await openLoginCookie(t.state, SITE, SECRET, header, late - 1)).not.toBeNull()
  })

  it.each([null, '', 'short', 'x'.repeat(43) + '!', 'a/b'.repeat(15), '../'.repeat(20)])(
    'refuses the malformed state %j',
    async (state) => {
      expect(await openLoginCookie(state, SITE, SECRET, 'a=b', now)).toBeNull()
    }
  )

  it('stays under 4 KB per cookie with the longest return address and a replaced session', async () => {
    const returnTo = '/' + 'a%2F'.repeat((MAX_RETURN_TO_LENGTH - 1) / 4) + 'x'.repeat(3)
    expect(returnTo.length).toBeLessThanOrEqual(MAX_RETURN_TO_LENGTH)
    const [setCookie] = await started(tx({ returnTo, replaces: randomId() }))
    const nameAndValue = setCookie!.split(';')[0]!
    expect(nameAndValue.length).toBeLessThan(3500)
    expect(setCookie!.length).toBeLessThan(4000)
  })

  it('stays under 4 KB with the longest return address of characters JSON escapes (a query of backslashes)', async () => {
    // The URL parser leaves a backslash in a query as it is; JSON doubles it.
    const returnTo = safeReturnTo(`/?${'\\'.repeat(MAX_RETURN_TO_LENGTH - 2)}`, SITE.origin)
    expect(returnTo.length).toBe(MAX_RETURN_TO_LENGTH)
    const [setCookie] = await started(tx({ returnTo, replaces: randomId() }))
    expect(setCookie!.length).toBeLessThan(4000)
  })

  it('round-trips any return address (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (returnTo) => {
        const t = tx({ returnTo })
        const header = cookieHeader(await started(t))
        expect(await openLoginCookie(t.state, SITE, SECRET, header, now)).toEqual(t)
      }),
      { numRuns: 50 }
    )
  })
})
