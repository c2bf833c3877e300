/**
 * @module
 * A fake of Authing, for tests. In OAuth mode it answers at Authing's `/oauth/...` paths with
 * exactly the shapes of the examples of Authing's OAuth 2.0 SDK page (opaque 40-hex tokens, `expires_in`,
 * `scope: "user"`, the userinfo claims, introspection `active` true or false, revocation), and
 * checks on the wire how each client authenticated. Under `/oidc/...` it answers the same way and
 * adds an ID token signed with HS256 under the client secret (Authing's default). Its
 * authorization endpoint signs that page's example user in at once (no login page).
 *
 * Faults for tests: a client id `fault-<kind>-<endpoint>` makes that endpoint answer with the
 * fault, where kind is `oauth_error` (400 `invalid_request`), `server_error` (500), `html`,
 * `truncated` (cut JSON) or `hang` (never answers), and endpoint is `token`, `userinfo`,
 * `introspection` or `revocation`. Such clients use `client_secret_post` with `fault-secret`.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerFault, authenticatedClient, FAULT, hs256 } from './authing-fake-wire.ts'
import { AUTHING_EXAMPLE_USERINFO } from './authing-examples.ts'

type AuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none'

/** A client registered at the fake, with its auth method for every endpoint. */
export interface AuthingFakeClient {
  id: string
  secret?: string
  method: AuthMethod
}

/** One request as the fake saw it. Secrets included: test use only. */
export interface AuthingFakeRequest {
  method: string
  path: string
  contentType: string | null
  authorization: string | null
  /** Query parameters for GET, form parameters for POST. */
  params: Record<string, string>
}

/** A running fake: its app host (`http://127.0.0.1:<port>`) and `close()`. */
export interface RunningAuthingFake {
  appHost: string
  close(): Promise<void>
}

const hex40 = () => randomBytes(20).toString('hex')

interface Grant {
  clientId: string
  scope: string
  /** `oauth` or `oidc`: the path prefix the grant started under. */
  protocol: string
  nonce?: string
}

/**
 * Starts the fake on 127.0.0.1.
 * @param clients the registered clients (fault clients need not be listed).
 */
