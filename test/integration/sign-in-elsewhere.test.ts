import { describe, expect, it } from 'vitest'
import { signIn } from '../helpers/harness'
import { network } from '../helpers/network'
import { api, LONG_IDLE } from '../helpers/session-world'

describe('a sign-in whose next request lands in another location', () => {
  it('is served there at once, though that location reads KV up to 60 s late (the authority knows it)', async () => {
    const net = network([0, 30, 60], LONG_IDLE)
    const [home, near, far] = net.locations as [
      (typeof net.locations)[0],
      (typeof net.locations)[0],
      (typeof net.locations)[0],
    ]
    const { cookie } = await signIn('/', 'sim-elsewhere', home.env, home.send)
    // The browser's next requests go to other locations (another route, a roaming network).
    expect((await near.send(api(cookie))).status).toBe(200)
    net.advance(5)
    expect((await far.send(api(cookie))).status).toBe(200)
    // And a sign-out at home still ends it there within INTROSPECTION_CACHE_TTL_SECONDS.
    const out = await home.send(
      new Request('https://proxy.test/_auth/logout', {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'same-origin', origin: 'https://proxy.test' },
      })
    )
    expect(out.status).toBe(302)
    net.advance(61)
    for (const loc of [home, near, far]) expect((await loc.send(api(cookie))).status).toBe(401)
  })
})
