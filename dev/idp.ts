/**
 * @module
 * A real OpenID Connect provider (the npm package `oidc-provider`) for the local demo and the tests.
 * It listens on loopback only, has one demo client, and a login form that accepts any username
 * (no password) and a "Cancel" button that refuses the sign-in (`error=access_denied`). Consent is
 * granted automatically, as for a first-party application. Sign-out (RP-initiated logout) ends the
 * provider's session and returns at once, without asking, as Authing's logout URL does; a client
 * registered with a `backchannel_logout_uri` (loopback only) is then sent a `logout_token` there
 * (OpenID Connect Back-Channel Logout 1.0, section 2.5).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type Configuration } from 'oidc-provider'
import { isLoopbackHost } from '../src/utils/loopback.ts'
import { MemoryAdapter } from './idp-memory-adapter.ts'

/** One client registered at the demo provider (RFC 7591 metadata names). */
export interface IdpClient {
  client_id: string
  client_secret?: string
  redirect_uris: string[]
  post_logout_redirect_uris?: string[]
  /** Where a sign-out at the provider POSTs the `logout_token`; loopback hosts only. */
  backchannel_logout_uri?: string
  /** Put the provider's `sid` in ID tokens and logout tokens (Back-Channel Logout 1.0, 2.2). */
  backchannel_logout_session_required?: boolean
  token_endpoint_auth_method?: 'client_secret_post' | 'client_secret_basic' | 'none'
}

/** Options for {@link startIdp}. */
export interface IdpOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number
  /** Host name used in the issuer URL (default `127.0.0.1`). */
  host?: string
  clients: IdpClient[]
  /**
   * Keep a log of every protocol request (tests read it at `GET /_test/requests`) and of every
   * back-channel logout sent (`GET /_test/backchannel`).
   */
  recordRequests?: boolean
}

/** One back-channel logout the provider sent (recorded only with `recordRequests`). */
export interface RecordedBackchannelLogout {
  client_id: string
  /** The client's `backchannel_logout_uri`. */
  uri: string
  /** True when it answered 200 or 204. */
  ok: boolean
  /** Why not, when it did not. */
  error?: string
}

/** One protocol request as the provider saw it (recorded only with `recordRequests`). */
export interface RecordedIdpRequest {
  method: string
  path: string
  /** The parsed OAuth parameters (`ctx.oidc.params`), secrets included: test use only. */
  params: Record<string, unknown>
  authorization: string | null
  status: number
}

