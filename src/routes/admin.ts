/**
 * @module
 * `POST /_auth/admin/sessions/end`: an operator ends every session of one user (form or JSON
 * field `sub`), everywhere within `INTROSPECTION_CACHE_TTL_SECONDS`, and their tokens are revoked
 * in the background. Authenticated with `Authorization: Bearer <ADMIN_TOKEN>`, compared in
 * constant time; without `ADMIN_TOKEN` set, the endpoint does not exist (404).
 */
import type { Context } from 'hono'
import { backgroundOf } from '../helper/background'
import { keepAliveDepsOf } from '../helper/deps'
import { ProxyError } from '../errors'
import { log } from '../log'
import { userIndexFor } from '../session/authority'
import { endSession } from '../session/remembered'
import type { AppEnv } from '../types'
import { sha256Hex } from '../utils/crypto'

/** True when `given` equals `expected`, in time that does not depend on where they differ. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder()
  const [a, b] = await Promise.all([sha256Hex(given), sha256Hex(expected)])
  return crypto.subtle.timingSafeEqual(encoder.encode(a), encoder.encode(b))
}

/**
 * The handler: 200 `{ "ended": n }`; 401 without the right token; 400 without `sub`.
 * @throws {ProxyError} `not_found` when `ADMIN_TOKEN` is not set.
 */
export async function endUserSessions(c: Context<AppEnv>): Promise<Response> {
  const [config, oauth] = [c.get('config'), c.get('oauth')]
  if (!config.adminToken) throw new ProxyError('not_found')
  const noStore = { 'Cache-Control': 'no-store' }
  const auth = c.req.header('authorization') ?? ''
  const given = auth.startsWith('Bearer ') ? auth.slice(7) : ''
  if (!given || !(await sameSecret(given, config.adminToken))) {
    return c.json({ error: 'invalid_token' }, 401, { ...noStore, 'WWW-Authenticate': 'Bearer' })
  }
  const type = c.req.header('content-type') ?? ''
  const text = await c.req.text()
  let sub: unknown
  try {
    sub = type.startsWith('application/json')
      ? (JSON.parse(text) as { sub?: unknown }).sub
      : new URLSearchParams(text).get('sub')
  } catch {
    sub = undefined // not JSON: answered as a missing `sub`
  }
  if (typeof sub !== 'string' || !sub) {
    return c.json({ error: 'invalid_request', error_description: 'sub is missing' }, 400, noStore)
  }
  const { ended, ids, tokens } = await userIndexFor(config.authority, sub)
    .then((index) => index.endAll('operator'))
    .catch((err: unknown) => {
      // Nothing was ended for sure: the operator is told to try again (503, Retry-After).
      throw new ProxyError('session_store_unavailable', { cause: err })
    })
  // Ended in this isolate at once; every other isolate learns it within the TTL.
  const deps = keepAliveDepsOf(c)
  for (const id of ids) endSession(id, deps, 'operator', true)
  const background = backgroundOf(c)
  for (const t of tokens) {
    // Best effort (RFC 7009): the sessions have ended whatever the provider answers.
    if (t.refreshToken) background(oauth.revokeToken(t.refreshToken, 'refresh_token'))
    background(oauth.revokeToken(t.accessToken, 'access_token'))
  }
  log('info', 'auth.admin.sessions_ended', { ended })
  return c.json({ ended }, 200, noStore)
}
