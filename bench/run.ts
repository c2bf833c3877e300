/**
 * `npm run bench`: what the proxy costs on every request, side by side with a bare pass-through
 * and a peer (`@hono/oidc-auth`), each Worker in its own workerd through Miniflare's API (not
 * `wrangler dev`, whose dev proxy would hide every difference). Needs `wrk` (Debian:
 * `apt-get install -y wrk`). Writes bench/results/latest.json and latest.md.
 *
 * Environment: BENCH_SECONDS (5), BENCH_ROUNDS (5), BENCH_CONNECTIONS ("1,16"), BENCH_RESULTS_DIR
 * (bench/results).
 */
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { startIdp } from '../dev/idp.ts'
import {
  childWorkerdPids,
  cpuMs,
  loginThrough,
  median,
  startFastOrigin,
  wrk,
  type WrkResult,
} from './lib.ts'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16').split(',').map(Number)
const PORTS = { bare: 8801, proxy: 8802, peer: 8803 }
const root = fileURLToPath(new URL('..', import.meta.url))
const resultsDir = process.env.BENCH_RESULTS_DIR ?? `${root}bench/results`

const origin = await startFastOrigin()
const secret = randomBytes(24).toString('base64url')
const idp = await startIdp({
  recordRequests: true,
  clients: [
    {
      client_id: 'bench-proxy',
      client_secret: secret,
      redirect_uris: [`http://127.0.0.1:${PORTS.proxy}/_auth/callback`],
    },
    {
      client_id: 'bench-peer',
      client_secret: secret,
      redirect_uris: [`http://127.0.0.1:${PORTS.peer}/callback`],
    },
  ],
})
const providerCalls = async () =>
  ((await (await fetch(`${idp.issuer}/_test/requests`)).json()) as unknown[]).length

await build({
  entryPoints: ['bare', 'proxy', 'peer'].map((n) => `${root}bench/workers/${n}.ts`),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  outdir: `${root}bench/.build`,
  logLevel: 'warning',
})

async function startWorker(name: keyof typeof PORTS, bindings: Record<string, string>) {
  const before = childWorkerdPids()
  const mf = new Miniflare({
    name,
    modules: true,
    scriptPath: `${root}bench/.build/${name}.js`,
    compatibilityDate: '2026-08-01',
    host: '127.0.0.1',
    port: PORTS[name],
    cf: false,
    bindings,
    ...(name === 'proxy' && { kvNamespaces: ['SESSIONS'] }),
  })
  await mf.ready
  const pid = [...childWorkerdPids()].find((p) => !before.has(p))
  if (pid === undefined) throw new Error(`no workerd process found for ${name}`)
  return { mf, pid, url: `http://127.0.0.1:${PORTS[name]}` }
}

const bare = await startWorker('bare', { ORIGIN_URL: origin.url })
const proxy = await startWorker('proxy', {
  ORIGIN_URL: origin.url,
  OAUTH_ISSUER: idp.issuer,
  CLIENT_ID: 'bench-proxy',
  CLIENT_SECRET: secret,
  REDIRECT_URI: `${`http://127.0.0.1:${PORTS.proxy}`}/_auth/callback`,
  COOKIE_SECRET: randomBytes(32).toString('base64url'),
})
const peer = await startWorker('peer', {
  ORIGIN_URL: origin.url,
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: 'bench-peer',
  OIDC_CLIENT_SECRET: secret,
  OIDC_AUTH_SECRET: randomBytes(32).toString('base64url'),
  OIDC_REDIRECT_URI: `http://127.0.0.1:${PORTS.peer}/callback`,
})

// Sign-in: CPU of the proxy's workerd for whole sign-ins (start, callback: code exchange, ID
// token checks, userinfo, session write).
const SIGN_INS = 20
const cpuBefore = cpuMs(proxy.pid)
let sessionCookie = ''
for (let i = 0; i < SIGN_INS; i++) sessionCookie = await loginThrough(`${proxy.url}/`, `bench${i}`)
const signInCpuMs = (cpuMs(proxy.pid) - cpuBefore) / SIGN_INS
sessionCookie = sessionCookie
  .split('; ')
  .filter((c) => c.startsWith('eap_session='))
  .join('; ')
