/**
 * Our proxy for the benchmark: the real app, with the KV binding wrapped in a counter that
 * `GET /__bench/kv` reports (the path is the benchmark's, not the product's).
 */
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'

const app = createApp()
const counts = { get: 0, put: 0, delete: 0, list: 0 }
const wrapped = new WeakMap<object, Env>()

function countingKv(kv: KVNamespace): KVNamespace {
  const count =
    (name: keyof typeof counts) =>
    (...args: unknown[]) => {
      counts[name]++
      return (kv[name] as (...a: unknown[]) => unknown).apply(kv, args)
    }
  return {
    get: count('get'),
    put: count('put'),
    delete: count('delete'),
    list: count('list'),
  } as unknown as KVNamespace
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    if (new URL(request.url).pathname === '/__bench/kv') return Response.json(counts)
    // One wrapped env per binding, so the app sees the same env object on every request.
    let counted = wrapped.get(env.SESSIONS)
    if (!counted) {
      counted = { ...env, SESSIONS: countingKv(env.SESSIONS) }
      wrapped.set(env.SESSIONS, counted)
    }
    return app.fetch(request, counted, ctx)
  },
}
