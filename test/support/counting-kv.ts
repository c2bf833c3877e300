/**
 * A KV binding that counts its calls, for the tests' per-request budgets and the bench's KV
 * column. Generic over the binding's type, so it compiles for workerd and Node alike.
 */

/** KV operations by method. */
export interface KvCounts {
  get: number
  put: number
  delete: number
  list: number
}

/**
 * Wraps `inner` so that every `get`, `put`, `delete` and `list` adds one to `counts`.
 * @param counts where to count (shared by several wrappers, e.g. the bench's); fresh by default.
 */
export function countingKv<K extends object>(
  inner: K,
  counts: KvCounts = { get: 0, put: 0, delete: 0, list: 0 }
): { kv: K; counts: KvCounts } {
  const count =
    (name: keyof KvCounts) =>
    (...args: unknown[]) => {
      counts[name]++
      const method = (inner as Record<string, (...a: unknown[]) => unknown>)[name]!
      return method.apply(inner, args)
    }
  const kv = {
    get: count('get'),
    put: count('put'),
    delete: count('delete'),
    list: count('list'),
  } as unknown as K
  return { kv, counts }
}