const peerCookie = await loginThrough(`${peer.url}/`, 'bench-peer-user')
const kv = await proxy.mf.getKVNamespace('SESSIONS')
const { keys } = await kv.list({ prefix: 'session:' })
const record = (await kv.get(keys[0]!.name, 'json')) as { tokens: { accessToken: string } }
const accessToken = record.tokens.accessToken

interface Scenario {
  name: 'bare' | 'session' | 'bearer' | 'redirect' | 'peer'
  worker: typeof bare
  headers: Record<string, string>
}
const scenarios: Scenario[] = [
  { name: 'bare', worker: bare, headers: { accept: 'application/json' } },
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

const kvCounts = async () =>
  (await (await fetch(`${proxy.url}/__bench/kv`)).json()) as { get: number; put: number }

interface Sample extends WrkResult {
  providerCalls: number
  kvReads: number
  kvWrites: number
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
      const own = s.worker === proxy
      const key = `${s.name}@${connections}`
      samples.set(key, [
        ...(samples.get(key) ?? []),
        {
          ...result,
          providerCalls: calls1 - calls0,
          kvReads: own ? kv1.get - kv0.get - 0 : 0,
          kvWrites: own ? kv1.put - kv0.put : 0,
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
  return {
    scenario: name,
    connections: Number(connections),
    rps: {
      median: median(list.map((s) => s.rps)),
      min: Math.min(...list.map((s) => s.rps)),
      max: Math.max(...list.map((s) => s.rps)),
    },
    p50Ms: median(list.map((s) => s.p50Ms)),
    p99Ms: median(list.map((s) => s.p99Ms)),
    non2xx3xx: sum((s) => s.non2xx3xx),
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
    },
    cpuMsPerRequest: sum((s) => s.cpuMs) / requests,
  }
})
const bareOf = (connections: number) =>
  rows.find((r) => r.scenario === 'bare' && r.connections === connections)!
const withRatios = rows.map((r) => ({
  ...r,
  rpsRatioToBare: r.rps.median / bareOf(r.connections).rps.median,
  p50DeltaMsToBare: r.p50Ms - bareOf(r.connections).p50Ms,
}))

const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`
const date = new Date().toISOString().slice(0, 10)
const results = { date, machine, seconds: SECONDS, rounds: ROUNDS, signInCpuMs, rows: withRatios }
mkdirSync(resultsDir, { recursive: true })
writeFileSync(`${resultsDir}/latest.json`, JSON.stringify(results, null, 2) + '\n')

const f = (n: number, d = 2) => n.toFixed(d)
const table = [
  `Measured ${date} on ${machine}; ${ROUNDS} rounds of ${SECONDS} s per cell, alternating scenarios.`,
  '',
  '| scenario | conns | req/s median (min-max) | x bare | p50 ms | p99 ms | provider calls /1k | KV reads /1k | KV writes /1k | CPU ms/req |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...withRatios.map(
    (r) =>
      `| ${r.scenario} | ${r.connections} | ${f(r.rps.median, 0)} (${f(r.rps.min, 0)}-${f(r.rps.max, 0)}) | ${f(r.rpsRatioToBare)} | ${f(r.p50Ms, 3)} | ${f(r.p99Ms, 3)} | ${f(r.per1000.providerCalls)} | ${f(r.per1000.kvReads)} | ${f(r.per1000.kvWrites)} | ${f(r.cpuMsPerRequest, 3)} |`
  ),
  '',
  `A whole sign-in (start, callback with code exchange, ID token checks, userinfo, session write): ${f(signInCpuMs)} ms of CPU.`,
]
writeFileSync(`${resultsDir}/latest.md`, table.join('\n') + '\n')
console.log(table.join('\n'))

await Promise.all([bare.mf.dispose(), proxy.mf.dispose(), peer.mf.dispose()])
await idp.close()
origin.close()
