/**
 * Our proxy for the benchmark: the real app, with the KV binding wrapped in a counter that
 * `GET /__bench/kv` reports. `GET /__bench/loop?n=N&app=proxy|bare|floor&status=200` runs N requests (with the
 * request's own headers; each must answer `status`) through the app, the bare pass-through or the floor of a signed-in request (bare.ts), inside this isolate
 * with the origin and KV in memory: the bench measures this process's CPU around it, which
 * is then the cost of the request path alone, without HTTP or the network. `app=kv` and
 * `app=fetch` measure one KV operation (Miniflare's simulator runs in this process) and one
 * outbound `fetch`, `app=do` one call to a new Durable Object, to take apart the callback's CPU. `log=0` runs the app with
 * `LOG_SAMPLE_RATE=0` (no `request.done` line for a success), to price the log line; `line=1` writes
 * one `console.log` line of that size after each request of the loop (what any line costs). The
 * `/__bench/` paths are the benchmark's, not the product's.
 */
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { countingKv, type KvCounts } from '../../test/support/counting-kv'
import { floorPassThrough, passThrough } from './bare'

export { SessionAuthorityObject } from '../../src/objects/session-authority'

const app = createApp()
const counts: KvCounts = { get: 0, put: 0, delete: 0, list: 0 }
/** Calls to the sessions' Durable Objects (each method call on a stub is one request). */
const durableObject = { calls: 0 }

/** The namespace, with every method call on its stubs counted. */
function countingNamespace(inner: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(inner, {
    get(target, name) {
      const value = Reflect.get(target, name) as (...a: unknown[]) => unknown
      if (name !== 'get') return typeof value === 'function' ? value.bind(target) : value
      return (id: DurableObjectId) => {
        const stub = target.get(id) as unknown as Record<string, unknown>
        return new Proxy(stub, {
          get(s, method) {
            const fn = Reflect.get(s, method) as (...a: unknown[]) => unknown
            if (typeof fn !== 'function' || typeof method !== 'string') return fn
            return (...a: unknown[]) => {
              durableObject.calls++
              // An RPC stub's properties are remote methods ("apply" too): call it as one.
              return (s as Record<string, (...args: unknown[]) => unknown>)[method]!(...a)
            }
          },
        })
      }
    },
  })
}
const wrapped = new WeakMap<object, Env>()

/** An origin in memory: the same ~200 bytes as the bench's origin; provider calls go out as usual. */
function inMemoryOrigin(originUrl: string): typeof fetch {
  const body = JSON.stringify({ ok: true, note: 'x'.repeat(180) })
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(originUrl)) return fetch(input, init)
    return Promise.resolve(new Response(body, { headers: { 'content-type': 'application/json' } }))
  }
}
/**
 * KV in memory for the loops (get, put, delete): no I/O on the thread, so the profile of the loop
 * is all CPU. A key it does not hold (the signed-in session) is read from `kv`, and kept once found.
 */
function inMemoryKv(kv: KVNamespace): KVNamespace {
  const values = new Map<string, string>()
  return {
    async get(key: string, type?: 'text' | 'json') {
      const value = values.get(key) ?? (await kv.get(key, 'text'))
      if (value === null) return null
      values.set(key, value)
      return type === 'json' ? JSON.parse(value) : value
    },
    async put(key: string, value: string) {
      values.set(key, value)
    },
    async delete(key: string) {
      values.delete(key)
    },
  } as unknown as KVNamespace
}
/** A `request.done` line of a signed-in request, as the app writes it (same fields, same size). */
const LOG_LINE = JSON.stringify({
  outcome: 'ok',
  status: 200,
  kind: 'origin',
  method: 'GET',
  duration_ms: 0,
  sub_hash: '0123456789ab',
  level: 'info',
  event: 'request.done',
})
let loopApp: ReturnType<typeof createApp> | undefined
/** The loops' env, and the same without success log lines (`log=0`): one object each. */
const loopEnvs = new Map<string, Env>()

