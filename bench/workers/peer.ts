/**
 * The closest existing peer in this runtime: Hono's own `@hono/oidc-auth` middleware in front of
 * the same origin, passing the user on as `X-Auth-Request-User`.
 */
import { getAuth, oidcAuthMiddleware, processOAuthCallback } from '@hono/oidc-auth'
import { Hono } from 'hono'

const app = new Hono<{ Bindings: { ORIGIN_URL: string } }>()
app.get('/callback', (c) => processOAuthCallback(c))
app.use('*', oidcAuthMiddleware())
app.all('*', async (c) => {
  const auth = await getAuth(c)
  const url = new URL(c.req.url)
  const headers = new Headers(c.req.raw.headers)
  headers.set('X-Auth-Request-User', String(auth?.sub ?? ''))
  const upstream = await fetch(`${c.env.ORIGIN_URL}${url.pathname}${url.search}`, {
    method: c.req.method,
    headers,
    body: c.req.raw.body,
    redirect: 'manual',
  })
  // The middleware may set a refreshed session cookie on the way out: headers must be mutable.
  return new Response(upstream.body, upstream)
})

export default app
