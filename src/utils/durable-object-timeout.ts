/**
 * @module
 * A bound on every call to a Durable Object: {@link withCallTimeout} wraps a namespace binding so
 * that each method called on a stub it hands out (an RPC call) that has not settled within
 * `timeoutMs` rejects with a `KvTimeoutError` (utils/kv-timeout.ts: the same session-store
 * bound, `KV_TIMEOUT_MS`). An object that is overloaded, stuck in another location or never
 * answers would otherwise hold the request as long as the runtime lets it. The call itself is not
 * cancelled: it may still finish after the timeout.
 */
import { within } from './kv-timeout'

/** Promise methods a stub must not seem to have, so that `await stub` does not call the object. */
const NOT_METHODS = new Set(['then', 'catch', 'finally'])

/**
 * `namespace` whose stubs' calls are each bounded by `timeoutMs` (milliseconds; or per method
 * name, for a call the object may rightly hold longer), one call for one (no retry). Only `idFromName` and `get` are offered (all the proxy uses).
 * @returns a namespace; a stub call rejects with `KvTimeoutError` when the object has not
 * answered within `timeoutMs`, or with whatever the object rejects with.
 */
export function withCallTimeout(
  namespace: DurableObjectNamespace,
  timeoutMs: number | ((method: string) => number)
): DurableObjectNamespace {
  const boundOf = typeof timeoutMs === 'number' ? () => timeoutMs : timeoutMs
  const bounded = (id: DurableObjectId) => {
    const stub = namespace.get(id) as unknown as Record<string, (...a: unknown[]) => unknown>
    return new Proxy(
      {},
      {
        get(_, name) {
          if (typeof name !== 'string' || NOT_METHODS.has(name)) return undefined
          return (...args: unknown[]) =>
            within(
              `Durable Object ${name}`,
              boundOf(name),
              Promise.resolve().then(() => stub[name]!(...args))
            )
        },
      }
    )
  }
  return {
    idFromName: (name: string) => namespace.idFromName(name),
    get: bounded,
  } as unknown as DurableObjectNamespace
}
