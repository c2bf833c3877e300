/**
 * The benchmark's world, shared by `npm run bench` and `npm run bench:profile`: a fast origin and
 * the real `oidc-provider` on loopback, three Workers (bare, our proxy, the `@hono/oidc-auth`
 * peer) each in its own workerd through Miniflare, a signed-in session on the proxy and the peer,
 * and the CPU cost of the proxy's sign-in steps.
 */
import { randomBytes } from 'node:crypto'
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
    /** Per callback: KV operations (get, put, delete, list) and provider calls it made. */
    callbackKvOperations: number
    callbackProviderCalls: number
  }
  close(): Promise<void>
}

/** Options: V8 inspector ports per Worker (for the profiler), and how many sign-ins to measure. */
export interface BenchOptions {
  inspectorPorts?: Partial<Record<'bare' | 'proxy' | 'peer', number>>
  signIns?: number
}

const PORTS = { bare: 8801, proxy: 8802, peer: 8803 }
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
        redirect_uris: [`http://127.0.0.1:${PORTS.proxy}/_auth/callback`],
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
      scriptPath: `${root}bench/.build/${name}.js`,
      compatibilityDate: '2026-08-01',
      host: '127.0.0.1',
      port: PORTS[name],
      cf: false,
      bindings,
      // The Workers' own log lines (one per sign-in start) would bury the bench's; errors stay.
      handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
        if (level === 'error' || level === 'warn') process.stderr.write(`${name}: ${message}\n`)
      },
      ...(name === 'proxy' && {
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
  const proxy = await startWorker('proxy', {
    ORIGIN_URL: origin.url,
    OAUTH_ISSUER: idp.issuer,
    CLIENT_ID: 'bench-proxy',
    CLIENT_SECRET: secret,
    REDIRECT_URI: `http://127.0.0.1:${PORTS.proxy}/_auth/callback`,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    IDENTITY_JWT_PRIVATE_KEY: (await generateIdentityKey()).privateJwk,
    // Ten per-route rules, none matching the measured paths: every signed-in request is checked
    // against all ten before the default (the worst case for matching).
    ROUTES: JSON.stringify(BENCH_ROUTES),
  })
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
  const callbackOps = { kv: 0, provider: 0 }
  const kvCounts = async () =>
    (await (await fetch(`${proxy.url}/__bench/kv`)).json()) as KvCounts & { durableObject: number }
  const kvOps = async () => {
    const { get, put, delete: del, list } = await kvCounts()
    return get + put + del + list
  }
  let sessionCookie = ''
  for (let i = 0; i < warmUp + signIns; i++) {
    const counted = i >= warmUp
    const whole0 = cpuNs(proxy.pid)
    sessionCookie = await loginThrough(`${proxy.url}/`, `bench${i}`, async (url, hop, go) => {
      const step = hop === 0 ? 'start' : url.pathname === '/_auth/callback' ? 'callback' : null
      const [kv0, calls0] = step === 'callback' ? [await kvOps(), await providerCalls()] : [0, 0]
      const cpu0 = cpuNs(proxy.pid)
      const res = await go()
      // The step's CPU ends with its response body (nothing of ours runs after it: the session
      // write is awaited before the 302).
      const body = await res.arrayBuffer()
      if (counted && step) stepNs[step].push(cpuNs(proxy.pid) - cpu0)
      if (counted && step === 'callback') {
        callbackOps.kv += (await kvOps()) - kv0
        callbackOps.provider += (await providerCalls()) - calls0
      }
      return new Response(body, res)
    })
    if (counted) stepNs.whole.push(cpuNs(proxy.pid) - whole0)
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
    },
    async close() {
      await Promise.all([bare.mf.dispose(), proxy.mf.dispose(), peer.mf.dispose()])
      await idp.close()
      origin.close()
    },
  }
}
