/**
 * `npm run bench`: what the proxy costs on every request, side by side with a bare pass-through
 * and a peer (`@hono/oidc-auth`), each Worker in its own workerd through Miniflare's API (not
 * `wrangler dev`, whose dev proxy would hide every difference); and what a sign-in's steps cost,
 * warm and in a cold isolate. Needs `wrk` (Debian: `apt-get install -y wrk`). Writes
 * bench/results/latest.json and latest.md.
 *
 * Environment: BENCH_SECONDS (5), BENCH_ROUNDS (5), BENCH_CONNECTIONS ("1,16"), BENCH_RESULTS_DIR
 * (bench/results), BENCH_SCENARIOS (all; e.g. "bare,session" while working on one path; keep
 * `bare` in it, every ratio is to `bare`), BENCH_LOOP_ROUNDS (20: the rounds inside the isolate).
 */
import { cpus } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format } from 'prettier'
import { cpuMs, cpuNs, median, spread, wrk, type Spread, type WrkResult } from './lib.ts'
import { startBench } from './setup.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16').split(',').map(Number)
const ONLY = process.env.BENCH_SCENARIOS?.split(',')
const root = fileURLToPath(new URL('..', import.meta.url))
const resultsDir = process.env.BENCH_RESULTS_DIR ?? `${root}bench/results`

const world = await startBench()
const { bare, proxy, peer, sessionCookie, peerCookie, accessToken, providerCalls, kvCounts } = world

interface Scenario {
  name: 'bare' | 'session' | 'bearer' | 'redirect' | 'peer'
  worker: typeof bare
  headers: Record<string, string>
}
const allScenarios: Scenario[] = [
  // The floor gets the same request as `session`, cookie and all: the same bytes in and out.
  { name: 'bare', worker: bare, headers: { accept: 'application/json', cookie: sessionCookie } },
  {
    name: 'session',
    worker: proxy,
    headers: { accept: 'application/json', cookie: sessionCookie },
  },
  {
    name: 'bearer',
    worker: proxy,
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  },
  { name: 'redirect', worker: proxy, headers: { accept: 'text/html' } },
  { name: 'peer', worker: peer, headers: { accept: 'application/json', cookie: peerCookie } },
]
const scenarios = allScenarios.filter((s) => !ONLY || ONLY.includes(s.name))

interface Sample extends WrkResult {
  providerCalls: number
  kvReads: number
  kvWrites: number
  doCalls: number
  cpuMs: number
}
const samples = new Map<string, Sample[]>()

for (const s of scenarios) await wrk(`${s.worker.url}/warm`, 4, 2, s.headers) // warm caches
for (const connections of CONNECTIONS) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of scenarios) {
      // Alternating A B C A B C: drift of the machine falls on every scenario alike.
      const [calls0, kv0, cpu0] = [await providerCalls(), await kvCounts(), cpuMs(s.worker.pid)]
      const result = await wrk(`${s.worker.url}/bench?x=1`, connections, SECONDS, s.headers)
      const [calls1, kv1, cpu1] = [await providerCalls(), await kvCounts(), cpuMs(s.worker.pid)]
      // A wrong answer (a 401 from a lost session, a 5xx) would make every number meaningless.
      if (result.non2xx3xx > 0) {
        throw new Error(`${s.name}: ${result.non2xx3xx} answers were not 2xx or 3xx`)
      }
      const own = s.worker === proxy
      const key = `${s.name}@${connections}`
      samples.set(key, [
        ...(samples.get(key) ?? []),
        {
          ...result,
          providerCalls: calls1 - calls0,
          // KV bills get and list as reads, put and delete as writes.
          kvReads: own ? kv1.get + kv1.list - kv0.get - kv0.list : 0,
          kvWrites: own ? kv1.put + kv1.delete - kv0.put - kv0.delete : 0,
          doCalls: own ? kv1.durableObject - kv0.durableObject : 0,
          cpuMs: cpu1 - cpu0,
        },
      ])
      process.stdout.write(`${key} round ${round + 1}: ${result.rps.toFixed(0)} req/s\n`)
    }
  }
}

