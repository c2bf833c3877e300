/**
 * Back-channel logout requests as a provider sends them (OpenID Connect Back-Channel Logout 1.0,
 * section 2.4): the claims of a valid `logout_token` from the test provider, and the form POST to
 * `/_auth/backchannel-logout`. Each test signs the claims as its case needs.
 */
import { inject } from 'vitest'
import { CLIENT } from './session-world'

/** The `events` member's key (section 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/** The test provider's issuer, from its discovery document. */
async function issuer(): Promise<string> {
  const res = await fetch(`${inject('issuer')}/.well-known/openid-configuration`)
  return ((await res.json()) as { issuer: string }).issuer
}

/** A valid logout token's claims for the test client, now, with `extra` over them. */
export async function logoutClaims(
  extra: Record<string, unknown> = {}
): Promise<Record<string, unknown>> {
  return {
    iss: await issuer(),
    aud: CLIENT.id,
    iat: Math.floor(Date.now() / 1000),
    jti: crypto.randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...extra,
  }
}

/** The provider's POST of `token` (a form with `logout_token`). */
export const backchannelPost = (token: string) =>
  new Request('https://proxy.test/_auth/backchannel-logout', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }),
  })
