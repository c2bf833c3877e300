/**
 * `npm start`: the local demo, with no account anywhere. Starts on loopback
 *   - a real OpenID Connect provider (`oidc-provider`, dev/idp.ts) with a demo client,
 *   - the demo origin (dev/origin.ts), which shows the request it received,
 *   - the proxy under `wrangler dev` on http://localhost:8787, configured for those two.
 * Ports: PROXY_PORT (8787), IDP_PORT (8790), ORIGIN_PORT (8791).
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startIdp } from '../dev/idp.ts'
import { startOrigin } from '../dev/origin.ts'

const proxyPort = Number(process.env.PROXY_PORT ?? 8787)
const idpPort = Number(process.env.IDP_PORT ?? 8790)
const originPort = Number(process.env.ORIGIN_PORT ?? 8791)

const clientId = 'demo-client'
// Demo-only secrets, new on every start: nothing to configure, nothing to leak.
const clientSecret = randomBytes(24).toString('base64url')
const cookieSecret = randomBytes(32).toString('base64url')
const site = `http://localhost:${proxyPort}`

const idp = await startIdp({
  port: idpPort,
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${site}/_auth/callback`],
      post_logout_redirect_uris: [`${site}/`],
    },
  ],
})
const origin = await startOrigin(originPort)

const vars: Record<string, string> = {
  ORIGIN_URL: origin.url,
  OAUTH_ISSUER: idp.issuer,
  CLIENT_ID: clientId,
  CLIENT_SECRET: clientSecret,
  REDIRECT_URI: `${site}/_auth/callback`,
  COOKIE_SECRET: cookieSecret,
}
const wranglerBin = fileURLToPath(
  new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url)
)
const args = [
  wranglerBin,
  'dev',
  '--port',
  String(proxyPort),
  '--ip',
  'localhost',
  '--show-interactive-dev-session=false',
  ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
]
const wrangler = spawn(process.execPath, args, {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    // Keep every connection on loopback: no metrics, no error reports, no `Request.cf` download.
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  },
})

let announced = false
wrangler.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk)
  if (!announced && /Ready on/i.test(chunk.toString())) {
    announced = true
    console.log(`
  edge-auth-proxy demo is running.

    Open      ${site}/anything?x=1
              (sign in with any username; no password)
    Provider  ${idp.issuer}   (oidc-provider, demo client "${clientId}")
    Origin    ${origin.url}   (shows the request it received)

  Press Ctrl+C to stop.
`)
  }
})

let stopping = false
async function stop(code: number) {
  if (stopping) return
  stopping = true
  wrangler.kill('SIGTERM')
  await Promise.all([idp.close(), origin.close()])
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
wrangler.on('exit', (code) => void stop(code ?? 1))
