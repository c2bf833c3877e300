import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { makePrivate, privateCacheControl, splitCacheControl } from '../../src/proxy/cache-control'

describe('privateCacheControl', () => {
  it.each([
    [null, 'private'],
    ['', 'private'],
    ['public, max-age=3600', 'private, max-age=3600'],
    [
      'max-age=60, s-maxage=600, stale-while-revalidate=30',
      'private, max-age=60, stale-while-revalidate=30',
    ],
    ['PUBLIC, S-MAXAGE=600, Proxy-Revalidate', 'private'],
    ['no-store', 'no-store'],
    ['public, no-store', 'no-store'],
    ['no-cache', 'private, no-cache'],
    ['private, max-age=10', 'private, max-age=10'],
    ['private="Set-Cookie", max-age=10', 'private, max-age=10'],
    ['no-cache="Set-Cookie, X-A", public', 'private, no-cache="Set-Cookie, X-A"'],
    ['max-age=0, must-revalidate, immutable', 'private, max-age=0, must-revalidate, immutable'],
    [',,public,,', 'private'],
  ])('%s -> %s', (origin, expected) => {
    expect(privateCacheControl(origin)).toBe(expected)
  })

  it('splits on commas outside quoted strings only', () => {
    expect(splitCacheControl('a, b="x, \\"y", c')).toEqual(['a', 'b="x, \\"y"', 'c'])
  })

  it('never lets a shared cache store, and keeps what the browser is told (property)', () => {
    const directive = fc.oneof(
      fc.constantFrom(
        'public',
        'PUBLIC',
        'Public',
        's-maxage=600',
        'S-MaxAge=1',
        'proxy-revalidate',
        'private',
        'private="Set-Cookie"',
        'no-store',
        'no-cache',
        'no-cache="a, b"',
        'max-age=3600',
        'must-revalidate',
        'immutable',
        'stale-if-error=60'
      ),
      fc.stringMatching(/^[a-z-]{1,12}(=[0-9]{1,4})?$/)
    )
    fc.assert(
      fc.property(
        fc.array(directive, { maxLength: 8 }),
        fc.constantFrom(', ', ',', ' , '),
        (ds, sep) => {
          const out = splitCacheControl(privateCacheControl(ds.join(sep)))
          const names = out.map((d) => d.split('=')[0]!.toLowerCase())
          expect(names).not.toContain('public')
          expect(names).not.toContain('s-maxage')
          expect(out.includes('private') || names.includes('no-store')).toBe(true)
          expect(out.filter((d) => d.toLowerCase().startsWith('private'))).toEqual(
            out.includes('private') ? ['private'] : []
          )
          for (const kept of ['no-store', 'no-cache', 'max-age=3600', 'must-revalidate']) {
            if (ds.includes(kept)) expect(out).toContain(kept)
          }
        }
      ),
      { numRuns: 2000 }
    )
  })
})

describe('makePrivate', () => {
  it('rewrites Cache-Control, removes the CDN cache headers, keeps the rest', async () => {
    const res = new Response('body', {
      status: 203,
      headers: makePrivate(
        new Headers({
          'cache-control': 'public, max-age=3600',
          'cdn-cache-control': 'max-age=86400',
          'cloudflare-cdn-cache-control': 'max-age=86400',
          'surrogate-control': 'max-age=86400',
          etag: '"v1"',
        })
      ),
    })
    expect(res.status).toBe(203)
    expect(res.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(res.headers.get('cdn-cache-control')).toBeNull()
    expect(res.headers.get('cloudflare-cdn-cache-control')).toBeNull()
    expect(res.headers.get('surrogate-control')).toBeNull()
    expect(res.headers.get('etag')).toBe('"v1"')
    expect(await res.text()).toBe('body')
  })
})
