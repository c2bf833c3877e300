/**
 * @module
 * The few HTML pages the proxy serves itself (errors, for now). Every dynamic value goes through
 * {@link escapeHtml}.
 */

/**
 * Headers for every response the proxy writes itself: no sniffing, no framing, no script, no
 * referrer (an error URL may carry a `code` or `state`).
 */
export const PAGE_SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
} as const

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** A complete page; `bodyHtml` must already be escaped. */
export function page(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1f2328;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;max-width:34rem;margin:1rem;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px #0002}
h1{font-size:1.3rem;margin:0 0 .5rem}ul{padding-left:1.2rem}code{background:#f0f0f0;padding:0 .25rem;border-radius:4px}
a.button{display:inline-block;margin-top:1rem;padding:.55rem 1.1rem;border-radius:6px;background:#2563eb;color:#fff;text-decoration:none}
.code{color:#6b7280;font-size:.85rem;margin-top:1.5rem}
</style></head><body><main>${bodyHtml}</main></body></html>`
}

/** What an error page shows. */
export interface ErrorPageOptions {
  title: string
  description: string
  /** Listed under the description (e.g. every bad setting). */
  details?: readonly string[]
  /** Where the "sign in again" link goes; no link when absent. */
  signInUrl?: string
  /** Offer a sign-out button (a form that POSTs to `/_auth/logout`). */
  signOut?: boolean
  code: string
}

/** The error page: title, description, optional details, optional "Sign in again" link. */
export function errorPage(options: ErrorPageOptions): string {
  const details = options.details?.length
    ? `<ul>${options.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`
    : ''
  const link = options.signInUrl
    ? `<a class="button" href="${escapeHtml(options.signInUrl)}">Sign in again</a>`
    : ''
  const signOut = options.signOut
    ? '<form method="post" action="/_auth/logout"><button class="button" type="submit">Sign out</button></form>'
    : ''
  return page(
    options.title,
    `<h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.description)}</p>${details}${link}${signOut}` +
      `<p class="code">Error code: <code>${escapeHtml(options.code)}</code></p>`
  )
}
