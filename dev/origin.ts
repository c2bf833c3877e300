/**
 * @module
 * A demo origin: answers every request with what it received (method, path, query, every header,
 * the body), as a formatted HTML page for browsers and as JSON otherwise. The local demo puts it
 * behind the proxy so a user can see the identity headers arrive; the tests use it to assert what
 * the origin was sent.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EchoedRequest } from './echo-types.ts'
import { createIdentityVerifier, type IdentityVerifierOptions } from './identity-verifier.ts'

/** A running echo origin. */
export interface RunningOrigin {
  url: string
  port: number
  close(): Promise<void>
}

const MAX_BODY_ECHO_BYTES = 64 * 1024

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function page(echo: EchoedRequest): string {
  const identity = Object.entries(echo.headers).filter(([k]) => k.startsWith('x-auth-request-'))
  const rows = (entries: [string, unknown][]) =>
    entries
      .map(
        ([k, v]) =>
          `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(String(v))}</code></td></tr>`
      )
      .join('')
  const query = Object.entries(echo.query).map(([k, v]) => [k, v.join(', ')] as [string, string])
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Demo origin: ${escapeHtml(echo.method)} ${escapeHtml(echo.path)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{width:18rem;font-weight:600;white-space:nowrap}code{word-break:break-all}
.identity{background:#ecfdf3;border:1px solid #a7e3bd;border-radius:8px;padding:.6rem 1rem}
.none{color:#b42318}
</style></head><body>
<h1>Demo origin</h1>
<p>This page shows the request that reached the origin through edge-auth-proxy.</p>
<p><strong>${escapeHtml(echo.method)}</strong> <code>${escapeHtml(echo.path)}</code></p>
<h2>Identity headers set by the proxy</h2>
<div class="identity">${
    identity.length
      ? `<table>${rows(identity)}</table>`
      : '<p class="none">None: this request did not come through a signed-in proxy.</p>'
  }</div>
${assertionSection(echo)}
<h2>Query</h2>${query.length ? `<table>${rows(query)}</table>` : '<p>(none)</p>'}
<h2>All headers</h2><table>${rows(Object.entries(echo.headers))}</table>
${echo.bodyBytes ? `<h2>Body (${echo.bodyBytes} bytes)</h2><pre>${escapeHtml(echo.body)}</pre>` : ''}
</body></html>`
}

/** The assertion check, as the page shows it. */
function assertionSection(echo: EchoedRequest): string {
  if (!echo.assertion) return ''
  const result = echo.assertion.verified
    ? '<p><strong>verified</strong>: signed by the proxy (ES256, its JWK Set).</p>'
    : `<p class="none"><strong>not verified</strong>: ${escapeHtml(echo.assertion.error)}</p>`
  return `<h2>Signed identity assertion (X-Auth-Request-Jwt)</h2><div class="identity">${result}</div>`
}

/** Options for {@link startOrigin}. */
export interface OriginOptions {
  /** Verify `X-Auth-Request-Jwt` (dev/identity-verifier.ts); `audience` defaults to this origin. */
  verifyAssertion?: Omit<IdentityVerifierOptions, 'audience'> & { audience?: string }
}

/**
 * Starts the echo origin on 127.0.0.1.
 * @param port TCP port; 0 picks a free one.
 * @throws when the port is taken.
 */
export async function startOrigin(port = 0, options: OriginOptions = {}): Promise<RunningOrigin> {
  let verify: ReturnType<typeof createIdentityVerifier> | undefined
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    let bodyBytes = 0
    for await (const chunk of req) {
      bodyBytes += (chunk as Buffer).length
      if (bodyBytes <= MAX_BODY_ECHO_BYTES) chunks.push(chunk as Buffer)
    }
    const url = new URL(req.url ?? '/', 'http://origin.invalid')
    const query: Record<string, string[]> = {}
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v)
    const echo: EchoedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      bodyBytes,
    }
    if (verify) {
      const header = req.headers['x-auth-request-jwt']
      echo.assertion = await verify(typeof header === 'string' ? header : undefined).then(
        (claims) => ({ verified: true as const, claims }),
        (err: unknown) => ({ verified: false as const, error: (err as Error).message })
      )
    }
    const wantsHtml = (req.headers.accept ?? '').includes('text/html')
    res.setHeader('x-echo-origin', '1')
    res.setHeader('set-cookie', 'origin_cookie=kept; Path=/; HttpOnly')
    if (wantsHtml) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(echo))
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  if (options.verifyAssertion) {
    const { audience = `http://127.0.0.1:${actual}`, ...rest } = options.verifyAssertion
    verify = createIdentityVerifier({ audience, ...rest })
  }
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
