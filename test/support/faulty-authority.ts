/**
 * A Durable Object namespace (the `SESSION_AUTHORITY` binding) with faults the test switches on
 * and off: each call on a stub it hands out passes through to the real object, throws (as an
 * overloaded or broken object does), or hangs (never settles). Counts the calls that hung, with a
 * deferred promise per count (no polling), as faulty-kv.ts does for KV. Generic over the
 * binding's type, as faulty-kv.ts (this file is also type-checked without the Workers types).
 */
import { hangCounter, type HangCount } from './hangs.ts'

/** What a stub method does: pass through, throw, or never answer. */
export type AuthorityFault = 'ok' | 'throw' | 'hang'

/** The fault now, how many calls hung so far, and a promise for the `n`th hang. */
export interface AuthorityFaults extends HangCount {
  mode: AuthorityFault
  /** Calls still to throw whatever `mode` says (a transient fault: the next call answers). */
  throwNext: number
}

/** Wraps `inner` so that each stub call does what `faults.mode` says at the time of the call. */
export function faultyAuthority<N extends object>(
  inner: N
): {
  namespace: N
  faults: AuthorityFaults
} {
  const real = inner as unknown as {
    idFromName(name: string): unknown
    get(id: unknown): Record<string, (...a: unknown[]) => unknown>
  }
  const { count, hung } = hangCounter()
  const faults: AuthorityFaults = Object.assign(count, {
    mode: 'ok' as AuthorityFault,
    throwNext: 0,
  })
  const stubOf = (id: unknown) => {
    const stub = real.get(id)
    return new Proxy(
      {},
      {
        get: (_, name) => {
          if (typeof name !== 'string' || name === 'then') return undefined
          return async (...args: unknown[]) => {
            if (faults.throwNext > 0 || faults.mode === 'throw') {
              if (faults.throwNext > 0) faults.throwNext--
              throw new Error(`Durable Object ${name} failed (test)`)
            }
            if (faults.mode === 'hang') {
              hung()
              return new Promise<never>(() => {})
            }
            return stub[name]!(...args)
          }
        },
      }
    )
  }
  const namespace = {
    idFromName: (name: string) => real.idFromName(name),
    get: stubOf,
  } as unknown as N
  return { namespace, faults }
}
