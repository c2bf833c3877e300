import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isIdentityHeaderName, stripIdentityHeaders } from '../../src/proxy/identity-headers'
import { readSessionCookie, serializeSessionCookie } from '../../src/session/cookie'
import { randomId } from '../../src/utils/crypto'

const SECRET = 's'.repeat(32)
const SITE = new URL('https://proxy.test/')

describe('session cookies (property)', () => {
  it('accepts no mutation of a valid cookie, and never throws', async () => {
    const id = randomId()
    const good = (await serializeSessionCookie(id, SITE, SECRET, 60)).split(';')[0]!
    const value = good.slice(good.indexOf('=') + 1)
    const mutation = fc.oneof(
      fc
        .tuple(fc.nat(value.length - 1), fc.constantFrom(...'AZaz09-_.=;% '))
        .map(([i, ch]) =>
          value[i] === ch ? `${value}x` : value.slice(0, i) + ch + value.slice(i + 1)
        ),
      fc.nat(value.length - 1).map((n) => value.slice(0, n)),
      fc
        .string({ maxLength: 300 })
        .map((tail) => value + tail)
        .filter((v) => v !== value),
      fc.string({ maxLength: 200 })
    )
    await fc.assert(
      // Spaces around a value and what follows a `;` are not part of it (RFC 6265 5.2, 5.4).
      fc.asyncProperty(
        mutation.filter((m) => m.split(';')[0]!.trim() !== value),
        async (mutated) => {
          const header = `__Host-eap_session=${mutated}`
          expect(await readSessionCookie(header, SITE, SECRET)).toBeNull()
        }
      ),
      { numRuns: 3000 }
    )
  }, 60_000)
})

describe('identity headers (property)', () => {
  const NAMES = [
    'x-auth-request-user',
    'x-auth-request-email',
    'x-auth-request-groups',
    'x-auth-request-anything',
    'x-forwarded-user',
    'x-forwarded-email',
    'x-forwarded-groups',
    'x-forwarded-preferred-username',
  ]

  it('strips every spelling (letter case, _ for -), however often sent', () => {
    const spelling = fc
      .tuple(fc.constantFrom(...NAMES), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }))
      .map(([name, flips]) =>
        [...name]
          .map((ch, i) =>
            ch === '-' && flips[i] ? '_' : flips[(i + 7) % 40] ? ch.toUpperCase() : ch
          )
          .join('')
      )
    fc.assert(
      fc.property(fc.array(spelling, { minLength: 1, maxLength: 6 }), (names) => {
        const headers = new Headers([['accept', 'text/html']])
        for (const name of names) headers.append(name, 'spoofed')
        stripIdentityHeaders(headers)
        expect([...headers.keys()]).toEqual(['accept'])
        expect(names.every((name) => isIdentityHeaderName(name))).toBe(true)
      }),
      { numRuns: 5000 }
    )
  })
})
