/**
 * @module
 * The sign-out pages: `GET /_auth/logout` (a button that POSTs, so that a link or an image on
 * another site cannot sign the user out) and `GET /_auth/signed-out`, where the browser ends.
 */
import type { Locale } from './locale'
import { messages } from './messages'
import { escapeHtml, loginHref, renderPage, signedInAsHtml } from './page'

/**
 * The sign-out page. `signedIn` is null without a session; its `account` is named when known
 * (escaped), and left out when the session store cannot say whose the session is.
 */
export function logoutPage(locale: Locale, signedIn: { account?: string } | null): string {
  const m = messages(locale)
  if (!signedIn) {
    return renderPage({
      locale,
      title: m.signOutTitle,
      paragraphs: [m.notSignedIn],
      actions: [{ label: m.signIn, href: loginHref('/'), primary: true }],
    })
  }
  return renderPage({
    locale,
    title: m.signOutTitle,
    paragraphs: [],
    html:
      (signedIn.account ? signedInAsHtml(locale, signedIn.account) : '') +
      `<p>${escapeHtml(m.signOutText)}</p>`,
    actions: [{ label: m.signOut, post: '/_auth/logout', primary: true }],
  })
}

/** "You are signed out", with a sign-in that comes back to the site's `/`. */
export function signedOutPage(locale: Locale): string {
  const m = messages(locale)
  return renderPage({
    locale,
    title: m.signedOutTitle,
    paragraphs: [m.signedOutText],
    actions: [{ label: m.signInAgain, href: loginHref('/'), primary: true }],
  })
}
