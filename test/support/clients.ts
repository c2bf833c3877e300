/**
 * The clients registered at the test provider, shared by the global setup (Node) and the tests
 * (workerd). The site the tests put the proxy on is `https://proxy.test`.
 */
export const SITE = 'https://proxy.test'
export const HTTP_SITE = 'http://localhost:8787'

export const TEST_CLIENTS = {
  post: {
    id: 'client-post',
    secret: 'post secret: with spaces + % & =',
    method: 'client_secret_post',
  },
  basic: { id: 'client-basic', secret: 'basic:secret+/=%', method: 'client_secret_basic' },
  none: { id: 'client-public', secret: undefined, method: 'none' },
  /** Used only by the session-lifetime tests, so their provider log is theirs alone. */
  session: { id: 'client-session', secret: 'session-secret', method: 'client_secret_post' },
} as const

export const REDIRECT_URIS = [`${SITE}/_auth/callback`, `${HTTP_SITE}/_auth/callback`]

/** Clients of the Authing-shaped fake (dev/authing-fake.ts); each uses one method on every endpoint. */
export const AUTHING_CLIENTS = {
  post: { id: 'authing-post', secret: 'p:+% sëcret/=', method: 'client_secret_post' },
  basic: { id: 'authing-basic', secret: 'b:+% sëcret/=', method: 'client_secret_basic' },
  none: { id: 'authing-none', secret: undefined, method: 'none' },
} as const
