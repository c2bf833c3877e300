/**
 * `npm run bench:profile`: where the proxy's JavaScript time goes. Runs the bench's world with a V8
 * inspector on the proxy's Worker and takes a CPU profile (Chrome DevTools Protocol `Profiler`) of
 * its isolate while it serves each kind of request, and writes bench/results/profile.md:
 * microseconds of JavaScript per request, by module of the bundle and by function (self time).
 *
 * The requests run inside the isolate with the origin and KV in memory (`/__bench/loop`,
 * bench/workers/proxy.ts), so nothing but our request path runs on the thread. Over real I/O the
 * profiler is no use here: workerd's own I/O work is charged to whichever JavaScript runs next
 * (whole sign-ins "cost" twice the CPU the process used), so the callback is taken apart by
 * `npm run bench` from CPU counters instead. Environment: BENCH_RESULTS_DIR, BENCH_SCENARIOS
 * (all: bare, floor, session, session-unlogged, bearer, redirect).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format } from 'prettier'
import { startBench } from './setup.ts'

const ONLY = process.env.BENCH_SCENARIOS?.split(',')
const SAMPLING_INTERVAL_US = 50
const INSPECTOR_PORT = 8812
const root = fileURLToPath(new URL('..', import.meta.url))
const resultsDir = process.env.BENCH_RESULTS_DIR ?? `${root}bench/results`

/** A V8 CPU profile (the parts we read). */
interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
  }[]
  samples: number[]
  timeDeltas: number[]
}

/** A DevTools Protocol session with one Worker's isolate (workerd's inspector). */
async function inspect(port: number, worker: string) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    id: string
    webSocketDebuggerUrl: string
  }[]
  const target = targets.find((t) => t.id === `core:user:${worker}`)
  if (!target) throw new Error(`no inspector target for ${worker}`)
  const ws = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve)
    ws.addEventListener('error', reject)
  })
  let lastId = 0
  const pending = new Map<number, (result: unknown) => void>()
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++lastId
      pending.set(id, resolve)
      ws.send(JSON.stringify({ id, method, params }))
    })
  await send('Profiler.enable')
  await send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US })
  return {
    /** Profiles `work`; returns the profile. */
    async profile(work: () => Promise<void>): Promise<CpuProfile> {
      await send('Profiler.start')
      await work()
      return ((await send('Profiler.stop')) as { profile: CpuProfile }).profile
    },
    close: () => ws.close(),
  }
}

/** The module (source file, or npm package) of each line of an esbuild bundle. */
function modulesOf(bundlePath: string): (line: number) => string {
  const starts: [number, string][] = []
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const m = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text)
      if (!m) return
      const path = m[1]!
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1]
      starts.push([line, pkg ?? path])
    })
  return (line) => {
    let found = 'bundle'
    for (const [start, name] of starts) {
      if (start > line) break
      found = name
    }
    return found
  }
}

/** Self time of a profile in microseconds: total JavaScript, by module and by function. */
function summarize(profile: CpuProfile, moduleOf: (line: number) => string) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const byModule = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let busyUs = 0
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!
    const us = profile.timeDeltas[i] ?? 0
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') return
    if (frame.functionName === '(root)') return
    busyUs += us
    const module = frame.url.endsWith('.js')
      ? moduleOf(frame.lineNumber)
      : frame.functionName.startsWith('(')
        ? frame.functionName
        : 'runtime (native)'
    const fn = `${frame.functionName || '(anonymous)'} · ${module}`
    byModule.set(module, (byModule.get(module) ?? 0) + us)
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us)
  })
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
  return { busyUs, byModule: top(byModule, 12), byFunction: top(byFunction, 20) }
}

const world = await startBench({ inspectorPorts: { proxy: INSPECTOR_PORT }, signIns: 5 })
const moduleOf = modulesOf(`${root}bench/.build/proxy.js`)
const inspector = await inspect(INSPECTOR_PORT, 'proxy')

interface Case {
  name: string
  /** Runs the requests; returns how many it made. */
  run(): Promise<number>
}
const inIsolate =
  (
    app: 'bare' | 'floor' | 'proxy' | 'proxy&log=0',
    headers: Record<string, string>,
    status = 200,
    n = 20_000
  ) =>
  async () => {
    const url = `${world.proxy.url}/__bench/loop?n=${n}&app=${app}&status=${status}`
    const { failed } = (await (await fetch(url, { headers })).json()) as { failed: number }
    if (failed) throw new Error(`${failed} of ${n} requests did not answer ${status}`)
    return n
  }
const cookie = world.sessionCookie
const cases: Case[] = [
  { name: 'bare', run: inIsolate('bare', { cookie }) },
  // The floor of a signed-in request (bench/workers/bare.ts): what issue 16's goal is measured from.
  { name: 'floor', run: inIsolate('floor', { cookie }) },
  { name: 'session', run: inIsolate('proxy', { cookie }) },
  // The same without its request.done line (LOG_SAMPLE_RATE=0), to tell the log from the rest.
  { name: 'session-unlogged', run: inIsolate('proxy&log=0', { cookie }) },
  { name: 'bearer', run: inIsolate('proxy', { authorization: `Bearer ${world.accessToken}` }) },
  { name: 'redirect', run: inIsolate('proxy', { accept: 'text/html' }, 302, 5000) },
]

const out: string[] = [
  `# Where the JavaScript time goes`,
  '',
  `CPU profiles of the proxy's isolate (V8 sampling profiler, every ${SAMPLING_INTERVAL_US} µs), taken ${new Date().toISOString().slice(0, 10)} by \`npm run bench:profile\`. Self time in µs per request. Every case runs inside the isolate with the origin and KV in memory (\`bare\` is the pass-through of the bench, on the same request with the same cookie; \`floor\` the least a signed-in request can cost, bench/workers/bare.ts). Work outside this isolate (workerd's HTTP, Miniflare's entry Worker, the KV simulator) is not here.`,
  '',
]
for (const c of cases.filter((c) => !ONLY || ONLY.includes(c.name))) {
  let requests = 0
  const profile = await inspector.profile(async () => {
    requests = await c.run()
  })
  const { busyUs, byModule, byFunction } = summarize(profile, moduleOf)
  const per = (us: number) => (us / requests).toFixed(1)
  out.push(
    `## ${c.name}: ${per(busyUs)} µs of JavaScript per request (${requests} requests)`,
    '',
    '| module | µs/request |',
    '|---|---|',
    ...byModule.map(([m, us]) => `| ${m} | ${per(us)} |`),
    '',
    '| function (self) | µs/request |',
    '|---|---|',
    ...byFunction.map(([f, us]) => `| ${f.replace(/\|/g, '\\|')} | ${per(us)} |`),
    ''
  )
  process.stdout.write(`${c.name}: ${per(busyUs)} µs/request\n`)
}
mkdirSync(resultsDir, { recursive: true })
writeFileSync(`${resultsDir}/profile.md`, await format(out.join('\n'), { parser: 'markdown' }))
console.log(`wrote ${resultsDir}/profile.md`)
inspector.close()
await world.close()
