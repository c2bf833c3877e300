/**
 * @module
 * Operations: `LOG_SAMPLE_RATE` (the share of successful requests logged; failures always are),
 * `ORIGIN_TIMEOUT_MS` (how long the origin may take to send its answer's headers), `KV_TIMEOUT_MS`
 * (how long one KV operation may take), and
 * `WEBSOCKET_ALLOWED_ORIGINS` (other sites whose pages may open a WebSocket to this one).
 */
import type { SettingReaders } from './readers'

/** How long the origin may take to answer (its headers; the body then streams), in ms. */
export const DEFAULT_ORIGIN_TIMEOUT_MS = 30_000

/** How long one KV operation on the request path may take, in ms (KV answers in far less). */
export const DEFAULT_KV_TIMEOUT_MS = 3000

/** The operations settings. */
export interface OperationsSettings {
  /** 0..1: the share of successful request decisions logged (failures are always logged). */
  logSampleRate: number
  /** `ORIGIN_TIMEOUT_MS`: no answer headers from the origin within this is a 504. */
  originTimeoutMs: number
  /**
   * `KV_TIMEOUT_MS`: a KV `get`, `put`, `delete` or `list`, or a call to a session's Durable
   * Object, not settled within this fails.
   */
  kvTimeoutMs: number
  /** Origins (`https://host[:port]`) besides the site's own whose pages may open a WebSocket. */
  websocketAllowedOrigins: ReadonlySet<string>
}

/** Parses a list of origins (comma or space separated); the bad ones' positions go to problems. */
function parseOrigins(value: string | undefined, problems: string[]): Set<string> {
  const origins = new Set<string>()
  const items = (value ?? '').split(/[\s,]+/).filter(Boolean)
  items.forEach((item, i) => {
    let url: URL | undefined
    try {
      url = new URL(item)
    } catch {
      url = undefined
    }
    const plain = url && (url.protocol === 'https:' || url.protocol === 'http:')
    if (!url || !plain || url.origin !== item.replace(/\/$/, '')) {
      problems.push(
        `WEBSOCKET_ALLOWED_ORIGINS entry ${i + 1} must be an origin like https://app.example.com`
      )
    } else origins.add(url.origin)
  })
  return origins
}

/** Reads the operations settings; problems go to `read`. */
export function readOperations(read: SettingReaders): OperationsSettings {
  let logSampleRate = 1
  const rate = read.text('LOG_SAMPLE_RATE')
  if (rate !== undefined) {
    const n = Number(rate)
    if (!/^\d*\.?\d+$/.test(rate) || !(n >= 0 && n <= 1)) {
      read.problem('LOG_SAMPLE_RATE must be a number from 0 to 1')
    } else logSampleRate = n
  }
  const originTimeoutMs = read.integer('ORIGIN_TIMEOUT_MS', DEFAULT_ORIGIN_TIMEOUT_MS, 1)
  const kvTimeoutMs = read.integer('KV_TIMEOUT_MS', DEFAULT_KV_TIMEOUT_MS, 1)
  const problems: string[] = []
  const websocketAllowedOrigins = parseOrigins(read.text('WEBSOCKET_ALLOWED_ORIGINS'), problems)
  problems.forEach(read.problem)
  return { logSampleRate, originTimeoutMs, kvTimeoutMs, websocketAllowedOrigins }
}
