import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import {
  LOGIN_TRANSACTION_TTL_SECONDS,
  saveLoginTransaction,
  takeLoginTransaction,
  type LoginTransaction,
} from '../../src/session/login-transaction'
import { randomId } from '../../src/utils/crypto'

const kv = (env as unknown as Env).SESSIONS
const now = Math.floor(Date.now() / 1000)
const tx = (overrides: Partial<LoginTransaction> = {}): LoginTransaction => ({
  v: 1,
  state: randomId(),
  codeVerifier: randomId(),
  nonce: randomId(),
  returnTo: '/page?x=1',
  createdAt: now,
  ...overrides,
})

describe('login transactions', () => {
  it('stores a transaction under login:<state> and gives it back once', async () => {
    const t = tx()
    await saveLoginTransaction(kv, t)
    expect(await kv.get(`login:${t.state}`)).not.toBeNull()
    expect(await takeLoginTransaction(kv, t.state, now)).toEqual(t)
    expect(await takeLoginTransaction(kv, t.state, now)).toBeNull()
    expect(await kv.get(`login:${t.state}`)).toBeNull()
  })

  it('keeps concurrent transactions apart', async () => {
    const a = tx({ returnTo: '/a' })
    const b = tx({ returnTo: '/b' })
    await Promise.all([saveLoginTransaction(kv, a), saveLoginTransaction(kv, b)])
    expect((await takeLoginTransaction(kv, b.state, now))?.returnTo).toBe('/b')
    expect((await takeLoginTransaction(kv, a.state, now))?.returnTo).toBe('/a')
  })

  it('refuses an expired transaction', async () => {
    const t = tx()
    await saveLoginTransaction(kv, t)
    expect(
      await takeLoginTransaction(kv, t.state, now + LOGIN_TRANSACTION_TTL_SECONDS + 1)
    ).toBeNull()
  })

  it.each([null, '', 'short', 'x'.repeat(43) + '!', 'a/b'.repeat(15), '../'.repeat(20)])(
    'refuses the malformed state %j without reading KV',
    async (state) => {
      expect(await takeLoginTransaction(kv, state, now)).toBeNull()
    }
  )
})
