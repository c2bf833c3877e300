/**
 * Benchmark helpers (Node): a fast origin, a cookie-jar login through the real provider, wrk, and
 * the CPU time of a workerd process from /proc.
 */
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { followLogin } from '../test/support/provider-login.ts'

const run = promisify(execFile)

/** A loopback origin that answers every request with the same ~200 bytes. */
export async function startFastOrigin(): Promise<{ url: string; close(): void }> {
  const body = JSON.stringify({ ok: true, note: 'x'.repeat(180) })
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  }
}

/**
 * Signs in through the provider's pages from `start` (a URL on the worker), following redirects by
 * hand with a cookie jar per host (test/support/provider-login.ts, shared with the tests).
 * `around` wraps each hop's fetch (hop 0 is `start`), e.g. to measure it.
 * @returns the cookies set on the worker's host, as a `Cookie` header.
 */
export async function loginThrough(
  start: string,
  username: string,
  around?: (url: URL, hop: number, go: () => Promise<Response>) => Promise<Response>
): Promise<string> {
  const startUrl = new URL(start)
  const end = await followLogin(startUrl, username, around && { around })
  return end.jar(startUrl.host).header()
}

/** One wrk run's numbers. */
export interface WrkResult {
  /** Requests completed. */
  requests: number
  /** Requests per second. */
  rps: number
  /** Latency percentiles, in milliseconds. */
  p50Ms: number
  p99Ms: number
  /** Answers with a status outside 200-399. */
  non2xx3xx: number
  /** wrk's socket errors: connect, read, write and timeout, added up. */
  socketErrors: number
}

const toMs = (value: string): number => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim())
  if (!m) return NaN
  const n = Number(m[1])
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n
}

/**
 * Runs wrk against `url` for `seconds` with `connections` connections (on min(2, connections)
 * threads) and the given request headers, and parses its report.
 * @throws when wrk cannot run (not installed: `apt-get install -y wrk`).
 */
export async function wrk(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string>
): Promise<WrkResult> {
  const args = [
    `-t${Math.min(2, connections)}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ]
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 })
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN)
  return {
    requests,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN),
    p50Ms: toMs(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? ''),
    p99Ms: toMs(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? ''),
    non2xx3xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
    socketErrors: (/Socket errors: (.*)/.exec(stdout)?.[1] ?? '')
      .split(',')
      .reduce((total, part) => total + Number(/\d+/.exec(part)?.[0] ?? 0), 0),
  }
}

/** The pids of workerd processes whose parent is this process. */
export function childWorkerdPids(): Set<number> {
  const pids = new Set<number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const comm = /\(([^)]*)\)/.exec(stat)?.[1] ?? ''
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (comm.startsWith('workerd') && ppid === process.pid) pids.add(Number(entry))
    } catch {
      // The process went away while we looked: not ours to count.
    }
  }
  return pids
}

/**
 * CPU time of the threads `pid` has now, in nanoseconds (the sum of
 * /proc/<pid>/task/<tid>/schedstat): fine-grained, for short steps such as one callback. A thread
 * that ends between two readings takes its time with it; workerd keeps its threads.
 */
export function cpuNs(pid: number): number {
  let total = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // The thread ended while we looked.
    }
  }
  return total
}

/** CPU time (user + system) of `pid` so far, in milliseconds (from /proc/<pid>/stat, 100 ticks/s). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Median of numbers. @throws {Error} for an empty list. */
export function median(values: number[]): number {
  if (!values.length) throw new Error('median of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median and quartiles of some measurements. */
export interface Spread {
  median: number
  p25: number
  p75: number
}

/** Median and quartiles of `values` (nearest rank). @throws {Error} for an empty list. */
export function spread(values: number[]): Spread {
  if (!values.length) throw new Error('no values')
  const sorted = [...values].sort((a, b) => a - b)
  // Nearest rank: the ceil(q * n)-th smallest value.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!
  return { median: median(values), p25: at(0.25), p75: at(0.75) }
}