async function loop(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const params = new URL(request.url).searchParams
  const n = Number(params.get('n') ?? 1000)
  const expected = Number(params.get('status') ?? 200)
  const originFetch = inMemoryOrigin(env.ORIGIN_URL!)
  loopApp ??= createApp({ fetch: originFetch })
  const logRate = params.get('log') === '0' ? '0' : (env.LOG_SAMPLE_RATE ?? '')
  let loopEnv = loopEnvs.get(logRate)
  if (!loopEnv) {
    const base = loopEnvs.values().next().value
    const kv = base ? base.SESSIONS : inMemoryKv(env.SESSIONS)
    loopEnv = { ...env, SESSIONS: kv, ...(logRate && { LOG_SAMPLE_RATE: logRate }) }
    loopEnvs.set(logRate, loopEnv)
  }
  const headers = new Headers(request.headers)
  const target = request.url.replace(/\/__bench\/loop.*$/, '/bench?x=1')
  if (params.get('app') === 'kv') return kvLoop(env.SESSIONS, n)
  if (params.get('app') === 'fetch') return fetchLoop(env.ORIGIN_URL!, n)
  if (params.get('app') === 'do') return durableObjectLoop(env.SESSION_AUTHORITY, n)
  const app = params.get('app') ?? 'proxy'
  if (app !== 'proxy' && app !== 'bare' && app !== 'floor') {
    return Response.json({ error: `unknown app ${app}` }, { status: 400 })
  }
  const line = params.get('line') === '1'
  let failed = 0
  for (let i = 0; i < n; i++) {
    const one = new Request(target, { headers })
    const res =
      app === 'bare'
        ? await passThrough(one, env.ORIGIN_URL!, originFetch)
        : app === 'floor'
          ? await floorPassThrough(one, env.ORIGIN_URL!, originFetch)
          : await loopApp.fetch(one, loopEnv, ctx)
    // One line the size of a signed-in request's `request.done`, written here, not by the app:
    // what a log line costs this runtime after the request, whoever writes it.
    if (line) console.log(LOG_LINE)
    await res.arrayBuffer()
    if (res.status !== expected) failed++
  }
  return Response.json({ n, failed })
}

/** N rounds of put, get and delete of a session-sized record: what one KV operation costs here. */
async function kvLoop(kv: KVNamespace, n: number): Promise<Response> {
  const value = JSON.stringify({ v: 1, pad: 'x'.repeat(1500) })
  for (let i = 0; i < n; i++) {
    const key = `bench:${i}:${Math.random()}`
    await kv.put(key, value, { expirationTtl: 600 })
    await kv.get(key, 'json')
    await kv.delete(key)
  }
  return Response.json({ n: n * 3, failed: 0 })
}

/**
 * N calls, each to a new Durable Object that stores one index entry (as a sign-in's calls do):
 * what one call costs in this process (Miniflare runs the objects and their SQLite here; on
 * Cloudflare they run apart, outside the Worker's CPU time).
 */
async function durableObjectLoop(ns: DurableObjectNamespace, n: number): Promise<Response> {
  const until = Math.floor(Date.now() / 1000) + 600
  for (let i = 0; i < n; i++) {
    const stub = ns.get(ns.idFromName(`bench:${i}:${Math.random()}`)) as unknown as {
      add(id: string, until: number): Promise<void>
    }
    await stub.add('bench', until)
  }
  return Response.json({ n, failed: 0 })
}

/** N subrequests to the origin over loopback HTTP: what one outbound `fetch` costs here. */
async function fetchLoop(originUrl: string, n: number): Promise<Response> {
  let failed = 0
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${originUrl}/bench?x=1`)
    await res.arrayBuffer()
    if (res.status !== 200) failed++
  }
  return Response.json({ n, failed })
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    // The bench's own checks must cost next to nothing: no URL parse on the way.
    if (request.url.includes('/__bench/')) {
      if (request.url.endsWith('/__bench/kv')) {
        return Response.json({ ...counts, durableObject: durableObject.calls })
      }
      return loop(request, env, ctx)
    }
    // One wrapped env per binding, so the app sees the same env object on every request.
    let counted = wrapped.get(env.SESSIONS)
    if (!counted) {
      counted = {
        ...env,
        SESSIONS: countingKv(env.SESSIONS, counts).kv,
        SESSION_AUTHORITY: countingNamespace(env.SESSION_AUTHORITY),
      }
      wrapped.set(env.SESSIONS, counted)
    }
    return app.fetch(request, counted, ctx)
  },
}
