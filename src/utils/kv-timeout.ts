/**
 * @module
 * A bound on every KV operation: {@link withKvTimeout} wraps a KV binding so that a `get`, `put`,
 * `delete`, `list` or `getWithMetadata` that has not settled within `timeoutMs` rejects with a
 * {@link KvTimeoutError}. Workers KV answers in milliseconds; one that hangs would otherwise hold a
 * request for as long as the runtime lets it. The operation itself is not cancelled (KV has no
 * way to): a write may still land after the timeout.
 */

/** A KV operation did not settle within the timeout. */
export class KvTimeoutError extends Error {
  constructor(operation: string, timeoutMs: number) {
    super(`KV ${operation} did not answer within ${timeoutMs} ms`)
    this.name = 'KvTimeoutError'
  }
}

/** The KV methods the proxy calls, each bounded by the wrapper. */
const OPERATIONS = ['get', 'put', 'delete', 'list', 'getWithMetadata'] as const

/**
 * `work`, or a {@link KvTimeoutError} naming `operation` once `timeoutMs` has passed (the timer
 * is then cleared).
 */
export function within<T>(operation: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KvTimeoutError(operation, timeoutMs)), timeoutMs)
  })
  return Promise.race([work, timeout]).finally(() => timer !== undefined && clearTimeout(timer))
}

/**
 * `kv` with each operation bounded by `timeoutMs` (milliseconds); calls go to `kv` one for one
 * (no retry, no extra call).
 * @returns a binding with the same methods; a call rejects with {@link KvTimeoutError} when `kv`
 * has not answered within `timeoutMs`, or with whatever `kv` rejects with.
 */
export function withKvTimeout(kv: KVNamespace, timeoutMs: number): KVNamespace {
  const bounded: Record<string, unknown> = {}
  for (const name of OPERATIONS) {
    bounded[name] = (...args: unknown[]) => {
      const method = (kv as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]
      if (typeof method !== 'function') return Promise.reject(new TypeError(`KV has no ${name}`))
      return within(
        name,
        timeoutMs,
        Promise.resolve().then(() => method.apply(kv, args))
      )
    }
  }
  return bounded as unknown as KVNamespace
}
