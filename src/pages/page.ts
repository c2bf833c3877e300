/**
 * @module
 * The one template of the pages the proxy serves itself: self-contained (inline CSS, no
 * external asset, no script), readable on a phone, accessible (`lang`, one heading, buttons with
 * visible focus, contrast of 4.5:1 or more). Every dynamic value goes through
 * {@link escapeHtml}.
 */
import { htmlLang, type Locale } from './locale'
import { messages } from './messages'

/** One next step offered by a page: a link, or a button that POSTs a form (`post`). */
export type PageAction =
  | { label: string; href: string; primary?: boolean }
  | { label: string; post: string; primary?: boolean }

/** What a page shows. Text fields are plain text (escaped here); `html` is escaped already. */
export interface PageOptions {
  locale: Locale
  title: string
  /** Paragraphs of plain text under the heading. */
  paragraphs: readonly string[]
  /** Extra markup after the paragraphs; every dynamic value in it already escaped. */
  html?: string
  actions?: readonly PageAction[]
  /** A stable code shown at the foot (`Error code: code`), for support requests. */
  code?: { label: string; value: string }
}

/** Options for {@link pageHeaders}. */
export interface PageHeaderOptions {
  /**
   * Origins a form on the page may end up at, besides the site itself: the CSP `form-action`
   * directive is checked on every redirect after a submission (Chromium), so the sign-out form
   * must list the provider's end-session origin.
   */
  formTargets?: readonly string[]
}

/**
 * Headers for every response the proxy writes itself: no sniffing, no framing, no script. Pages
 * without a form send no referrer (an error URL may carry a `code` or `state`); pages with a form
 * send `same-origin`, so the form's POST carries the page's real `Origin` (Fetch,
 * "serializing a request origin"; see utils/same-origin.ts).
 */
export function pageHeaders(options: PageHeaderOptions = {}): Record<string, string> {
  const targets = options.formTargets
  const formAction = ["'self'", ...(targets ?? [])].join(' ')
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action ${formAction}; base-uri 'none'`,
    'Referrer-Policy': targets ? 'same-origin' : 'no-referrer',
  }
}

/** {@link pageHeaders} for a page without a form (and for the proxy's JSON answers). */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze(pageHeaders())

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** `/_auth/login` returning to `returnTo`; `prompt=login` makes the provider ask again. */
export function loginHref(returnTo: string, prompt?: 'login'): string {
  return `/_auth/login?rd=${encodeURIComponent(returnTo)}${prompt ? `&prompt=${prompt}` : ''}`
}

/** Bidirectional formatting characters: they could make a shown name read as another. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * "You are signed in as **account**." in `locale`, as escaped markup; bidirectional controls in
 * the account show as U+FFFD, so that `\u202eelpmaxe.proc@nimda` cannot pass for another name.
 */
export function signedInAsHtml(locale: Locale, account: string): string {
  const [before, after] = messages(locale).signedInAs
  const shown = escapeHtml(account.replace(BIDI_CONTROLS, '\ufffd'))
  return `<p>${escapeHtml(before)}<strong>${shown}</strong>${escapeHtml(after)}</p>`
}

const STYLE = `
*{box-sizing:border-box}
body{font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f4f5f7;color:#1f2328;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;width:min(34rem,calc(100% - 2rem));margin:1rem;padding:2rem clamp(1.25rem,5vw,2.5rem);border-radius:12px;box-shadow:0 2px 12px #0002}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 .75rem}
p{margin:.5rem 0}ul{padding-left:1.2rem}
code{background:#f0f1f3;padding:0 .25rem;border-radius:4px;word-break:break-all}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
.actions form{margin:0}
.button{display:inline-block;min-height:44px;padding:.55rem 1.2rem;border:2px solid #1d4ed8;border-radius:8px;background:#fff;color:#1d4ed8;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button.primary{background:#1d4ed8;color:#fff}
.button:hover{background:#eff4ff}.button.primary:hover{background:#1e40af;border-color:#1e40af}
.button:focus-visible{outline:3px solid #1d4ed8;outline-offset:3px}
.code{color:#57606a;font-size:.875rem;margin-top:1.75rem}
`.trim()

function actionHtml(action: PageAction): string {
  const className = action.primary ? 'button primary' : 'button'
  const label = escapeHtml(action.label)
  if ('href' in action)
    return `<a class="${className}" href="${escapeHtml(action.href)}">${label}</a>`
  return (
    `<form method="post" action="${escapeHtml(action.post)}">` +
    `<button class="${className}" type="submit">${label}</button></form>`
  )
}

/** A complete page. */
export function renderPage(options: PageOptions): string {
  const paragraphs = options.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')
  const actions = options.actions?.length
    ? `<div class="actions">${options.actions.map(actionHtml).join('')}</div>`
    : ''
  const code = options.code
    ? `<p class="code">${escapeHtml(options.code.label)} <code>${escapeHtml(options.code.value)}</code></p>`
    : ''
  return `<!doctype html>
<html lang="${htmlLang(options.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(options.title)}</h1>${paragraphs}${options.html ?? ''}${actions}${code}</main></body></html>`
}