const per1000 = (n: number, requests: number) => (requests ? (n * 1000) / requests : 0)
const rows = [...samples].map(([key, list]) => {
  const [name, connections] = key.split('@') as [string, string]
  const requests = list.reduce((a, s) => a + s.requests, 0)
  const sum = (f: (s: Sample) => number) => list.reduce((a, s) => a + f(s), 0)
  // Ratios pair each round with bare's round just before it (the alternation pairs them).
  const bareRounds = samples.get(`bare@${connections}`) ?? []
  const ratios = list.map((s, i) => s.rps / (bareRounds[i]?.rps ?? NaN))
  return {
    scenario: name,
    connections: Number(connections),
    rps: {
      median: median(list.map((s) => s.rps)),
      min: Math.min(...list.map((s) => s.rps)),
      max: Math.max(...list.map((s) => s.rps)),
    },
    rpsRatioToBare: median(ratios),
    rpsRatioRange: { min: Math.min(...ratios), max: Math.max(...ratios) },
    p50Ms: median(list.map((s) => s.p50Ms)),
    p50DeltaMsToBare: median(list.map((s, i) => s.p50Ms - (bareRounds[i]?.p50Ms ?? NaN))),
    p99Ms: median(list.map((s) => s.p99Ms)),
    socketErrors: sum((s) => s.socketErrors),
    per1000: {
      providerCalls: per1000(
        sum((s) => s.providerCalls),
        requests
      ),
      kvReads: per1000(
        sum((s) => s.kvReads),
        requests
      ),
      kvWrites: per1000(
        sum((s) => s.kvWrites),
        requests
      ),
      doCalls: per1000(
        sum((s) => s.doCalls),
        requests
      ),
    },
    cpuMsPerRequest: sum((s) => s.cpuMs) / requests,
  }
})
// The request path alone: N requests inside the proxy's isolate, origin answered from memory
// (bench/workers/proxy.ts), CPU of the whole workerd process around them. This VM's speed drifts
// over seconds, so the request cases run in many short rounds, alternating (the order reversed
// every other round), and each is read as its difference to the `bare` loop of the same round.
// Then, to take the callback apart, what one KV operation, one outbound fetch and one Durable
// Object call cost in this process, at ROUNDS rounds.
const LOOP_REQUESTS = 2000
const LOOP_ROUNDS = Number(process.env.BENCH_LOOP_ROUNDS ?? 20)
const requestCases = [
  { name: 'bare', app: 'bare', n: LOOP_REQUESTS, headers: { cookie: sessionCookie } },
  // The floor of a signed-in request, as issue 16 names it (bench/workers/bare.ts).
  { name: 'floor', app: 'floor', n: LOOP_REQUESTS, headers: { cookie: sessionCookie } },
  // The bare pass-through plus one console.log line the size of request.done.
  { name: 'bareLogged', app: 'bare&line=1', n: LOOP_REQUESTS, headers: { cookie: sessionCookie } },
  { name: 'session', app: 'proxy', n: LOOP_REQUESTS, headers: { cookie: sessionCookie } },
  {
    name: 'bearer',
    app: 'proxy',
    n: LOOP_REQUESTS,
    headers: { authorization: `Bearer ${accessToken}` },
  },
  // The same signed-in request with LOG_SAMPLE_RATE=0: what the request.done line costs.
  {
    name: 'sessionUnlogged',
    app: 'proxy&log=0',
    n: LOOP_REQUESTS,
    headers: { cookie: sessionCookie },
  },
  // The same with one line of that size written by the bench's loop, not the app: the runtime's
  // cost of a line after a signed-in request (the rest of request.done's cost is our code).
  {
    name: 'sessionUnloggedLine',
    app: 'proxy&log=0&line=1',
    n: LOOP_REQUESTS,
    headers: { cookie: sessionCookie },
  },
  // An anonymous navigation: the 302 to the provider with the sealed login cookie.
  {
    name: 'redirect',
    app: 'proxy&status=302',
    n: LOOP_REQUESTS / 5,
    headers: { accept: 'text/html' },
  },
] as const
const priceCases = [
  { name: 'kvOperation', app: 'kv', n: 200, headers: {} },
  { name: 'outboundFetch', app: 'fetch', n: 1000, headers: {} },
  { name: 'durableObjectCall', app: 'do', n: 200, headers: {} },
] as const
type LoopCase = (typeof requestCases)[number] | (typeof priceCases)[number]
type LoopName = LoopCase['name']
const loopUs = new Map<LoopName, number[]>()
/** Runs a loop case; returns how many operations it made. */
const runLoop = async (c: LoopCase, n: number): Promise<number> => {
  const res = await fetch(`${proxy.url}/__bench/loop?n=${n}&app=${c.app}`, {
    headers: { accept: 'application/json', ...c.headers },
  })
  const { n: operations, failed } = (await res.json()) as { n: number; failed: number }
  if (failed) throw new Error(`in-isolate ${c.name}: ${failed} of ${n} requests failed`)
  return operations
}
/** Runs each case once, measured; appends µs per operation to `loopUs`. */
const measureRound = async (cases: readonly LoopCase[]) => {
  for (const c of cases) {
    const cpu0 = cpuNs(proxy.pid)
    const operations = await runLoop(c, c.n)
    const us = (cpuNs(proxy.pid) - cpu0) / 1000 / operations
    loopUs.set(c.name, [...(loopUs.get(c.name) ?? []), us])
  }
}
for (const c of [...requestCases, ...priceCases]) await runLoop(c, 50) // warm
for (const c of requestCases) await runLoop(c, c.n) // and past the first optimisations
for (let round = 0; round < LOOP_ROUNDS; round++) {
  await measureRound(round % 2 ? [...requestCases].reverse() : requestCases)
}
for (let round = 0; round < ROUNDS; round++) await measureRound(priceCases)
const bareLoops = loopUs.get('bare')!
const inIsolate = Object.fromEntries(
  [...loopUs].map(([name, list]) => {
    const paired = requestCases.some((c) => c.name === name)
    return [
      name,
      {
        median: median(list),
        min: Math.min(...list),
        // Each round's difference to that round's `bare` (request cases only).
        overBare: paired ? spread(list.map((us, i) => us - bareLoops[i]!)) : undefined,
      },
    ]
  })
) as Record<LoopName, { median: number; min: number; overBare?: Spread }>
process.stdout.write(`in-isolate µs per operation: ${JSON.stringify(inIsolate)}\n`)

