/**
 * @module
 * The shapes of isolate memory (src/isolate-memory.ts holds the instances): a cache with expiry
 * and a size bound ({@link MemoryCache}), a memo with a size bound and no expiry ({@link Memo}),
 * and a single-flight gate ({@link SingleFlight}). When full, the oldest entry goes first (Map
 * order).
 */

/** A bounded map whose entries expire. Times are epoch seconds from the caller's clock. */
export class MemoryCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>()
  readonly #maxEntries: number

  /** @param maxEntries how many entries at most (oldest dropped first). */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  /** The value for `key` while `nowSeconds < expiresAt`, else undefined (and the entry is dropped). */
  get(key: string, nowSeconds: number): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (nowSeconds >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  /** Stores `value` until `expiresAt` (epoch seconds). */
  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key)
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, { value, expiresAt })
  }

  /** Replaces the value of a live entry, keeping its expiry; does nothing when there is none. */
  update(key: string, value: V, nowSeconds: number): void {
    const entry = this.#entries.get(key)
    if (entry && nowSeconds < entry.expiresAt) entry.value = value
  }

  /** Drops `key`. */
  delete(key: string): void {
    this.#entries.delete(key)
  }
}

/**
 * A bounded map without expiry, for values that never go stale (a token's hash, a header name's
 * verdict, a signature that checked): when full, the oldest entry goes first.
 */
export class Memo<V> {
  readonly #entries = new Map<string, V>()
  readonly #maxEntries: number

  /** @param maxEntries how many entries at most (oldest dropped first). */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  /** The value remembered for `key`, or undefined. */
  get(key: string): V | undefined {
    return this.#entries.get(key)
  }

  /** Remembers `value` for `key`, dropping the oldest entry when full. */
  set(key: string, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, value)
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#entries.delete(key)
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size
  }
}

/**
 * Runs `work` once per key at a time: callers that arrive while it runs get the same promise.
 * Used so that concurrent requests cause one refresh or one introspection call per isolate.
 */
export class SingleFlight<V> {
  readonly #running = new Map<string, Promise<V>>()

  /** `work()`, or the promise of the run already going on for `key`. */
  run(key: string, work: () => Promise<V>): Promise<V> {
    let running = this.#running.get(key)
    if (!running) {
      running = work().finally(() => this.#running.delete(key))
      this.#running.set(key, running)
    }
    return running
  }
}
