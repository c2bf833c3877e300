/**
 * @module
 * The whole local stack, as `npm start` runs it: the demo OpenID Connect provider (dev/idp.ts), the
 * demo origin (dev/origin.ts) and the proxy under `wrangler dev`, configured for each other, all on
 * loopback. `npm start` and the browser tests (test/browser) both start it through
 * {@link startStack}; the tests on free ports, with extra settings and a private KV directory.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startIdp } from './idp.ts'
import { generateIdentityKey } from './jwt-key.ts'
import { startOrigin } from './origin.ts'

/** Options for {@link startStack}. Every port is on loopback; 0 (the default) picks a free one. */
export interface StackOptions {
  /** The proxy's port (`wrangler dev --port`); the site is `http://localhost:<port>`. */
  proxyPort?: number
  idpPort?: number
  originPort?: number
  /** wrangler's inspector port; 0 picks a free one so that two stacks never collide. */
  inspectorPort?: number
  /** Extra Worker settings (`--var`), e.g. `ALLOWED_EMAIL_DOMAINS`; they win over the defaults. */
  vars?: Record<string, string>
  /** Where the local KV lives (`--persist-to`); default: a new temporary directory, removed by close(). */
  persistDir?: string
  /** Keep the provider's request log, readable at `GET <issuer>/_test/requests`. */
  recordRequests?: boolean
  /** `inherit`: wrangler's output goes to this process's; `quiet`: kept for {@link RunningStack.log}. */
  output?: 'inherit' | 'quiet'
  /** How long to wait for the proxy to answer, in milliseconds (default 90 000). */
  startTimeoutMs?: number
}

/** A running stack. */
export interface RunningStack {
  /** The proxy, as a browser reaches it: `http://localhost:<port>`. */
  site: string
  /** The provider's issuer URL. */
  issuer: string
  /** The demo origin's URL (the proxy's `ORIGIN_URL`). */
  originUrl: string
  clientId: string
  /** The settings the proxy was started with (secrets included: local demo values). */
  vars: Readonly<Record<string, string>>
  /** Settles when wrangler exits, with its exit code (null for a signal). */
  exited: Promise<number | null>
  /** What wrangler printed so far. */
  log(): string
  /** Stops wrangler (and its workerd children), the provider and the origin. Safe to call twice. */
  close(): Promise<void>
}

const CLIENT_ID = 'demo-client'
const WRANGLER_BIN = fileURLToPath(
  new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url)
)
const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url))
/** How long wrangler gets to exit after SIGTERM before the whole group gets SIGKILL. */
const STOP_GRACE_MS = 5000
/** wrangler's output kept for error messages (characters). */
const MAX_LOG_CHARS = 200_000

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const orFree = async (port: number | undefined) => (port ? port : freePort())

