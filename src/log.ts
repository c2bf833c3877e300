/**
 * @module
 * Structured logs: one JSON line per event. Fields are plain values chosen by the caller; there is
 * deliberately no parameter for tokens, cookies or secrets. Where a token must be identified, log
 * its SHA-256 (see `sha256Hex` in `utils/crypto.ts`).
 */

/** A log field value. Objects are not accepted, so a token set cannot be logged by accident. */
export type LogValue = string | number | boolean | null | undefined

/**
 * Writes one JSON line: `{"level":..,"event":..,...fields}`.
 * @param event dotted lowercase name, e.g. `auth.callback.ok`.
 */
export function log(
  level: 'info' | 'warn' | 'error',
  event: string,
  fields: Record<string, LogValue> = {}
): void {
  // Fields first, so that no field can overwrite `level` or `event`.
  const line = JSON.stringify({ ...fields, level, event })
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}
