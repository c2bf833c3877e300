/**
 * @module
 * The sign-out page for `GET /_auth/logout`: a button that POSTs, so that a link or an image on
 * another site cannot sign the user out.
 */
import { escapeHtml, page } from './page'

/** The page; `who` is shown when known (escaped). */
export function logoutPage(who: string | undefined): string {
  const line = who
    ? `<p>You are signed in as <strong>${escapeHtml(who)}</strong>.</p>`
    : '<p>You are not signed in.</p>'
  return page(
    'Sign out',
    `<h1>Sign out</h1>${line}<form method="post" action="/_auth/logout">` +
      `<button class="button" type="submit">Sign out</button></form>`
  )
}
