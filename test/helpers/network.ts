/**
 * A simulation of Cloudflare's network for the session tests (runs in workerd): several app
 * instances ("locations"), each with its own isolate memory, sharing one clock the test moves, a
 * KV whose reads at each location lag the writes by that location's lag (and cache misses for
 * 60 s, as KV does), and the one Durable Object namespace of the Worker's env.
 */
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { sendTo, testEnv } from './harness'
import { CLIENT } from './session-world'

/** One write as every location will eventually see it. */
interface Write {
  at: number
  value: string | null
}

/** KV's cache of a missing key (KV docs: negative lookups are cached too), in seconds. */
const MISS_CACHE_SECONDS = 60

/** The shared KV: a log of writes per key, on the simulation's clock. */
class LaggingStore {
  readonly log = new Map<string, Write[]>()
  writes = 0
  constructor(readonly now: () => number) {}

  write(key: string, value: string | null) {
    this.writes++
    const list = this.log.get(key) ?? []
    list.push({ at: this.now(), value })
    this.log.set(key, list)
  }

  /** The value a reader `lag` seconds behind sees. */
  read(key: string, lag: number): string | null {
    const visible = (this.log.get(key) ?? []).filter((w) => w.at <= this.now() - lag)
    return visible.at(-1)?.value ?? null
  }
}

/** A location's view of the store: its reads lag by `lag` seconds and cache misses. */
function locationKv(store: LaggingStore, lag: number): KVNamespace {
  const misses = new Map<string, number>()
  return {
    async get(key: string, type?: unknown) {
      const cachedMiss = misses.get(key)
      if (cachedMiss !== undefined && cachedMiss > store.now()) return null
      const value = store.read(key, lag)
      if (value === null) misses.set(key, store.now() + MISS_CACHE_SECONDS)
      if (value === null) return null
      return type === 'json' || (type as { type?: string })?.type === 'json'
        ? JSON.parse(value)
        : value
    },
    async put(key: string, value: string) {
      store.write(key, value)
    },
    async delete(key: string) {
      store.write(key, null)
    },
    async list() {
      return { keys: [], list_complete: true, cacheStatus: null }
    },
    async getWithMetadata() {
      throw new Error('not used by the proxy')
    },
  } as unknown as KVNamespace
}

/** A network of `lags.length` locations; the i-th reads KV `lags[i]` seconds late. */
export function network(lags: number[], overrides: Record<string, unknown> = {}) {
  const clock = { ms: Date.now() }
  const now = () => Math.floor(clock.ms / 1000)
  const store = new LaggingStore(now)
  const locations = lags.map((lag) => {
    const app = createApp({ now: () => clock.ms })
    const e: Env = {
      ...testEnv({ CLIENT_ID: CLIENT.id, CLIENT_SECRET: CLIENT.secret, ...overrides }),
      SESSIONS: locationKv(store, lag),
    }
    return { lag, send: (req: Request) => sendTo(app, req, e), env: e }
  })
  return {
    clock,
    now,
    store,
    locations,
    advance(seconds: number) {
      clock.ms += seconds * 1000
    },
  }
}
