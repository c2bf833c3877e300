import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../../src/config'
import { REFRESH_LEASE_SECONDS } from '../../src/session/authority'
import { validEnv } from '../helpers/config-env'

/** A Durable Object namespace whose stubs' calls never settle, each counted. */
function silentAuthority() {
  const calls: string[] = []
  const stub = new Proxy(
    {},
    {
      get: (_, name) =>
        name === 'then'
          ? undefined
          : () => (calls.push(String(name)), new Promise<never>(() => {})),
    }
  )
  const namespace = { idFromName: (name: string) => name, get: () => stub }
  return { namespace, calls }
}

afterEach(() => vi.useRealTimers())

describe("the bound on the sessions' authority calls", () => {
  it('is KV_TIMEOUT_MS, but a refresh waiting for another caller’s lease waits for the lease', async () => {
    const { namespace, calls } = silentAuthority()
    const config = parseConfig(validEnv({ SESSION_AUTHORITY: namespace, KV_TIMEOUT_MS: '1000' }))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const stub = config.authority.get(config.authority.idFromName('session:x')) as unknown as {
      check(now: number): Promise<unknown>
      beginRefresh(token: string, now: number): Promise<unknown>
    }
    const outcome = { check: 'pending', beginRefresh: 'pending' }
    void stub.check(0).catch(() => (outcome.check = 'timed out'))
    void stub.beginRefresh('at', 0).catch(() => (outcome.beginRefresh = 'timed out'))
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls).toEqual(['check', 'beginRefresh'])
    // The authority holds a waiting refresh up to the lease (the holder's token request).
    expect(outcome).toEqual({ check: 'timed out', beginRefresh: 'pending' })
    await vi.advanceTimersByTimeAsync(REFRESH_LEASE_SECONDS * 1000)
    expect(outcome.beginRefresh).toBe('timed out')
  })
})
