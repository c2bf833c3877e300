import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSameOriginRequest } from '../../src/utils/same-origin'

const SITE = 'https://proxy.test'
const post = (headers: Record<string, string>) =>
  new Request(`${SITE}/_auth/logout`, { method: 'POST', headers })

describe('isSameOriginRequest (Fetch Metadata, then Origin)', () => {
  it.each([
    // What Chromium sends for the sign-out button under the pages' old Referrer-Policy: no-referrer.
    [{ 'sec-fetch-site': 'same-origin', origin: 'null' }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: SITE }, true],
    // A form on a sibling subdomain, or on another site.
    [{ 'sec-fetch-site': 'same-site', origin: 'https://other.proxy.test' }, false],
    [{ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, false],
    [{ 'sec-fetch-site': 'cross-site', origin: 'null' }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    // A browser without Fetch Metadata: Origin decides, and null is not ours.
    [{ origin: SITE }, true],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'null' }, false],
    [{ origin: 'https://proxy.test:444' }, false],
    [{ origin: 'http://proxy.test' }, false],
    // Older browsers that send only a Referer.
    [{ referer: `${SITE}/_auth/logout` }, true],
    [{ referer: 'http://evil.example/page' }, false],
    [{ referer: 'not a url' }, false],
    // No browser page at all (curl, a server).
    [{}, true],
  ])('%j -> %s', (headers, expected) => {
    expect(isSameOriginRequest(post(headers), SITE)).toBe(expected)
  })

  it('refuses every Sec-Fetch-Site but same-origin, whatever the Origin', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() === s && !/[\r\n\0]/.test(s)),
        fc.oneof(fc.constant(SITE), fc.constant('null'), fc.webUrl()),
        (site, origin) => {
          fc.pre(site !== 'same-origin')
          expect(isSameOriginRequest(post({ 'sec-fetch-site': site, origin }), SITE)).toBe(false)
        }
      )
    )
  })
})
