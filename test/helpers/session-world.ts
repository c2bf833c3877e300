/**
 * Session-lifetime test worlds (run in workerd): an app with its own caches and a clock the test
 * moves, signed in through the real provider with a client used by these tests alone.
 */
import { env } from 'cloudflare:test'
import { inject } from 'vitest'
import { createApp } from '../../src/app'
import type { Env } from '../../src/config'
import { createOAuthClient } from '../../src/oauth/client'
import type { SessionRecord } from '../../src/session/session-store'
import { providerRequests, sendTo, signIn, SITE, testEnv } from './harness'
import { TEST_CLIENTS } from '../support/clients'

export const CLIENT = TEST_CLIENTS.session

/** An app with its own caches and a clock the test moves. */
/** Refresh tests jump an hour at once: a day of idle time keeps the idle rule out of their way. */
export const LONG_IDLE = { SESSION_IDLE_SECONDS: '86400' }

export function world(overrides: Record<string, unknown> = {}, fetchImpl?: typeof fetch) {
  const clock = { ms: Date.now() }
  const app = createApp({ now: () => clock.ms, ...(fetchImpl && { fetch: fetchImpl }) })
  const e = testEnv({ CLIENT_ID: CLIENT.id, CLIENT_SECRET: CLIENT.secret, ...overrides })
  const send = (req: Request, envOverride: Env = e) => sendTo(app, req, envOverride)
  return {
    app,
    e,
    clock,
    send,
    advance(seconds: number) {
      clock.ms += seconds * 1000
    },
    async signIn(username = 'sam') {
      return signIn('/', username, e, (req) => send(req))
    },
  }
}

export const api = (cookie: string, path = '/api', headers: Record<string, string> = {}) =>
  new Request(`${SITE}${path}`, { headers: { accept: 'application/json', cookie, ...headers } })

export async function record(cookie: string): Promise<SessionRecord | null> {
  const id = cookie.split('=')[1]!.split('.')[0]!
  return (env as unknown as Env).SESSIONS.get<SessionRecord>(`session:${id}`, 'json')
}

/** Provider requests of the session test client, optionally only those with a parameter value. */
export async function calls(path: string, param?: [string, string]) {
  return (await providerRequests()).filter(
    (r) =>
      r.path === path &&
      (r.params.client_id === CLIENT.id || r.authorization !== null) &&
      (!param || r.params[param[0]] === param[1])
  )
}

export const sessionClient = () =>
  createOAuthClient({
    protocol: 'oidc',
    issuer: new URL(inject('issuer')),
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    redirectUri: `${SITE}/_auth/callback`,
  })
