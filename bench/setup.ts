/**
 * The benchmark's world, shared by `npm run bench` and `npm run bench:profile`: a fast origin and
 * the real `oidc-provider` on loopback, three Workers (bare, our proxy, the `@hono/oidc-auth`
 * peer) each in its own workerd through Miniflare, a signed-in session on the proxy and the peer,
 * and the CPU cost of the proxy's sign-in steps, warm and in a cold isolate.
 */
import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { startIdp } from '../dev/idp.ts'
import { generateIdentityKey } from '../dev/jwt-key.ts'
import type { KvCounts } from '../test/support/counting-kv.ts'
import {
  childWorkerdPids,
  cpuNs,
  loginThrough,
  spread,
  startFastOrigin,
  type Spread,
} from './lib.ts'

/** One Worker under test: its Miniflare, the pid of its workerd and its loopback URL. */

/** Ten rules of every kind, as a site might have them: what a request is matched against. */
const BENCH_ROUTES = [
  { name: 'admin', path: '/admin/*', action: 'allow', groups: ['admins'] },
  { name: 'admin home', path: '/admin', action: 'allow', groups: ['admins'] },
  { name: 'health', path: '/api/health', methods: ['GET'], action: 'public' },
  { name: 'api', path: '/api/*', action: 'authenticated', api: true },
  { name: 'assets', path: '/assets/*', methods: ['GET'], action: 'public' },
  { name: 'billing', path: '/billing/*', action: 'allow', domains: ['example.com'] },
  { name: 'internal', path: '/internal/*', action: 'deny' },
  { name: 'docs', path: '/docs/*', action: 'public' },
  { name: 'reports', path: '/reports/*', action: 'allow', emails: ['boss@example.com'] },
  { name: 'hooks', path: '/hooks/*', methods: ['POST'], action: 'public' },
]

export interface BenchWorker {
  mf: Miniflare
  pid: number
  url: string
}

export type { KvCounts }

/** Everything a benchmark run needs; `close()` stops it all. */
export interface BenchWorld {
  bare: BenchWorker
  proxy: BenchWorker
  peer: BenchWorker
  /** `Cookie` header of a signed-in session on the proxy. */
  sessionCookie: string
  /** `Cookie` header of a signed-in session on the peer. */
  peerCookie: string
  /** An access token the provider issued to the proxy's client (for `Authorization: Bearer`). */
  accessToken: string
  /** Requests the provider has answered so far. */
  providerCalls(): Promise<number>
  /** The proxy's KV operations so far, by method (the bench worker's counting wrapper). */
  kvCounts(): Promise<KvCounts & { durableObject: number }>
  /** CPU of the proxy's workerd per sign-in step, over `signIns` sign-ins. */
  signIn: {
    signIns: number
    /** Median and quartiles over the sign-ins, in ms. */
    startCpuMs: Spread
    callbackCpuMs: Spread
    wholeCpuMs: Spread
    /** Per callback: KV operations (get, put, delete, list), provider and Durable Object calls. */
    callbackKvOperations: number
    callbackProviderCalls: number
    callbackDoCalls: number
  }
  /**
   * CPU of a fresh workerd's first request, a callback (the sign-in started in another one with
   * the same configuration): configuration, discovery, JWKS, key imports, the Durable Object's
   * first call, all of it in the callback. Median and quartiles in ms, over `samples`.
   */
  coldCallback: {
    samples: number
    cpuMs: Spread
    /**
     * The same with the runtime warmed first, the app untouched: the process's first request (an
     * entry Worker's), a KV operation (the simulator's) and an outbound fetch made beforehand.
     * What is left is the app's own cold work and the Durable Object's first call.
     */
    appCpuMs: Spread
    /** Per cold callback: KV operations, provider calls (discovery and JWKS included), DO calls. */
    kvOperations: number
    providerCalls: number
    doCalls: number
  }
  close(): Promise<void>
}

/**
 * Options: V8 inspector ports per Worker (for the profiler), how many sign-ins to measure warm,
 * and how many cold callbacks (each costs two workerd starts).
 */
export interface BenchOptions {
  inspectorPorts?: Partial<Record<'bare' | 'proxy' | 'peer' | 'cold', number>>
  signIns?: number
  coldCallbacks?: number
  /**
   * Wraps each cold callback with the runtime warmed (the profiler's hook: `inspectorPorts.cold`
   * gives the fresh workerd an inspector).
   */
  aroundColdCallback?: (go: () => Promise<Response>) => Promise<Response>
  /**
   * How workerd writes the Workers' log lines: `structured` (the default) as JSON lines that
   * Miniflare parses, `plain` as Miniflare's default text, read and dropped here (to price a line).
   */
  workerdLogs?: 'structured' | 'plain'
}

/** `cold` runs the proxy's bundle in a workerd started afresh for each cold callback. */
const PORTS = { bare: 8801, proxy: 8802, peer: 8803, cold: 8804 }
const root = fileURLToPath(new URL('..', import.meta.url))

