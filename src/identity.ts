/**
 * @module
 * Who a request is from, as the proxy forwards it: the claims kept from the ID token and userinfo
 * (session/claims.ts picks and checks them), or from a Bearer token's introspection answer. Its
 * own module so that access rules (access/) and identity headers (proxy/) need nothing of the
 * session store.
 */

/** The identity the proxy forwards, from the ID token and userinfo (OpenID Connect Core 5.1). */
export interface SessionClaims {
  sub: string
  email?: string
  email_verified?: boolean
  preferred_username?: string
  name?: string
  /** From the `GROUPS_CLAIM` claim (an array of strings), when the provider sends it. */
  groups?: string[]
  /** The `CLAIM_HEADERS` claims by name, each as its header value (session/claims.ts). */
  extra?: Record<string, string>
  /** The claims `ROUTES` rules name (access/routes.ts), each as its clean string values. */
  ruleClaims?: Record<string, string[]>
}
