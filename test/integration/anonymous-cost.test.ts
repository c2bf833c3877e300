import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import {
  callbackRequest,
  countingKv,
  loginAtProvider,
  navigation,
  send,
  startSignIn,
  testEnv,
} from '../helpers/harness'

/** A KV that refuses every write once `cap` writes were made, as the Free plan does after 1,000. */
function cappedKv(inner: KVNamespace, cap: number): KVNamespace {
  let writes = 0
  const refuseOver = async () => {
    if (++writes > cap) throw new Error('KV put() limit exceeded for the day.')
  }
  return new Proxy(inner, {
    get(target, name) {
      const method = Reflect.get(target, name) as (...a: unknown[]) => unknown
      if (name === 'put' || name === 'delete')
        return async (...args: unknown[]) => (await refuseOver(), method.apply(target, args))
      return typeof method === 'function' ? method.bind(target) : method
    },
  })
}

describe('anonymous traffic', () => {
  it('1000 anonymous navigations write nothing to KV and read nothing', async () => {
    const base = testEnv()
    const { kv, counts } = countingKv(base.SESSIONS)
    const e: Env = { ...base, SESSIONS: kv }
    for (let i = 0; i < 1000; i++) {
      const res = await send(navigation(`/page/${i}?q=${i}`), e)
      expect(res.status).toBe(302)
    }
    expect(counts).toEqual({ get: 0, put: 0, delete: 0, list: 0 })
  })

  it('a crawler that used up the day of KV writes does not stop a real sign-in', async () => {
    const base = testEnv()
    // The day's writes are used up: the crawler and the sign-in start need none.
    const e: Env = { ...base, SESSIONS: cappedKv(base.SESSIONS, 0) }
    for (let i = 0; i < 50; i++) expect((await send(navigation(`/c/${i}`), e)).status).toBe(302)
    const started = await startSignIn('/after-crawler', e)
    expect(started.response.status).toBe(302)
    const callbackUrl = await loginAtProvider(started.authorizeUrl.href, 'alice')
    // The session itself needs KV: with writes left for it, the sign-in completes.
    const withRoom: Env = { ...base, SESSIONS: cappedKv(base.SESSIONS, 1) }
    const callback = await send(callbackRequest(callbackUrl, started.jar), withRoom)
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe('/after-crawler')
  })
})
