/**
 * @module
 * Headers for the pages that carry the sign-out form (the sign-out page, the forbidden page).
 */
import type { Context } from 'hono'
import { pageHeaders } from '../pages/page'
import type { AppEnv } from '../types'

/**
 * Headers for a page that carries the sign-out form: its CSP `form-action` must also allow the
 * provider's end-session origin, where the POST's answer redirects (Chromium checks
 * `form-action` on every redirect after a submission). The origins the configuration names
 * (explicit end-session endpoint, issuer, Authing app host) are always listed, so a page drawn
 * while discovery failed still lets the sign-out reach the provider once it is back; the
 * discovered end-session origin is added when discovery answers.
 */
export async function signOutFormHeaders(c: Context<AppEnv>): Promise<Record<string, string>> {
  const { client } = c.get('config')
  const configured = [client.endpoints?.end_session, client.issuer, client.appHost]
  const targets = new Set(configured.flatMap((url) => (url ? [url.origin] : [])))
  try {
    targets.add((await c.get('oauth').buildLogoutUrl()).origin)
  } catch {
    // No end-session endpoint, or discovery failed: the configured origins stand.
  }
  return pageHeaders({ formTargets: [...targets] })
}
