import { describe, expect, it } from 'vitest'
import { providerRequests, SITE } from '../helpers/harness'
import { api, LONG_IDLE, world } from '../helpers/session-world'

const isRefresh = async (req: Request) =>
  new URL(req.url).pathname === '/token' && (await req.text()).includes('grant_type=refresh_token')

describe('a sign-out while the provider answers a refresh', () => {
  it('revokes the tokens that refresh obtained (they are the current ones), not only the old ones', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let answered!: () => void
    const refreshAnswered = new Promise<void>((resolve) => (answered = resolve))
    const issued: { access_token?: string; refresh_token?: string }[] = []
    const w = world(LONG_IDLE, async (input, init) => {
      const req = new Request(input, init)
      if (!(await isRefresh(req.clone()))) return fetch(req)
      const res = await fetch(req)
      issued.push(await res.clone().json())
      answered()
      await gate // the sign-out happens while the answer is on its way back
      return res
    })
    const { cookie } = await w.signIn('race-revoke')
    w.advance(3600)
    const inFlight = w.send(api(cookie))
    await refreshAnswered
    const out = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
    )
    expect(out.status).toBe(302)
    release()
    expect((await inFlight).status).toBe(401)
    expect(issued).toHaveLength(1)
    const fresh = [issued[0]!.access_token, issued[0]!.refresh_token].filter(Boolean)
    // Whether the provider revokes a whole grant with its old refresh token is up to it.
    const revoked = (await providerRequests())
      .filter((r) => r.path === '/token/revocation')
      .map((r) => r.params.token)
    for (const token of fresh) expect(revoked).toContain(token)
  })
})
