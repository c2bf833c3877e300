/**
 * `npm start`: the local demo, with no account anywhere. Starts on loopback (dev/stack.ts)
 *   - a real OpenID Connect provider (`oidc-provider`, dev/idp.ts) with a demo client,
 *   - the demo origin (dev/origin.ts), which shows the request it received,
 *   - the proxy under `wrangler dev` on http://localhost:8787, configured for those two.
 * Ports: PROXY_PORT (8787), IDP_PORT (8790), ORIGIN_PORT (8791), INSPECTOR_PORT (9229). The local KV lives in
 * `.wrangler/state`, as for a plain `wrangler dev`.
 */
import { fileURLToPath } from 'node:url'
import { startStack } from '../dev/stack.ts'

const stack = await startStack({
  proxyPort: Number(process.env.PROXY_PORT ?? 8787),
  idpPort: Number(process.env.IDP_PORT ?? 8790),
  originPort: Number(process.env.ORIGIN_PORT ?? 8791),
  inspectorPort: Number(process.env.INSPECTOR_PORT ?? 9229),
  persistDir: fileURLToPath(new URL('../.wrangler/state', import.meta.url)),
  output: 'inherit',
})

console.log(`
  edge-auth-proxy demo is running.

    Open      ${stack.site}/anything?x=1
              (sign in with any username; no password)
    Provider  ${stack.issuer}   (oidc-provider, demo client "${stack.clientId}")
    Origin    ${stack.originUrl}   (shows the request it received)

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
