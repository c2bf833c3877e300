import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import type { Env } from '../../src/config'
import type { SessionRecord } from '../../src/session/session-store'
import { countingKv, signIn, SITE } from '../helpers/harness'
import { api, CLIENT, LONG_IDLE, record, world } from '../helpers/session-world'

const kv = () => (env as unknown as Env).SESSIONS
const idOf = (cookie: string) => cookie.split('=')[1]!.split('.')[0]!

/** A fetch that answers chosen provider calls itself and passes the rest to the real provider. */
function intercepting(answer: (req: Request) => Promise<Response | undefined>): typeof fetch {
  return async (input, init) => {
    const req = new Request(input, init)
    return (await answer(req.clone())) ?? fetch(req)
  }
}

const isRefresh = async (req: Request) =>
  new URL(req.url).pathname === '/token' && (await req.text()).includes('grant_type=refresh_token')

describe('Bearer tokens of other applications', () => {
  it('refuses an access token issued to another client of the same provider, and a refresh token', async () => {
    const other = await signIn('/', 'mallory-app-user') // the default test client: another app
    const foreign = (await record(other.cookie))!.tokens
    const w = world()
    const res = await w.send(api('', '/api', { authorization: `Bearer ${foreign.accessToken}` }))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')

    const { cookie } = await w.signIn('own')
    const own = (await record(cookie))!.tokens
    expect(
      (await w.send(api('', '/api', { authorization: `Bearer ${own.refreshToken}` }))).status
    ).toBe(401)
    expect(
      (await w.send(api('', '/api', { authorization: `Bearer ${own.accessToken}` }))).status
    ).toBe(200)
  })

  it('leaves out an email the introspection answer marks unverified', async () => {
    const w = world(
      {},
      intercepting(async (req) =>
        new URL(req.url).pathname === '/token/introspection'
          ? Response.json({
              active: true,
              sub: 'ev',
              client_id: CLIENT.id,
              token_type: 'Bearer',
              email: 'victim@corp.example',
              email_verified: false,
            })
          : undefined
      )
    )
    const res = await w.send(api('', '/api', { authorization: 'Bearer some-token-value' }))
    expect(res.status).toBe(200)
    const echo = (await res.json()) as EchoedRequest
    expect(echo.headers['x-auth-request-user']).toBe('ev')
    expect(echo.headers['x-auth-request-email']).toBeUndefined()
  })
})

describe('an ended session stays ended', () => {
  it('after a sign-out that happens while a refresh is in flight', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const w = world(
      LONG_IDLE,
      intercepting(async (req) => {
        if (await isRefresh(req.clone())) await gate
        return undefined
      })
    )
    const { cookie } = await w.signIn('race')
    w.advance(3600)
    const inFlight = w.send(api(cookie))
    const out = await w.send(
      new Request(`${SITE}/_auth/logout`, { method: 'POST', headers: { cookie } })
    )
    expect(out.status).toBe(302)
    release()
    await inFlight
    expect((await w.send(api(cookie))).status).toBe(401)
    expect(await record(cookie)).toBeNull()
  })

  it('when the record was deleted elsewhere and the token expires', async () => {
    const w = world(LONG_IDLE)
    const { cookie } = await w.signIn('gone')
    expect((await w.send(api(cookie))).status).toBe(200) // now in this isolate's memory
    await kv().delete(`session:${idOf(cookie)}`)
    w.advance(3600)
    expect((await w.send(api(cookie))).status).toBe(401)
    expect(await record(cookie)).toBeNull()
  })

  it('and a record with times from the future is not trusted', async () => {
    const w = world()
    const { cookie } = await w.signIn('future')
    const rec = (await record(cookie))!
    const later = Math.floor(w.clock.ms / 1000) + 10 * 86400
    const forged: SessionRecord = { ...rec, createdAt: later, lastSeenAt: later }
    await kv().put(`session:${idOf(cookie)}`, JSON.stringify(forged))
    expect((await w.send(api(cookie))).status).toBe(401)
  })
})

describe('marks under load', () => {
  it('writes nothing to KV for a burst of concurrent requests', async () => {
    const w = world({ INTROSPECTION: 'false' })
    const { cookie } = await w.signIn('burst')
    const { kv: counted, counts } = countingKv(w.e.SESSIONS)
    const e: Env = { ...w.e, SESSIONS: counted }
    expect((await w.send(api(cookie), e)).status).toBe(200)
    w.advance(301)
    const burst = await Promise.all(Array.from({ length: 30 }, () => w.send(api(cookie), e)))
    expect(burst.every((r) => r.status === 200)).toBe(true)
    expect(counts.put).toBe(0)
  })

  it('reads the session from KV once for a burst of requests that find no copy in memory', async () => {
    const first = world({ INTROSPECTION: 'false' })
    const { cookie } = await first.signIn('cold-burst')
    const cold = world({ INTROSPECTION: 'false' }) // another isolate: nothing in memory
    const { kv: counted, counts } = countingKv(cold.e.SESSIONS)
    const e: Env = { ...cold.e, SESSIONS: counted }
    const burst = await Promise.all(Array.from({ length: 16 }, () => cold.send(api(cookie), e)))
    expect(burst.map((r) => r.status)).toEqual(Array(16).fill(200))
    expect(counts.get).toBe(1)
  })
})