export async function startAuthingFake(
  clients: AuthingFakeClient[],
  port = 0
): Promise<RunningAuthingFake> {
  const registered = new Map(clients.map((c) => [c.id, c]))
  const codes = new Map<string, Grant & { redirectUri: string; challenge: string | undefined }>()
  const accessTokens = new Map<string, Grant & { exp: number; iat: number; jti: string }>()
  const refreshTokens = new Map<string, Grant>()
  const log: AuthingFakeRequest[] = []
  const hanging = new Set<ServerResponse>()

  const clientFor = (id: string | undefined): AuthingFakeClient | undefined => {
    if (!id) return undefined
    if (FAULT.test(id)) return { id, secret: 'fault-secret', method: 'client_secret_post' }
    return registered.get(id)
  }

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(body))

  /** Applies a fault for `endpoint` when `clientId` asks for one; true when it answered. */
  const fault = (res: ServerResponse, clientId: string | undefined, endpoint: string): boolean =>
    answerFault(res, clientId, endpoint, hanging)

  /** The authenticated client, or undefined after answering 401 `invalid_client`. */
  const authenticate = (
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, string>
  ): AuthingFakeClient | undefined => {
    const client = authenticatedClient(req.headers.authorization, params, clientFor)
    if (!client) {
      json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' })
    }
    return client
  }

  const tokenResponse = (grant: Grant, appHost: string) => {
    const now = Math.floor(Date.now() / 1000)
    const access = hex40()
    const refresh = hex40()
    accessTokens.set(access, { ...grant, iat: now, exp: now + 1209599, jti: hex40().slice(0, 21) })
    refreshTokens.set(refresh, { ...grant, nonce: undefined })
    const idToken =
      grant.protocol === 'oidc'
        ? hs256(
            {
              iss: `${appHost}/oidc`,
              sub: AUTHING_EXAMPLE_USERINFO.sub,
              aud: grant.clientId,
              iat: now,
              exp: now + 3600,
              ...(grant.nonce !== undefined && { nonce: grant.nonce }),
            },
            clientFor(grant.clientId)?.secret ?? 'public-client'
          )
        : undefined
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: 1209599,
      refresh_token: refresh,
      scope: grant.scope,
      ...(idToken && { id_token: idToken }),
    }
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid')
    let body = ''
    for await (const chunk of req) body += chunk
    const params: Record<string, string> = Object.fromEntries(
      req.method === 'POST' ? new URLSearchParams(body) : url.searchParams
    )
    if (url.pathname === '/_test/requests') return json(res, 200, log)
    log.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      contentType: req.headers['content-type'] ?? null,
      authorization: req.headers.authorization ?? null,
      params,
    })
    const appHost = `http://${req.headers.host}`
    // Both protocols share one set of handlers: `/oauth/token` and `/oidc/token` alike.
    const prefixed = /^\/(oauth|oidc)(\/.*)$/.exec(url.pathname)
    const protocol = prefixed?.[1] ?? ''
    const route = prefixed ? `/oauth${prefixed[2]}` : url.pathname
    const postsForm =
      req.method === 'POST' &&
      (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')

    switch (`${req.method} ${route}`) {
      case 'GET /oauth/auth': {
        const client = clientFor(params.client_id)
        if (!client || !params.redirect_uri || params.response_type !== 'code') {
          return json(res, 400, { error: 'invalid_request' })
        }
        const code = hex40()
        codes.set(code, {
          clientId: client.id,
          scope: params.scope ?? 'user',
          protocol,
          ...(params.nonce !== undefined && { nonce: params.nonce }),
          redirectUri: params.redirect_uri,
          challenge: params.code_challenge,
        })
        if (params.response_mode === 'form_post') {
          const field = (n: string, v: string) => `<input type="hidden" name="${n}" value="${v}">`
          res.writeHead(200, { 'content-type': 'text/html' })
          return res.end(
            `<form method="post" action="${params.redirect_uri}">` +
              field('code', code) +
              (params.state ? field('state', params.state) : '') +
              `</form><script>document.forms[0].submit()</script>`
          )
        }
        const target = new URL(params.redirect_uri)
        target.searchParams.set('code', code)
        if (params.state) target.searchParams.set('state', params.state)
        return res.writeHead(302, { location: target.href }).end()
      }
      case 'POST /oauth/token': {
        if (!postsForm) return json(res, 400, { error: 'invalid_request' })
        const client = authenticate(req, res, params)
        if (!client || fault(res, client.id, 'token')) return
        if (params.grant_type === 'authorization_code') {
          const grant = codes.get(params.code ?? '')
          codes.delete(params.code ?? '')
          const verifierOk =
            grant?.challenge === undefined ||
            (params.code_verifier !== undefined &&
              createHash('sha256').update(params.code_verifier).digest('base64url') ===
                grant.challenge)
          if (
            !grant ||
            grant.clientId !== client.id ||
            grant.redirectUri !== params.redirect_uri ||
            !verifierOk
          ) {
            return json(res, 400, { error: 'invalid_grant', error_description: 'bad code' })
          }
          return json(res, 200, tokenResponse(grant, appHost))
        }
        if (params.grant_type === 'refresh_token') {
          const grant = refreshTokens.get(params.refresh_token ?? '')
          refreshTokens.delete(params.refresh_token ?? '')
          if (!grant || grant.clientId !== client.id) {
            return json(res, 400, {
              error: 'invalid_grant',
              error_description: 'bad refresh token',
            })
          }
          return json(res, 200, tokenResponse(grant, appHost))
        }
        return json(res, 400, { error: 'unsupported_grant_type' })
      }
      case 'GET /oauth/me': {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
        const grant = accessTokens.get(token)
        if (grant && fault(res, grant.clientId, 'userinfo')) return
        if (!grant) {
          return json(
            res,
            401,
            { error: 'invalid_token' },
            {
              'www-authenticate': 'Bearer error="invalid_token"',
            }
          )
        }
        return json(res, 200, AUTHING_EXAMPLE_USERINFO)
      }
      case 'POST /oauth/token/introspection': {
        if (!postsForm) return json(res, 400, { error: 'invalid_request' })
        const client = authenticate(req, res, params)
        if (!client || fault(res, client.id, 'introspection')) return
        const access = accessTokens.get(params.token ?? '')
        if (!access) return json(res, 200, { active: false })
        return json(res, 200, {
          active: true,
          sub: AUTHING_EXAMPLE_USERINFO.sub,
          client_id: access.clientId,
          exp: access.exp,
          iat: access.iat,
          iss: 'https://core.authing.cn/oauth',
          jti: access.jti,
          scope: access.scope,
          token_type: 'Bearer',
        })
      }
      case 'POST /oauth/token/revocation': {
        if (!postsForm) return json(res, 400, { error: 'invalid_request' })
        const client = authenticate(req, res, params)
        if (!client || fault(res, client.id, 'revocation')) return
        accessTokens.delete(params.token ?? '')
        refreshTokens.delete(params.token ?? '')
        return res.writeHead(200).end()
      }
      case 'GET /.well-known/oauth-authorization-server': {
        // RFC 8414 metadata (Authing's OAuth mode has no OpenID discovery document).
        const base = `http://${req.headers.host}`
        return json(res, 200, {
          issuer: base,
          authorization_endpoint: `${base}/oauth/auth`,
          token_endpoint: `${base}/oauth/token`,
          userinfo_endpoint: `${base}/oauth/me`,
          introspection_endpoint: `${base}/oauth/token/introspection`,
          revocation_endpoint: `${base}/oauth/token/revocation`,
        })
      }
      case 'GET /oauth/session/end':
        return res.writeHead(302, { location: params.post_logout_redirect_uri ?? '/' }).end()
      case 'GET /login/profile/logout':
        return res.writeHead(302, { location: params.redirect_uri ?? '/' }).end()
      default:
        return json(res, 404, { error: 'not_found' })
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    appHost: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
