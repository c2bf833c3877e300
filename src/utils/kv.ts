/**
 * @module
 * Workers KV facts the storage code depends on.
 */

/** KV refuses an `expirationTtl` below 60 seconds. */
export const KV_MIN_TTL_SECONDS = 60

/** A TTL for a KV write: `seconds`, raised to KV's minimum. */
export function kvTtlSeconds(seconds: number): number {
  return Math.max(KV_MIN_TTL_SECONDS, Math.ceil(seconds))
}