/** Sends `signal` to the process group led by `child` (it was spawned `detached`). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch (err) {
    // ESRCH: the group is already gone, which is what we want.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}

/** True while any process of `child`'s group is alive. */
function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false
  try {
    process.kill(-child.pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once `url` answers at all (any HTTP status). */
async function waitForHttp(url: string, deadline: number, exited: () => boolean): Promise<void> {
  for (;;) {
    if (exited()) throw new Error('wrangler exited before the proxy answered')
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' })
      await res.body?.cancel()
      return
    } catch {
      // Not listening yet (ECONNREFUSED) or still compiling: ask again.
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/**
 * Starts the provider, the origin and `wrangler dev`, and resolves when the proxy answers.
 * @throws when a port is taken, or wrangler exits or does not answer within `startTimeoutMs` (the
 * error carries wrangler's output).
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const proxyPort = await orFree(options.proxyPort)
  const inspectorPort = await orFree(options.inspectorPort)
  const site = `http://localhost:${proxyPort}`
  // Demo-only secrets, new on every start: nothing to configure, nothing to leak.
  const clientSecret = randomBytes(24).toString('base64url')
  const cookieSecret = randomBytes(32).toString('base64url')
  const identityKey = await generateIdentityKey()

  const idp = await startIdp({
    port: options.idpPort ?? 0,
    ...(options.recordRequests && { recordRequests: true }),
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [`${site}/_auth/callback`],
        post_logout_redirect_uris: [`${site}/`, `${site}/_auth/signed-out`],
        // A sign-out at the provider tells the proxy (Back-Channel Logout 1.0), as a real one does.
        backchannel_logout_uri: `${site}/_auth/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
  })
  const origin = await startOrigin(options.originPort ?? 0, { verifyAssertion: { site } }).catch(
    async (err: unknown) => {
      await idp.close()
      throw err
    }
  )
  const ownPersistDir = options.persistDir === undefined
  const persistDir = options.persistDir ?? (await mkdtemp(join(tmpdir(), 'eap-kv-')))

  const vars: Record<string, string> = {
    ORIGIN_URL: origin.url,
    OAUTH_ISSUER: idp.issuer,
    CLIENT_ID,
    CLIENT_SECRET: clientSecret,
    REDIRECT_URI: `${site}/_auth/callback`,
    COOKIE_SECRET: cookieSecret,
    IDENTITY_JWT_PRIVATE_KEY: identityKey.privateJwk,
    ...options.vars,
  }
  const args = [
    WRANGLER_BIN,
    'dev',
    '--port',
    String(proxyPort),
    '--ip',
    'localhost',
    '--inspector-port',
    String(inspectorPort),
    '--inspector-ip',
    '127.0.0.1',
    '--persist-to',
    persistDir,
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ]
  const quiet = options.output === 'quiet'
  // Its own process group (detached), so that close() reaches workerd as well as wrangler.
  const wrangler = spawn(process.execPath, args, {
    cwd: PROJECT_DIR,
    detached: true,
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'],
    env: {
      ...process.env,
      // Keep every connection on loopback: no metrics, no error reports, no `Request.cf` download,
      // and no banner (printing it asks the npm registry for a newer wrangler).
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_SEND_ERROR_REPORTS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_HIDE_BANNER: 'true',
    },
  })
  // If this process exits without close() (a crash, process.exit), take the group down with it.
  const killOnExit = () => signalGroup(wrangler, 'SIGKILL')
  process.once('exit', killOnExit)

  let output = ''
  let exited = false
  let sawReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (sawReady = resolve))
  const onOutput = (chunk: Buffer) => {
    if (!quiet) process.stdout.write(chunk)
    output = (output + chunk.toString()).slice(-MAX_LOG_CHARS)
    if (/Ready on/i.test(output)) sawReady()
  }
  wrangler.stdout?.on('data', onOutput)
  wrangler.stderr?.on('data', onOutput)
  const exit = new Promise<number | null>((resolve) => {
    wrangler.once('exit', (code) => {
      exited = true
      resolve(code)
    })
  })

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      if (!exited) {
        signalGroup(wrangler, 'SIGTERM')
        const timer = setTimeout(() => signalGroup(wrangler, 'SIGKILL'), STOP_GRACE_MS)
        await exit
        clearTimeout(timer)
      }
      // workerd may outlive wrangler for a moment; nothing of the group may remain.
      signalGroup(wrangler, 'SIGKILL')
      for (const until = Date.now() + STOP_GRACE_MS; groupAlive(wrangler) && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      process.removeListener('exit', killOnExit)
      await Promise.all([idp.close(), origin.close()])
      if (ownPersistDir) await rm(persistDir, { recursive: true, force: true })
    })())

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 90_000)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      ready,
      exit.then(() => Promise.reject(new Error('wrangler exited before "Ready on"'))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('no "Ready on" from wrangler')),
          deadline - Date.now()
        )
      }),
    ]).finally(() => clearTimeout(timer))
    await waitForHttp(`${site}/_auth/logout`, deadline, () => exited)
  } catch (err) {
    await close()
    throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${output}`, { cause: err })
  }

  return {
    site,
    issuer: idp.issuer,
    originUrl: origin.url,
    clientId: CLIENT_ID,
    vars,
    exited: exit,
    log: () => output,
    close,
  }
}
