/**
 * @module
 * Work that may finish after the response (KV writes, revocation): `waitUntil` when the runtime
 * gives an execution context, else started and left to finish (tests without one).
 */
import type { Context } from 'hono'
import { log } from '../log'
import type { AppEnv } from '../types'

/** Returns a function that runs `work` in the background of this request; failures are logged. */
export function backgroundOf(c: Context<AppEnv>): (work: Promise<unknown>) => void {
  return function runInBackground(work) {
    const logged = work.catch((err: unknown) => {
      // Best effort by design: the response does not depend on it.
      log('warn', 'background.failed', { cause: err instanceof Error ? err.message : String(err) })
    })
    try {
      c.executionCtx.waitUntil(logged)
    } catch {
      // No execution context (unit use): the promise runs on by itself.
    }
  }
}
