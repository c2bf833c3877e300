/**
 * @module
 * The error pages: what happened in plain words, and the one useful next step for each code.
 */
import type { ErrorCode } from '../errors'
import { problemText } from './config-problems'
import type { Locale } from './locale'
import { messages } from './messages'
import { escapeHtml, loginHref, renderPage, signedInAsHtml, type PageAction } from './page'

/** What to offer when the error itself asks for no sign-in. */
type NextStep = 'retry' | 'home' | 'sign_out_page' | 'other_account' | 'none'

const NEXT_STEP: Record<ErrorCode, NextStep> = {
  config_invalid: 'none',
  internal_error: 'retry',
  invalid_request: 'home',
  not_found: 'home',
  unauthenticated: 'retry',
  login_state_invalid: 'home',
  login_failed: 'home',
  access_denied: 'home',
  cross_site_request: 'sign_out_page',
  forbidden: 'other_account',
  idp_error: 'retry',
  idp_unavailable: 'retry',
  rate_limited: 'retry',
  session_store_unavailable: 'retry',
  origin_unavailable: 'retry',
  origin_timeout: 'retry',
}

/** Codes whose sign-in link is a "try again" rather than a "sign in again". */
const TRY_AGAIN: ReadonlySet<ErrorCode> = new Set([
  'access_denied',
  'idp_error',
  'idp_unavailable',
  'session_store_unavailable',
])

/** What an error page needs to know. */
export interface ErrorPageInput {
  locale: Locale
  code: ErrorCode
  /** The English text of this error (it may say more than the code's default). */
  description: string
  /** Listed under the text (every bad setting). */
  details?: readonly string[]
  /** Offer a sign-in that comes back to `returnTo`. */
  signIn: boolean
  /** Same-origin path and query: where a sign-in returns, or what "try again" reloads. */
  returnTo: string
  /** The signed-in account, shown by name (forbidden page). */
  account?: string
  /** The rule that refused (forbidden page): its name, or its place. */
  rule?: string
}

function actionsFor(input: ErrorPageInput): PageAction[] {
  const m = messages(input.locale)
  if (input.signIn) {
    // Refused at the provider, or the provider or KV down: the same sign-in may well work now.
    const label =
      input.code === 'unauthenticated'
        ? m.signIn
        : TRY_AGAIN.has(input.code)
          ? m.tryAgain
          : m.signInAgain
    return [{ label, href: loginHref(input.returnTo), primary: true }]
  }
  switch (NEXT_STEP[input.code]) {
    case 'retry':
      return [{ label: m.tryAgain, href: input.returnTo, primary: true }]
    case 'home':
      return [{ label: m.home, href: '/', primary: true }]
    case 'sign_out_page':
      return [{ label: m.signOutPage, href: '/_auth/logout', primary: true }]
    case 'other_account':
      return [
        { label: m.useAnotherAccount, href: loginHref(input.returnTo, 'login'), primary: true },
        { label: m.signOut, post: '/_auth/logout' },
      ]
    case 'none':
      return []
  }
}

/** The whole error page for `input`. */
export function errorPage(input: ErrorPageInput): string {
  const m = messages(input.locale)
  const [title, localText] = m.errors[input.code]
  const account = input.account ? signedInAsHtml(input.locale, input.account) : ''
  const details = input.details?.length
    ? `<p>${escapeHtml(m.settingsToFix)}</p><ul>${input.details.map((d) => `<li>${escapeHtml(problemText(input.locale, d))}</li>`).join('')}</ul>`
    : ''
  const rule = input.rule
    ? `<p>${escapeHtml(m.refusedByRule)} <code>${escapeHtml(input.rule)}</code></p>`
    : ''
  return renderPage({
    locale: input.locale,
    title,
    paragraphs: [input.locale === 'en' ? input.description : localText],
    html: rule + account + details,
    actions: actionsFor(input),
    code: { label: m.errorCode, value: input.code },
  })
}
