import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SessionRecord, SessionTokens } from '../../src/session/session-store'
import { navigation, signIn } from '../helpers/harness'
import { network } from '../helpers/network'
import { api, calls, LONG_IDLE } from '../helpers/session-world'

/** The session's tokens as KV holds them now (what a location without lag reads). */
function storedTokens(net: ReturnType<typeof network>, cookie: string): SessionTokens {
  const id = cookie.split('=')[1]!.split('.')[0]!
  return (JSON.parse(net.store.read(`session:${id}`, 0)!) as SessionRecord).tokens
}

/** `INTROSPECTION_CACHE_TTL_SECONDS` in these tests (the default). */
const TTL = 60

describe("sessions on Cloudflare's network (several locations, KV lagging up to 60 s)", () => {
  it('after a sign-out at t no location serves the session after t + INTROSPECTION_CACHE_TTL_SECONDS, and it never comes back', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          lags: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 2, maxLength: 4 }),
          introspection: fc.boolean(),
          refreshFirst: fc.boolean(),
          signOutAt: fc.nat(),
          gap: fc.integer({ min: 0, max: 60 }),
          during: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 10 })), { maxLength: 6 }),
        }),
        async ({ lags, introspection, refreshFirst, signOutAt, gap, during }) => {
          const net = network([0, ...lags], { ...LONG_IDLE, INTROSPECTION: String(introspection) })
          const at = (i: number) => net.locations[i % net.locations.length]!
          const home = net.locations[0]!
          const { cookie } = await signIn('/', `sim-out-${run++}`, home.env, home.send)
          net.advance(61) // the session record reached every location
          for (const loc of net.locations) expect((await loc.send(api(cookie))).status).toBe(200)
          if (refreshFirst) {
            // Another location refreshes (rotating the tokens) shortly before the sign-out.
            net.advance(3600)
            expect((await at(signOutAt + 1).send(api(cookie))).status).toBe(200)
          }
          net.advance(gap)
          const signOut = await at(signOutAt).send(
            new Request('https://proxy.test/_auth/logout', {
              method: 'POST',
              headers: { cookie, 'sec-fetch-site': 'same-origin', origin: 'https://proxy.test' },
            })
          )
          expect(signOut.status).toBe(302)
          const t = net.now()
          // Requests in flight everywhere within the TTL (answered either way)...
          for (const [i, seconds] of during) {
            net.advance(seconds)
            await at(i).send(api(cookie))
          }
          net.advance(t + TTL + 1 - net.now())
          // ...then, from every location, every minute for ten minutes: never served again.
          for (let minute = 0; minute < 10; minute++) {
            for (const loc of net.locations) {
              expect((await loc.send(api(cookie))).status).toBe(401)
            }
            net.advance(60)
          }
        }
      ),
      { numRuns: 12 }
    )
  })

  it('concurrent refreshes from every location make one grant, and every request succeeds', async () => {
    const net = network([0, 10, 30, 60], LONG_IDLE)
    const home = net.locations[0]!
    const { cookie } = await signIn('/', 'sim-refresh', home.env, home.send)
    net.advance(61)
    for (const loc of net.locations) expect((await loc.send(api(cookie))).status).toBe(200)
    const first = storedTokens(net, cookie)
    net.advance(3600) // the provider's access tokens live 3600 s
    const burst = await Promise.all(
      net.locations.flatMap((loc) => Array.from({ length: 5 }, () => loc.send(api(cookie))))
    )
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(await calls('/token', ['refresh_token', first.refreshToken!])).toHaveLength(1)
    const second = storedTokens(net, cookie)
    expect(second.refreshToken).not.toBe(first.refreshToken)
    // Each location goes on with the rotated tokens, through the next expiry too.
    for (let step = 0; step < 3; step++) {
      net.advance(TTL + 1)
      for (const loc of net.locations) expect((await loc.send(api(cookie))).status).toBe(200)
    }
    net.advance(3600)
    const next = await Promise.all(net.locations.map((loc) => loc.send(api(cookie))))
    expect(next.map((r) => r.status)).toEqual([200, 200, 200, 200])
    expect(await calls('/token', ['refresh_token', first.refreshToken!])).toHaveLength(1)
    expect(await calls('/token', ['refresh_token', second.refreshToken!])).toHaveLength(1)
  })

  it('1000 anonymous navigations across the locations write nothing to KV', async () => {
    const net = network([0, 20, 60])
    for (let i = 0; i < 1000; i++) {
      const loc = net.locations[i % 3]!
      expect((await loc.send(navigation(`/p/${i}`))).status).toBe(302)
    }
    expect(net.store.writes).toBe(0)
  })
})
