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
 * `form-action` on every redirect after a submission).
 */
export async function signOutFormHeaders(c: Context<AppEnv>): Promise<Record<string, string>> {
  let targets: string[] = []
  try {
    targets = [(await c.get('oauth').buildLogoutUrl()).origin]
  } catch {
    // No end-session endpoint, or discovery failed: the sign-out then ends on this site.
  }
  return pageHeaders({ formTargets: targets })
}
