/**
 * @module
 * The wire-level pieces of the Authing-shaped fake: client authentication as RFC 6749 2.3.1 puts
 * it on the wire, the faults tests ask for, and HS256 ID tokens.
 */
import { createHmac } from 'node:crypto'
import type { ServerResponse } from 'node:http'

/** A client id `fault-<kind>-<endpoint>` makes that endpoint answer with the fault. */
export const FAULT =
  /^fault-(oauth_error|server_error|html|truncated|hang)-(token|userinfo|introspection|revocation)$/

const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '))

/** A client as the fake knows it. */
export interface WireClient {
  id: string
  secret?: string
  method: 'client_secret_post' | 'client_secret_basic' | 'none'
}

/**
 * The client that authenticated, checked exactly as its method puts it on the wire: `basic` only
 * in the header (form-urlencoded id and secret) and never a secret in the body; `post` only in the
 * body; `none` a `client_id` and no secret anywhere.
 * @returns undefined when authentication fails.
 */
export function authenticatedClient<C extends WireClient>(
  authorization: string | undefined,
  params: Record<string, string>,
  clientFor: (id: string | undefined) => C | undefined
): C | undefined {
  let id = params.client_id
  let secret = params.client_secret
  let basic = false
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    id = formDecode(decoded.slice(0, colon))
    secret = formDecode(decoded.slice(colon + 1))
    basic = true
  }
  const client = clientFor(id)
  const ok =
    client !== undefined &&
    (client.method === 'client_secret_basic'
      ? basic && params.client_secret === undefined && secret === client.secret
      : client.method === 'client_secret_post'
        ? !basic && secret === client.secret
        : !basic && secret === undefined && params.client_id === client.id)
  return ok ? client : undefined
}

/**
 * Answers with the fault `clientId` asks for at `endpoint` (see {@link FAULT}); a `hang` is kept
 * in `hanging` and never answered.
 * @returns true when it answered (or hung).
 */
export function answerFault(
  res: ServerResponse,
  clientId: string | undefined,
  endpoint: string,
  hanging: Set<ServerResponse>
): boolean {
  const match = clientId ? FAULT.exec(clientId) : null
  if (!match || match[2] !== endpoint) return false
  switch (match[1]) {
    case 'oauth_error':
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_request', error_description: 'the fake refused it' }))
      break
    case 'server_error':
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error')
      break
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Login</body></html>')
      break
    case 'truncated':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"abc","tok')
      break
    default:
      hanging.add(res)
  }
  return true
}

/** An HS256 JWT (RFC 7519) of `claims` under `key`. */
export function hs256(claims: Record<string, unknown>, key: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}
