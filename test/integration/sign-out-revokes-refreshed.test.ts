import { describe, expect, it } from 'vitest'
import { SITE } from '../helpers/harness'
import { api, LONG_IDLE, sessionClient, world } from '../helpers/session-world'

const isRefresh = async (req: Request) =>
  new URL(req.url).pathname === '/token' && (await req.text()).includes('grant_type=refresh_token')

describe('a sign-out while a refresh is in flight', () => {
  it('revokes the tokens that refresh obtained: they are what ends up current at the provider', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let asked!: () => void
    const refreshAsked = new Promise<void>((resolve) => (asked = resolve))
    const issued: { refresh_token?: string; access_token?: string }[] = []
    const w = world(LONG_IDLE, async (input, init) => {
      const req = new Request(input, init)
      if (!(await isRefresh(req.clone()))) return fetch(req)
      const res = await fetch(req)
      issued.push(await res.clone().json())
      asked()
      await gate // the sign-out happens while the answer is on its way back
      return res
    })
    const { cookie } = await w.signIn('race-revoke')
    w.advance(3600)
    const inFlight = w.send(api(cookie))
    await refreshAsked
    const out = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
    )
    expect(out.status).toBe(302)
    release()
    expect((await inFlight).status).toBe(401)
    expect(issued).toHaveLength(1)
    const client = sessionClient()
    const refreshed = issued[0]!
    if (refreshed.refresh_token) {
      const verdict = await client.introspectToken(refreshed.refresh_token, 'refresh_token')
      expect(verdict).toMatchObject({ active: false })
    }
    expect(await client.introspectToken(refreshed.access_token!, 'access_token')).toMatchObject({
      active: false,
    })
  })
})
