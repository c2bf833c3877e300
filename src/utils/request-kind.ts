/**
 * @module
 * Is this request a browser navigation (which may be redirected to sign in) or anything else (an
 * API call, XHR, form POST: which gets a 401 and is never redirected)?
 */

/**
 * True for a GET or HEAD that a browser makes to show a page: `Sec-Fetch-Mode: navigate`
 * (Fetch Metadata), or an `Accept` header that includes `text/html`.
 */
export function isNavigation(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  if (isWebSocketUpgrade(request)) return false
  return wantsHtml(request)
}

/**
 * True when a browser shows the answer as a page, whatever the method (a form POST too):
 * `Sec-Fetch-Mode: navigate`, or an `Accept` header that includes `text/html`. Error answers to
 * such requests are pages; to anything else, JSON.
 */
export function wantsHtml(request: Request): boolean {
  // No WebSocket client shows a page or follows a redirect, whatever its `Accept` says.
  if (isWebSocketUpgrade(request)) return false
  if (request.headers.get('sec-fetch-mode') === 'navigate') return true
  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/html')
}

/** True for a WebSocket handshake (RFC 6455 4.1): `Upgrade: websocket`, in any case. */
export function isWebSocketUpgrade(request: Request): boolean {
  return (request.headers.get('upgrade') ?? '').trim().toLowerCase() === 'websocket'
}
