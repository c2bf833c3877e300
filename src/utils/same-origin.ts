/**
 * @module
 * Is a state-changing request (a form POST) from a page of this very origin? The rule follows
 * the Fetch standard and is checked in Chromium (test/browser):
 *
 * 1. `Sec-Fetch-Site` (Fetch Metadata Request Headers, section 2.1) is set by the browser on every
 *    request to a potentially trustworthy URL (https, and http://localhost) and cannot be set by a
 *    page (a forbidden request-header name). When present it decides alone: only `same-origin`
 *    passes. `same-site` (a sibling subdomain) and `cross-site` are refused; `none` (typed in the
 *    address bar, a bookmark) never comes with a form POST a user meant.
 * 2. Without it (a browser older than Fetch Metadata), `Origin` decides, and must be exactly ours.
 *    `Origin: null` is refused: Fetch's "serializing a request origin" gives `null` for a page
 *    under `Referrer-Policy: no-referrer`, but also for a sandboxed frame or an opaque origin on
 *    another site, and the two cannot be told apart. The proxy's pages that carry a form
 *    therefore send `Referrer-Policy: same-origin` (pages/page.ts), under which a same-origin
 *    POST carries the real `Origin`; Chromium, which does send `Sec-Fetch-Site`, sends
 *    `Origin: null` under `no-referrer`, and rule 1 lets it through.
 * 3. With neither, a `Referer` from another origin still gives a cross-site form away (browsers
 *    from before `Origin` was sent on every POST, such as Firefox before 70, send it unless told
 *    not to). With none of the three the request does not come from a browser page (curl, a
 *    server): it is let through, as it carries no ambient credentials a page could have borrowed.
 */

/**
 * True when `request` may change state on behalf of the cookie it carries: it comes from a page
 * of `siteOrigin` (rules in the module doc), or from no browser page at all.
 * @param siteOrigin the proxy's own origin, e.g. `https://app.example.com`.
 */
export function isSameOriginRequest(request: Request, siteOrigin: string): boolean {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null) return site === 'same-origin'
  const origin = request.headers.get('origin')
  if (origin !== null) return origin === siteOrigin
  const referer = request.headers.get('referer')
  if (referer === null) return true
  try {
    return new URL(referer).origin === siteOrigin
  } catch {
    return false
  }
}