// The callback, taken apart: its KV operations and its provider calls (token, userinfo) priced as
// measured above; what is left is the request itself and our code with oauth4webapi.
const signIn = world.signIn
const callbackKvMs = (signIn.callbackKvOperations * inIsolate.kvOperation.median) / 1000
const callbackFetchMs = (signIn.callbackProviderCalls * inIsolate.outboundFetch.median) / 1000
const callbackDoMs = (signIn.callbackDoCalls * inIsolate.durableObjectCall.median) / 1000
const callbackRestMs = signIn.callbackCpuMs.median - callbackKvMs - callbackFetchMs - callbackDoMs
// A cold isolate's first callback, with the runtime warmed first, less its KV operations as priced.
const cold = world.coldCallback
const coldKvMs = (cold.kvOperations * inIsolate.kvOperation.median) / 1000
const coldDoMs = (cold.doCalls * inIsolate.durableObjectCall.median) / 1000

const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`
const date = new Date().toISOString().slice(0, 10)
const results = {
  date,
  machine,
  seconds: SECONDS,
  rounds: ROUNDS,
  signIn,
  coldCallback: { ...cold, appLessSimulatorsMs: cold.appCpuMs.median - coldKvMs - coldDoMs },
  inIsolate: { requests: LOOP_REQUESTS, rounds: LOOP_ROUNDS, cpuUsPerOperation: inIsolate },
  callbackApart: {
    kvMs: callbackKvMs,
    providerFetchMs: callbackFetchMs,
    durableObjectMs: callbackDoMs,
    restMs: callbackRestMs,
  },
  rows,
}
mkdirSync(resultsDir, { recursive: true })
writeFileSync(`${resultsDir}/latest.json`, JSON.stringify(results, null, 2) + '\n')

const f = (n: number, d = 2) => n.toFixed(d)
const ms = (s: Spread) => `${f(s.median)} ms (${f(s.p25)}-${f(s.p75)})`
const over = (name: LoopName) => {
  const d = inIsolate[name].overBare!
  const sign = d.median < 0 ? '' : '+'
  return `${f(inIsolate[name].median, 1)} (${sign}${f(d.median, 1)}; ${f(d.p25, 0)} to ${f(d.p75, 0)})`
}
const table = [
  `Measured ${date} on ${machine}; ${ROUNDS} rounds of ${SECONDS} s per cell, alternating scenarios.`,
  '',
  '| scenario | conns | req/s median (min-max) | x bare (min-max) | p50 ms | p50 +ms | p99 ms | provider calls /1k | KV reads /1k | KV writes /1k | DO requests /1k | CPU ms/req | socket errors |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.connections} | ${f(r.rps.median, 0)} (${f(r.rps.min, 0)}-${f(r.rps.max, 0)}) | ${f(r.rpsRatioToBare)} (${f(r.rpsRatioRange.min)}-${f(r.rpsRatioRange.max)}) | ${f(r.p50Ms, 3)} | ${f(r.p50DeltaMsToBare, 3)} | ${f(r.p99Ms, 3)} | ${f(r.per1000.providerCalls)} | ${f(r.per1000.kvReads)} | ${f(r.per1000.kvWrites)} | ${f(r.per1000.doCalls)} | ${f(r.cpuMsPerRequest, 3)} | ${r.socketErrors} |`
  ),
  '',
  `x bare: the median over the rounds of each round's req/s over that of the \`bare\` round just before it, with the lowest and highest of those ratios; p50 +ms likewise, each round's p50 minus that \`bare\` round's. p50 and p99: the median of the rounds' values. KV reads are get and list, writes put and delete. CPU: the Worker's whole workerd process (its HTTP, Miniflare's entry Worker, the KV simulator and the request path). Every answer was checked to be 2xx or 3xx.`,
  '',
  `The request path alone (${LOOP_ROUNDS} alternating rounds of ${LOOP_REQUESTS} requests inside the isolate, origin and KV in memory, no HTTP), CPU µs per request: the median over the rounds, then + the median of each round's difference to that round's \`bare\` (quartiles of those differences). bare ${f(inIsolate.bare.median, 1)}; the floor of a signed-in request (a memory lookup, the header edits, one fetch, a private answer: bench/workers/bare.ts) ${over('floor')}; session ${over('session')}; bearer ${over('bearer')}; session with \`LOG_SAMPLE_RATE=0\` (no \`request.done\` line) ${over('sessionUnlogged')}, and with one line of that size written by the bench's loop after each request ${over('sessionUnloggedLine')}; bare with that line ${over('bareLogged')}; an anonymous navigation (302 with the sealed login cookie) ${f(inIsolate.redirect.median / 1000, 3)} ms.`,
  '',
  `CPU of the proxy's workerd per sign-in, median (quartiles) of ${signIn.signIns}: the start (302 to the provider, sealed login cookie) ${ms(signIn.startCpuMs)}; the callback (code exchange, ID token checks, userinfo, session write) ${ms(signIn.callbackCpuMs)}; the whole sign-in with the first signed-in request ${ms(signIn.wholeCpuMs)}.`,
  '',
  `A cold isolate's first callback (a fresh workerd whose first request is the callback: configuration, discovery, JWKS, key imports, the Durable Object's first call), median (quartiles) of ${cold.samples}: ${ms(cold.cpuMs)} of the whole process; with the runtime warmed first (Miniflare's entry Worker, the KV simulator, an outbound fetch; the app untouched) ${ms(cold.appCpuMs)}, of which ${f(cold.kvOperations, 1)} KV operations and ${f(cold.doCalls, 1)} Durable Object calls priced as below ${f(coldKvMs + coldDoMs)} ms, leaving ${f(cold.appCpuMs.median - coldKvMs - coldDoMs)} ms; ${f(cold.providerCalls, 1)} provider calls (discovery and JWKS included).`,
  '',
  `The callback taken apart: ${f(signIn.callbackKvOperations, 1)} KV operations at ${f(inIsolate.kvOperation.median / 1000, 3)} ms each (Miniflare's KV simulator runs inside this workerd; on Cloudflare, KV is a service outside the Worker's CPU time) = ${f(callbackKvMs)} ms; ${f(signIn.callbackProviderCalls, 1)} provider calls at ${f(inIsolate.outboundFetch.median / 1000, 3)} ms each (one outbound GET of 200 bytes: the provider's POSTs and JSON answers cost somewhat more) = ${f(callbackFetchMs)} ms; ${f(signIn.callbackDoCalls, 1)} Durable Object calls at ${f(inIsolate.durableObjectCall.median / 1000, 3)} ms each (each to a new object storing one entry; Miniflare runs the objects and their SQLite in this workerd, Cloudflare apart from the Worker) = ${f(callbackDoMs)} ms; the rest (the request, our code, oauth4webapi) about ${f(callbackRestMs)} ms of the median.`,
]
// Tables aligned the way the repository's formatter keeps markdown (npm run lint).
writeFileSync(`${resultsDir}/latest.md`, await format(table.join('\n'), { parser: 'markdown' }))
console.log(table.join('\n'))

await world.close()
