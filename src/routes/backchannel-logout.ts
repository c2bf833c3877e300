/**
 * @module
 * `POST /_auth/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0): the provider says a
 * user signed out. The `logout_token` is validated (oauth/logout-token.ts) and every session of
 * its `sid` (else of its `sub`) ends through its authority, so no isolate serves it after
 * `INTROSPECTION_CACHE_TTL_SECONDS`. Answers 200, or 400 with an error JSON (section 2.8);
 * `Cache-Control: no-store` always. Refused when the provider's discovery document does not say
 * `backchannel_logout_supported: true`.
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ProxyError } from '../errors'
import { keepAliveDepsOf } from '../helper/deps'
import { log } from '../log'
import { OAuthClientError } from '../oauth/errors'
import { sidIndexFor, userIndexFor } from '../session/authority'
import { endSession } from '../session/remembered'
import type { AppEnv } from '../types'

/** A logout token is a few hundred bytes; a form over this is not one. */
const MAX_BODY_BYTES = 16 * 1024

function refuse(c: Context<AppEnv>, description: string): Response {
  return c.json({ error: 'invalid_request', error_description: description }, 400, {
    'Cache-Control': 'no-store',
  })
}

/**
 * Middleware for the route: refuses a body over 16 KiB (400, as the handler does) without reading
 * it to the end (Hono's `bodyLimit`): anyone may POST here.
 */
export const backchannelBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => refuse(c as Context<AppEnv>, 'the form is too large'),
})

/**
 * The handler.
 * @throws {ProxyError} when the provider cannot be reached (through the app's error mapping), or
 * `session_store_unavailable` (503) when the sessions' authority cannot answer.
 */
export async function backchannelLogout(c: Context<AppEnv>): Promise<Response> {
  const [config, oauth] = [c.get('config'), c.get('oauth')]
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) return refuse(c, 'expected a form')
  // backchannelBodyLimit ran first: the body is at most MAX_BODY_BYTES.
  const logoutToken = new URLSearchParams(await c.req.text()).get('logout_token')
  if (!logoutToken) return refuse(c, 'logout_token is missing')
  let subject
  try {
    if (!(await oauth.backchannelLogoutSupported())) {
      return refuse(c, 'the provider does not announce back-channel logout')
    }
    subject = await oauth.validateLogoutToken(logoutToken)
  } catch (err) {
    if (!(err instanceof OAuthClientError) || err.kind === 'unavailable') throw err
    log('warn', 'auth.backchannel_logout.refused', { reason: err.errorDescription })
    return refuse(c, 'the logout token is not valid')
  }
  const index = subject.sid
    ? sidIndexFor(config.authority, subject.sid)
    : userIndexFor(config.authority, subject.sub!)
  const { ended, ids } = await index
    .then((found) => found.endAll('backchannel_logout'))
    .catch((err: unknown) => {
      // The provider is told to send it again (503, Retry-After): nothing was ended for sure.
      throw new ProxyError('session_store_unavailable', { cause: err })
    })
  // Ended in this isolate at once; every other isolate learns it within the TTL.
  const deps = keepAliveDepsOf(c)
  for (const id of ids) endSession(id, deps, 'backchannel_logout', true)
  log('info', 'auth.backchannel_logout', { ended, by: subject.sid ? 'sid' : 'sub' })
  return c.body(null, 200, { 'Cache-Control': 'no-store' })
}
