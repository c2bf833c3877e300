/**
 * @module
 * Loopback hosts: the only ones where plain http is accepted (local runs under `wrangler dev`).
 */

/** True for `localhost`, `127.0.0.0/8` and `[::1]` (a URL's `hostname`): hosts only this machine reaches. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}
