/**
 * Counting calls that hang, for the fault wrappers (faulty-kv.ts, faulty-authority.ts), and
 * {@link throughHangs}: a request run with faked timers that moves the clock at each hang, so a
 * test of a timeout never waits.
 */
import { vi } from 'vitest'

/** How many calls have hung, and a deferred promise for the `n`th (no polling). */
export interface HangCount {
  /** Calls that have hung so far. */
  hangs: number
  /** Resolves once `n` calls in all have hung. */
  untilHangs(n: number): Promise<void>
}

/**
 * A counter to embed in a faults object: `count` is the object's view, `hung()` the wrapper's
 * call for each call it makes hang.
 */
export function hangCounter(): { count: HangCount; hung: () => void } {
  const waiters: { n: number; resolve: () => void }[] = []
  const count: HangCount = {
    hangs: 0,
    untilHangs(n) {
      if (count.hangs >= n) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ n, resolve }))
    },
  }
  const hung = () => {
    count.hangs++
    for (const w of waiters.filter((w) => w.n <= count.hangs)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  }
  return { count, hung }
}

/**
 * Runs `send` with `setTimeout` faked: each time a call hangs, moves the clock by `stepMs` (no
 * waiting), until `send` settles. Real timers come back after.
 */
export async function throughHangs<T>(
  faults: HangCount,
  stepMs: number,
  send: () => Promise<T>
): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  try {
    let done = false
    const pending = send().finally(() => (done = true))
    for (let n = faults.hangs + 1; !done; n++) {
      await Promise.race([faults.untilHangs(n), pending])
      if (!done) await vi.advanceTimersByTimeAsync(stepMs)
    }
    return await pending
  } finally {
    vi.useRealTimers()
  }
}
