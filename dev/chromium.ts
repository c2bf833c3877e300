/**
 * @module
 * Debian's Chromium (`apt-get install -y chromium`) through playwright-core, for the browser tests
 * and the screenshots. No tool here downloads a browser of its own.
 */
import { chromium, type Browser } from 'playwright-core'

/** Where Debian installs it; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Headless, no sandbox (CI runs as root), and nothing that talks to Google in the background:
 * every connection the browser makes goes to the stack on loopback. Should a page still ask for
 * something elsewhere (a web font, say), it goes to a proxy that is not there: Chromium bypasses
 * the proxy for loopback only.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--proxy-server=http://127.0.0.1:9',
]

/** Launches Debian's Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for a network URL whose host is not loopback (data:, blob: and about: URLs are not). */
export function leavesLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(protocol)) return false
  return !LOOPBACK_HOSTS.has(hostname) && !hostname.endsWith('.localhost')
}
