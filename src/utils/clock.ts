/**
 * @module
 * The clock every time check reads: injected (`createApp({ now })`), so tests move time instead
 * of sleeping.
 */

/** A clock in epoch seconds. */
export interface Clock {
  /** Now, in whole epoch seconds. */
  nowSeconds(): number
  /** Now, in epoch milliseconds (durations in the logs). */
  nowMs(): number
}

/**
 * A {@link Clock} over a millisecond clock.
 * @param nowMs epoch milliseconds; `Date.now` by default.
 */
export function clockFrom(nowMs: () => number = Date.now): Clock {
  return { nowSeconds: () => Math.floor(nowMs() / 1000), nowMs }
}
