/**
 * A KV binding with faults the test switches on and off: each of `get`, `put`, `delete` and
 * `list` passes through to the real binding, throws (as KV does in an outage), or hangs (never
 * settles, as a KV that does not answer). Generic over the binding's type, as counting-kv.ts.
 */
import { hangCounter, type HangCount } from './hangs.ts'

/** What a method does: pass through, throw, or never answer. */
export type KvFault = 'ok' | 'throw' | 'hang'

/** The methods a fault can be set on. */
export type KvMethod = 'get' | 'put' | 'delete' | 'list'

/** The faults per method (all `ok` to begin with), and how many calls each method had. */
export interface KvFaults extends HangCount {
  mode: Record<KvMethod, KvFault>
  calls: Record<KvMethod, number>
  /** Sets every method to `fault`. */
  all(fault: KvFault): void
}

/** Wraps `inner` so that each method does what `faults.mode` says at the time of the call. */
export function faultyKv<K extends object>(inner: K): { kv: K; faults: KvFaults } {
  const methods: KvMethod[] = ['get', 'put', 'delete', 'list']
  const { count, hung } = hangCounter()
  const faults: KvFaults = Object.assign(count, {
    mode: { get: 'ok', put: 'ok', delete: 'ok', list: 'ok' } as Record<KvMethod, KvFault>,
    calls: { get: 0, put: 0, delete: 0, list: 0 },
    all(fault: KvFault) {
      for (const m of methods) faults.mode[m] = fault
    },
  })
  const wrap =
    (name: KvMethod) =>
    async (...args: unknown[]): Promise<unknown> => {
      faults.calls[name]++
      const fault = faults.mode[name]
      if (fault === 'throw') throw new Error(`KV ${name} failed (test fault)`)
      if (fault === 'hang') {
        hung()
        return new Promise<never>(() => {})
      }
      const method = (inner as Record<string, (...a: unknown[]) => unknown>)[name]!
      return method.apply(inner, args)
    }
  const kv = Object.fromEntries(methods.map((m) => [m, wrap(m)])) as unknown as K
  return { kv, faults }
}