/** Starts the world. Throws if a Worker does not start or a sign-in does not finish. */
export async function startBench(options: BenchOptions = {}): Promise<BenchWorld> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
  const origin = await startFastOrigin()
  const secret = randomBytes(24).toString('base64url')
  const idp = await startIdp({
    recordRequests: true,
    clients: [
      {
        client_id: 'bench-proxy',
        client_secret: secret,
        redirect_uris: [
          `http://127.0.0.1:${PORTS.proxy}/_auth/callback`,
          `http://127.0.0.1:${PORTS.cold}/_auth/callback`,
        ],
      },
      {
        client_id: 'bench-peer',
        client_secret: secret,
        redirect_uris: [`http://127.0.0.1:${PORTS.peer}/callback`],
      },
    ],
  })

  await build({
    entryPoints: ['bare', 'proxy', 'peer'].map((n) => `${root}bench/workers/${n}.ts`),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    outdir: `${root}bench/.build`,
    // The runtime's own modules (the Durable Object base class) stay imports.
    external: ['cloudflare:*'],
    logLevel: 'warning',
  })

  async function startWorker(
    name: keyof typeof PORTS,
    bindings: Record<string, string>
  ): Promise<BenchWorker> {
    const before = childWorkerdPids()
    const mf = new Miniflare({
      name,
      modules: true,
      scriptPath: `${root}bench/.build/${name === 'cold' ? 'proxy' : name}.js`,
      compatibilityDate: '2026-08-01',
      host: '127.0.0.1',
      port: PORTS[name],
      cf: false,
      bindings,
      // The Workers' own log lines (one per sign-in start) would bury the bench's; errors stay.
      ...(options.workerdLogs === 'plain'
        ? { handleRuntimeStdio: (out: Readable, err: Readable) => (out.resume(), err.resume()) }
        : {
            handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
              if (level === 'error' || level === 'warn') {
                process.stderr.write(`${name}: ${message}\n`)
              }
            },
          }),
      ...((name === 'proxy' || name === 'cold') && {
        kvNamespaces: ['SESSIONS'],
        durableObjects: {
          SESSION_AUTHORITY: { className: 'SessionAuthorityObject', useSQLite: true },
        },
      }),
      ...(options.inspectorPorts?.[name] && { inspectorPort: options.inspectorPorts[name] }),
    })
    await mf.ready
    const pid = [...childWorkerdPids()].find((p) => !before.has(p))
    if (pid === undefined) throw new Error(`no workerd process found for ${name}`)
    return { mf, pid, url: `http://127.0.0.1:${PORTS[name]}` }
  }

  const bare = await startWorker('bare', { ORIGIN_URL: origin.url })
  const proxyBindings = (port: number) => ({
    ORIGIN_URL: origin.url,
    OAUTH_ISSUER: idp.issuer,
    CLIENT_ID: 'bench-proxy',
    CLIENT_SECRET: secret,
    REDIRECT_URI: `http://127.0.0.1:${port}/_auth/callback`,
    COOKIE_SECRET: cookieSecret,
    IDENTITY_JWT_PRIVATE_KEY: identityKey,
    // Ten per-route rules, none matching the measured paths: every signed-in request is checked
    // against all ten before the default (the worst case for matching).
    ROUTES: JSON.stringify(BENCH_ROUTES),
  })
  const cookieSecret = randomBytes(32).toString('base64url')
  const identityKey = (await generateIdentityKey()).privateJwk
  const proxy = await startWorker('proxy', proxyBindings(PORTS.proxy))
  const peer = await startWorker('peer', {
    ORIGIN_URL: origin.url,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: 'bench-peer',
    OIDC_CLIENT_SECRET: secret,
    OIDC_AUTH_SECRET: randomBytes(32).toString('base64url'),
    OIDC_REDIRECT_URI: `http://127.0.0.1:${PORTS.peer}/callback`,
  })

  const providerCalls = async () =>
    ((await (await fetch(`${idp.issuer}/_test/requests`)).json()) as unknown[]).length

  // Sign-ins, with the CPU of the proxy's workerd measured around its own two steps: the start
  // (302 to the provider, sealed login cookie) and the callback (code exchange, ID token checks,
  // userinfo, session write). The first sign-ins warm the isolate (discovery, JWKS) and are not
  // counted.
  const signIns = options.signIns ?? 50
  const warmUp = 3
  const stepNs = { start: [] as number[], callback: [] as number[], whole: [] as number[] }
  const callbackOps = { kv: 0, provider: 0, durableObject: 0 }
  const kvCounts = async () =>
    (await (await fetch(`${proxy.url}/__bench/kv`)).json()) as KvCounts & { durableObject: number }
  const kvOps = async () => {
    const { get, put, delete: del, list } = await kvCounts()
    return get + put + del + list
  }
  const doCalls = async () => (await kvCounts()).durableObject
  let sessionCookie = ''
  for (let i = 0; i < warmUp + signIns; i++) {
    const counted = i >= warmUp
    const whole0 = cpuNs(proxy.pid)
    sessionCookie = await loginThrough(`${proxy.url}/`, `bench${i}`, async (url, hop, go) => {
      const step = hop === 0 ? 'start' : url.pathname === '/_auth/callback' ? 'callback' : null
      const callback = step === 'callback'
      const [kv0, calls0, do0] = callback
        ? [await kvOps(), await providerCalls(), await doCalls()]
        : [0, 0, 0]
      const cpu0 = cpuNs(proxy.pid)
      const res = await go()
      // The step's CPU ends with its response body (nothing of ours runs after it: the session
      // write is awaited before the 302).
      const body = await res.arrayBuffer()
      if (counted && step) stepNs[step].push(cpuNs(proxy.pid) - cpu0)
      if (counted && step === 'callback') {
        callbackOps.kv += (await kvOps()) - kv0
        callbackOps.provider += (await providerCalls()) - calls0
        callbackOps.durableObject += (await doCalls()) - do0
      }
      return new Response(body, res)
    })
    if (counted) stepNs.whole.push(cpuNs(proxy.pid) - whole0)
  }
  // Cold callbacks: the sign-in starts in one fresh workerd, which is then stopped; the callback
  // is the first request of another, started afresh with the same configuration on the same port.
  const coldNs = { whole: [] as number[], app: [] as number[] }
  const coldOps = { kv: 0, provider: 0, durableObject: 0 }
  const coldSamples = options.coldCallbacks ?? 5
  for (let i = 0; i < 2 * coldSamples; i++) {
    const warmRuntime = i % 2 === 1
    let worker = await startWorker('cold', proxyBindings(PORTS.cold))
    await loginThrough(`${worker.url}/`, `cold${i}`, async (url, _hop, go) => {
      if (url.port !== String(PORTS.cold) || url.pathname !== '/_auth/callback') return go()
      await worker.mf.dispose()
      worker = await startWorker('cold', proxyBindings(PORTS.cold))
      if (warmRuntime) {
        // The KV loop uses the binding itself, not the counted one: the counts stay the app's.
        // The last writes a log line: the process's first console.log costs about 1.5 ms more.
        for (const path of [
          'kv',
          'loop?app=kv&n=2',
          'loop?app=fetch&n=2',
          'loop?app=bare&line=1&n=2',
        ]) {
          await (await fetch(`${worker.url}/__bench/${path}`)).arrayBuffer()
        }
      }
      const calls0 = await providerCalls()
      const cpu0 = cpuNs(worker.pid)
      const res = await (warmRuntime && options.aroundColdCallback
        ? options.aroundColdCallback(go)
        : go())
      const body = await res.arrayBuffer()
      coldNs[warmRuntime ? 'app' : 'whole'].push(cpuNs(worker.pid) - cpu0)
      if (!warmRuntime) {
        coldOps.provider += (await providerCalls()) - calls0
        const counts = (await (await fetch(`${worker.url}/__bench/kv`)).json()) as KvCounts & {
          durableObject: number
        }
        coldOps.durableObject += counts.durableObject
        coldOps.kv += counts.get + counts.put + counts.delete + counts.list
      }
      if (res.status !== 302) throw new Error(`cold callback: ${res.status}`)
      return new Response(body, res)
    })
    await worker.mf.dispose()
  }
  sessionCookie = sessionCookie
    .split('; ')
    .filter((c) => c.startsWith('eap_session='))
    .join('; ')
  const peerCookie = await loginThrough(`${peer.url}/`, 'bench-peer-user')
  const kv = await proxy.mf.getKVNamespace('SESSIONS')
  const { keys } = await kv.list({ prefix: 'session:' })
  const record = (await kv.get(keys[0]!.name, 'json')) as { tokens: { accessToken: string } }

  const ms = (list: number[]) => spread(list.map((ns) => ns / 1e6))
  return {
    bare,
    proxy,
    peer,
    sessionCookie,
    peerCookie,
    accessToken: record.tokens.accessToken,
    providerCalls,
    kvCounts,
    signIn: {
      signIns,
      startCpuMs: ms(stepNs.start),
      callbackCpuMs: ms(stepNs.callback),
      wholeCpuMs: ms(stepNs.whole),
      callbackKvOperations: callbackOps.kv / signIns,
      callbackProviderCalls: callbackOps.provider / signIns,
      callbackDoCalls: callbackOps.durableObject / signIns,
    },
    coldCallback: {
      samples: coldSamples,
      cpuMs: ms(coldNs.whole),
      appCpuMs: ms(coldNs.app),
      kvOperations: coldOps.kv / coldSamples,
      providerCalls: coldOps.provider / coldSamples,
      doCalls: coldOps.durableObject / coldSamples,
    },
    async close() {
      await Promise.all([bare.mf.dispose(), proxy.mf.dispose(), peer.mf.dispose()])
      await idp.close()
      origin.close()
    },
  }
}
