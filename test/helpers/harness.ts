/**
 * Test harness (runs in workerd): the worker under test with an env pointing at the loopback
 * provider and echo origin, a cookie jar, and a driver that signs in through the real provider's
 * pages the way a browser would (following redirects by hand, submitting the login form).
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { inject } from 'vitest'
import type { Env } from '../../src/config'
import worker from '../../src/index'
import { SITE, TEST_CLIENTS } from '../support/clients'
import { countingKv } from '../support/counting-kv'
import { CookieJar, followLogin } from '../support/provider-login'
import { TEST_IDENTITY_KEY } from '../support/identity-keys'

export { CookieJar, countingKv, SITE }
export const COOKIE_SECRET = 'test-cookie-secret-0123456789abcdefghijkl'

/** The env for a proxy at {@link SITE} using the `client_secret_post` test client. */
export function testEnv(overrides: Partial<Record<keyof Env, unknown>> = {}): Env {
  return {
    ...(env as unknown as Env),
    ORIGIN_URL: inject('originUrl'),
    OAUTH_ISSUER: inject('issuer'),
    CLIENT_ID: TEST_CLIENTS.post.id,
    CLIENT_SECRET: TEST_CLIENTS.post.secret,
    REDIRECT_URI: `${SITE}/_auth/callback`,
    COOKIE_SECRET,
    IDENTITY_JWT_PRIVATE_KEY: TEST_IDENTITY_KEY,
    ...overrides,
  } as Env
}

/** Sends a request through the worker's `fetch` handler and waits for its background work. */
export async function send(request: Request | string, e: Env = testEnv()): Promise<Response> {
  const req = typeof request === 'string' ? new Request(new URL(request, SITE)) : request
  const ctx = createExecutionContext()
  const res = await worker.fetch(req, e, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

/** A browser navigation to `path` on the site. */
export function navigation(path: string, init: RequestInit = {}, site = SITE): Request {
  const headers = new Headers(init.headers)
  if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml')
  if (!headers.has('sec-fetch-mode')) headers.set('sec-fetch-mode', 'navigate')
  return new Request(new URL(path, site), { ...init, headers })
}

/**
 * Follows the provider's pages from an authorization URL until it redirects back to the site,
 * submitting the login form with `username`.
 * @returns the callback URL on the site.
 */
export async function loginAtProvider(authorizeUrl: string, username = 'alice'): Promise<URL> {
  const issuer = inject('issuer')
  const end = await followLogin(new URL(authorizeUrl), username, {
    stopBefore: (url) => !url.href.startsWith(issuer),
  })
  if (end.page) {
    const body = end.page.body.replace(/<style[\s\S]*<\/style>/, '').slice(0, 800)
    throw new Error(`unexpected provider page ${end.page.status} at ${end.url.pathname}: ${body}`)
  }
  return end.url
}

/** A sign-in started by a navigation: where the browser is sent, and its cookies so far. */
export interface StartedSignIn {
  response: Response
  authorizeUrl: URL
  jar: CookieJar
}

/** Starts a sign-in the way a browser would: a navigation to `path` without a session. */
export async function startSignIn(
  path = '/',
  e: Env = testEnv(),
  site = SITE,
  send_: (req: Request) => Promise<Response> = (req) => send(req, e)
): Promise<StartedSignIn> {
  const response = await send_(navigation(path, {}, site))
  const location = response.headers.get('location')
  if (response.status !== 302 || !location)
    throw new Error(`no redirect to sign in: ${response.status}`)
  const jar = new CookieJar()
  jar.store(response)
  return { response, authorizeUrl: new URL(location), jar }
}

/** The navigation back to the site's callback, with the browser's cookies. */
export function callbackRequest(callbackUrl: URL, jar: CookieJar): Request {
  return navigation(callbackUrl.href, { headers: { cookie: jar.header() } })
}

/** The result of {@link signIn}. */
export interface SignedIn {
  /** The callback's response (302 with the session cookie). */
  callback: Response
  /** `name=value` of the session cookie, for a `Cookie` header. */
  cookie: string
  /** The authorization code the provider issued (to find its token request in the log). */
  code: string
}

/**
 * Signs in through the real provider: navigation to `path`, the provider's login page, back to the
 * callback in the same browser. Asserts nothing; tests do.
 */
export async function signIn(
  path = '/',
  username = 'alice',
  e: Env = testEnv(),
  send_: (req: Request) => Promise<Response> = (req) => send(req, e)
): Promise<SignedIn> {
  const { authorizeUrl, jar } = await startSignIn(path, e, SITE, send_)
  const callbackUrl = await loginAtProvider(authorizeUrl.href, username)
  const callback = await send_(callbackRequest(callbackUrl, jar))
  const setCookie = callback.headers.getSetCookie().find((c) => /eap_session=/.test(c)) ?? ''
  return { callback, cookie: setCookie.split(';')[0]!, code: callbackUrl.searchParams.get('code')! }
}

/** What the provider was asked: its request log (method, path, OAuth params, Authorization). */
export async function providerRequests(): Promise<
  {
    method: string
    path: string
    params: Record<string, string>
    authorization: string | null
    status: number
  }[]
> {
  return (await fetch(`${inject('issuer')}/_test/requests`)).json()
}

/** Sends a request through an app built with `createApp(options)` (for injected faults). */
export async function sendTo(
  app: { fetch: (req: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response> },
  request: Request,
  e: Env = testEnv()
): Promise<Response> {
  const ctx = createExecutionContext()
  const res = await app.fetch(request, e, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

/** Number of `session:` records in the env's KV. */
export async function sessionCount(e: Env = testEnv()): Promise<number> {
  return (await e.SESSIONS.list({ prefix: 'session:' })).keys.length
}

/** A KV namespace whose every call fails, as KV does in an outage. */
export function brokenKv(): KVNamespace {
  const fail = async () => {
    throw new Error('KV is down')
  }
  return {
    get: fail,
    put: fail,
    delete: fail,
    list: fail,
    getWithMetadata: fail,
  } as unknown as KVNamespace
}