/** A running provider: its issuer URL and a way to stop it. */
export interface RunningIdp {
  issuer: string
  port: number
  close(): Promise<void>
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/**
 * Every page of the demo provider: self-contained (oidc-provider's default pages load a web font
 * from Google, and the demo and the tests talk to nothing beyond loopback).
 */
const providerPage = (title: string, bodyHtml: string, head = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}: demo identity provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${head}
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px #0002;width:20rem}
h1{font-size:1.3rem;margin:0 0 .25rem}p{color:#555;margin:.25rem 0 1.25rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #bbb;border-radius:6px}
button{margin-top:1rem;width:100%;padding:.6rem;font-size:1rem;border:0;border-radius:6px;background:#2563eb;color:#fff;cursor:pointer}
button.secondary{margin-top:.5rem;background:#fff;color:#1f2328;border:1px solid #bbb}
</style></head><body><main>${bodyHtml}</main></body></html>`

const loginPage = (uid: string, clientId: string) =>
  providerPage(
    'Sign in',
    `<h1>Demo identity provider</h1>
<p>Signing in to <code>${escapeHtml(clientId)}</code>. Any username works; there is no password.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" required autofocus placeholder="e.g. alice">
<button type="submit">Sign in</button>
<button type="submit" class="secondary" formaction="/interaction/${escapeHtml(uid)}/abort" formnovalidate>Cancel</button>
</form>`
  )

/**
 * The RP-initiated logout page (`features.rpInitiatedLogout.logoutSource`). oidc-provider asks
 * "do you want to sign out?"; Authing's logout URL signs out and returns without asking, so this page
 * submits oidc-provider's own confirmation form at once, with `logout=yes` (end the whole provider
 * session, not only this client's part). Without JavaScript it shows the button.
 * @param form oidc-provider's form (`id="op.logoutForm"`, its action and the `xsrf` field).
 */
const logoutPage = (form: string) =>
  providerPage(
    'Signing out',
    `<h1>Signing out</h1>${form.replace(
      '</form>',
      '<input type="hidden" name="logout" value="yes"><noscript><p>Signing out of the demo identity provider.</p><button type="submit">Sign out</button></noscript></form>'
    )}`,
    "<script>document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() })</script>"
  )

/** The demo user's claims, derived from the username typed at the login form. */
function claimsFor(username: string): Record<string, unknown> {
  const email = username.includes('@') ? username : `${username}@example.com`
  return {
    sub: username,
    email,
    email_verified: true,
    preferred_username: username,
    name: username,
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/**
 * Starts the provider on 127.0.0.1.
 * @returns the issuer (`http://<host>:<port>`) and `close()`.
 * @throws when the port is taken.
 */
export async function startIdp(options: IdpOptions): Promise<RunningIdp> {
  const host = options.host ?? '127.0.0.1'
  for (const client of options.clients) {
    const uri = client.backchannel_logout_uri
    if (uri && !isLoopbackHost(new URL(uri).hostname)) {
      throw new Error(`backchannel_logout_uri must be on a loopback host, got ${uri}`)
    }
  }
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const issuer = `http://${host}:${port}`

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'demo', use: 'sig', alg: 'RS256' }

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...c,
    })),
    adapter: MemoryAdapter,
    // oidc-provider's own outgoing requests (here only back-channel logouts) refuse loopback and
    // private addresses (its SSRF guard, an undici `dispatcher`). The demo talks to loopback only:
    // this fetch sends to loopback hosts and refuses every other (and follows no redirect, which
    // could lead elsewhere).
    fetch: (url, options) => {
      if (!isLoopbackHost(new URL(url).hostname)) {
        return Promise.reject(new Error(`the demo provider talks to loopback only, not ${url}`))
      }
      const { dispatcher: _ssrfGuard, ...rest } = options as RequestInit & { dispatcher?: unknown }
      return globalThis.fetch(url, { ...rest, redirect: 'manual' })
    },
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => claimsFor(id) as { sub: string },
    }),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html'
          ctx.body = logoutPage(form)
        },
        // Shown only when a sign-out names no registered post_logout_redirect_uri.
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html'
          ctx.body = providerPage(
            'Signed out',
            '<h1>Signed out</h1><p>You are signed out of the demo identity provider.</p>'
          )
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html'
      ctx.body = providerPage(
        'Error',
        `<h1>Something went wrong</h1><p><code>${escapeHtml(String(out.error))}</code>: ${escapeHtml(
          String(out.error_description ?? '')
        )}</p>`
      )
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh returns a new refresh token; reusing an old one revokes the whole grant.
    rotateRefreshToken: true,
    pkce: { required: () => true },
    // Lifetimes in seconds, stated so the provider does not warn about its defaults.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 86400,
      Interaction: 3600,
      Session: 86400,
      Grant: 86400,
      ClientCredentials: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
  }
  const provider = new Provider(issuer, configuration)

  const recorded: RecordedIdpRequest[] = []
  const backchannel: RecordedBackchannelLogout[] = []
  if (options.recordRequests) {
    provider.on('backchannel.success', (_ctx, client) => {
      backchannel.push({ client_id: client.clientId, uri: client.backchannelLogoutUri!, ok: true })
    })
    provider.on('backchannel.error', (_ctx, err, client) => {
      backchannel.push({
        client_id: client.clientId,
        uri: client.backchannelLogoutUri!,
        ok: false,
        error: (err as Error).message,
      })
    })
    provider.use(async (ctx, next) => {
      await next()
      if (ctx.path.startsWith('/interaction')) return
      recorded.push({
        method: ctx.method,
        path: ctx.path,
        params: { ...(ctx.oidc?.params ?? {}) },
        authorization: ctx.get('authorization') || null,
        status: ctx.status,
      })
    })
  }

  const providerCallback = provider.callback()

  async function interaction(req: IncomingMessage, res: ServerResponse, url: URL) {
    const details = await provider.interactionDetails(req, res)
    if (req.method === 'POST' && url.pathname.endsWith('/abort')) {
      // The user refused: the client gets `error=access_denied` (RFC 6749 4.1.2.1).
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user refused' },
        { mergeWithLastSubmission: false }
      )
      return
    }
    if (req.method === 'POST' && url.pathname.endsWith('/login')) {
      const username = ((await readForm(req)).get('username') ?? '').trim()
      if (!username) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('username is required')
        return
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: username } },
        {
          mergeWithLastSubmission: false,
        }
      )
      return
    }
    if (details.prompt.name === 'login') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      })
      res.end(loginPage(details.uid, String(details.params.client_id)))
      return
    }
    // Consent: granted automatically for the demo client (a first-party application).
    const accountId = details.session?.accountId ?? ''
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) })
    if (!grant) throw new Error('grant not found')
    const missing = details.prompt.details as {
      missingOIDCScope?: string[]
      missingOIDCClaims?: string[]
      missingResourceScopes?: Record<string, string[]>
    }
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
    const grantId = await grant.save()
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      {
        mergeWithLastSubmission: true,
      }
    )
  }

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer)
    if (options.recordRequests && url.pathname === '/_test/requests') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded))
      return
    }
    if (options.recordRequests && url.pathname === '/_test/backchannel') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(backchannel))
      return
    }
    if (url.pathname.startsWith('/interaction/')) {
      interaction(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' })
        res.end(`interaction failed: ${(err as Error).message}`)
      })
      return
    }
    providerCallback(req, res)
  })

  return {
    issuer,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
