/**
 * `npm start`: the local demo, with no account anywhere. Starts on loopback (dev/stack.ts)
 *   - a real OpenID Connect provider (`oidc-provider`, dev/idp.ts) with a demo client,
 *   - the demo origin (dev/origin.ts), which shows the request it received,
 *   - the proxy under `wrangler dev` on http://localhost:8787, configured for those two.
 * Ports: PROXY_PORT (8787), IDP_PORT (8790), ORIGIN_PORT (8791); wrangler's inspector takes a free
 * port unless INSPECTOR_PORT is set. The local KV lives in `.wrangler/state`, as for a plain
 * `wrangler dev`.
 *
 * Your own settings win over the demo's: first `.dev.vars` (NAME=VALUE lines), then
 * `npm start -- --var NAME:VALUE` (repeatable). The start says which settings came from where
 * (names only: values may be secrets).
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startStack } from '../dev/stack.ts'

const DEV_VARS = fileURLToPath(new URL('../.dev.vars', import.meta.url))

/** `NAME=VALUE` lines of a `.dev.vars` file (dotenv style: `#` comments, optional quotes). */
function readDevVars(path: string): Record<string, string> {
  if (!existsSync(path)) return {}
  const vars: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match || line.trimStart().startsWith('#')) continue
    const value = match[2]!
    vars[match[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value
  }
  return vars
}

/** `--var NAME:VALUE` arguments (the form `wrangler dev` takes). */
function readVarArgs(argv: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const value = arg === '--var' ? argv[++i] : arg.startsWith('--var=') ? arg.slice(6) : undefined
    if (value === undefined) continue
    const colon = value.indexOf(':')
    if (colon <= 0) throw new Error(`--var takes NAME:VALUE, got ${JSON.stringify(value)}`)
    vars[value.slice(0, colon)] = value.slice(colon + 1)
  }
  return vars
}

const fromFile = readDevVars(DEV_VARS)
const fromArgs = readVarArgs(process.argv.slice(2))

const stack = await startStack({
  proxyPort: Number(process.env.PROXY_PORT ?? 8787),
  idpPort: Number(process.env.IDP_PORT ?? 8790),
  originPort: Number(process.env.ORIGIN_PORT ?? 8791),
  inspectorPort: Number(process.env.INSPECTOR_PORT ?? 0),
  persistDir: fileURLToPath(new URL('../.wrangler/state', import.meta.url)),
  vars: { ...fromFile, ...fromArgs },
  output: 'inherit',
})

const yours = Object.keys({ ...fromFile, ...fromArgs })
const demo = Object.keys(stack.vars).filter((name) => !yours.includes(name))
const names = (list: string[]) => (list.length ? list.join(', ') : '(none)')
const originLine = yours.includes('ORIGIN_URL')
  ? `${stack.vars.ORIGIN_URL}   (yours; the demo origin is not used)`
  : `${stack.originUrl}   (shows the request it received)`
console.log(`
  edge-auth-proxy demo is running.

    Open      ${stack.site}/anything?x=1
              (sign in with any username; no password)
    Sign out  ${stack.site}/_auth/logout
    Provider  ${stack.issuer}   (oidc-provider, demo client "${stack.clientId}")
    Origin    ${originLine}

    Set by the demo:  ${names(demo)}
    Set by you:       ${names(yours)}   (.dev.vars, then npm start -- --var NAME:VALUE)

  Press Ctrl+C to stop.
`)

let stopping = false
async function stop(code: number) {
  if (stopping) return
  stopping = true
  await stack.close()
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
void stack.exited.then((code) => stop(code ?? 1))
