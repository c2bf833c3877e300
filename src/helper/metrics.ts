/**
 * @module
 * Counts in Workers Analytics Engine: one data point per notable event (a sign-in, a refusal by
 * its code, a refresh, an upstream error, a grace use) when the `METRICS` binding is set
 * (`[[analytics_engine_datasets]]` in wrangler.toml); without it, nothing is written. A data point
 * holds the event and its code only: never a user, a token or a path. Query with SQL, e.g.
 * `SELECT blob1 AS event, blob2 AS code, SUM(_sample_interval) FROM edge_auth_proxy GROUP BY 1, 2`.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../types'

/** What is counted. */
export type MetricEvent = 'sign_in' | 'refusal' | 'refresh' | 'upstream_error' | 'grace'

/** Adds one `event` (with its error `code`, if any) to the `METRICS` dataset, when bound. */
export function countEvent(c: Context<AppEnv>, event: MetricEvent, code = ''): void {
  const dataset = c.env?.METRICS
  if (!dataset || typeof dataset.writeDataPoint !== 'function') return
  // writeDataPoint does not wait for anything and throws only on a malformed point.
  dataset.writeDataPoint({ indexes: [event], blobs: [event, code], doubles: [1] })
}
