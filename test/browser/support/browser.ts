/**
 * @module
 * Debian's Chromium driven by playwright-core, for the browser tests. One browser per test file;
 * a new context (cookies, cache, storage) per test, so that no test sees another's sessions. When a
 * test fails, every page it opened leaves a screenshot and its HTML in `test-results/`.
 *
 * No test sets `Origin`, `Sec-Fetch-*` or a cookie by hand: what Chromium sends is what a user's
 * browser sends. A test fails if the browser asked for anything beyond loopback.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { launchChromium, leavesLoopback } from '../../../dev/chromium.ts'

/** How long a Playwright wait (a URL, a selector, a click) may take, in milliseconds. */
const ACTION_TIMEOUT_MS = 15_000

const RESULTS_DIR = join(import.meta.dirname, '..', '..', '..', 'test-results')

/** A test's browser: `newContext()` gives a fresh profile, closed (and kept on failure) after it. */
export interface TestBrowser {
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>
}

const fileSafe = (name: string) =>
  name
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)

/** Writes a screenshot and the HTML of every page of `context` to `test-results/`. */
async function keepArtifacts(context: BrowserContext, testName: string): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const pages = context.pages()
  for (const [i, page] of pages.entries()) {
    const base = join(RESULTS_DIR, `${fileSafe(testName)}${pages.length > 1 ? `-tab${i + 1}` : ''}`)
    // Each artifact on its own: a page stuck mid-navigation may refuse one and not the other.
    await page
      .screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000 })
      .catch((err: unknown) => console.error(`screenshot of ${page.url()} failed:`, err))
    await page
      .content()
      .then((html) => writeFile(`${base}.html`, `<!-- ${page.url()} -->\n${html}`))
      .catch((err: unknown) => console.error(`HTML of ${page.url()} failed:`, err))
  }
}

/**
 * Registers the hooks of a browser test file: Chromium is launched before the first test and closed
 * after the last; each test's contexts are closed after it, their pages kept on failure.
 */
export function useBrowser(): TestBrowser {
  let browser: Browser | undefined
  let contexts: BrowserContext[] = []
  let beyondLoopback: string[] = []

  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail'
    const closing = contexts
    contexts = []
    for (const context of closing) {
      if (failed) await keepArtifacts(context, `${task.file.name}-${task.name}`)
      await context.close()
    }
    const asked = beyondLoopback
    beyondLoopback = []
    expect(asked, 'requests the browser made beyond loopback').toEqual([])
  })
  afterAll(async () => {
    await browser?.close()
  })

  return {
    async newContext(options = {}) {
      if (!browser) throw new Error('useBrowser(): the browser is not launched yet')
      const context = await browser.newContext({ locale: 'en-US', ...options })
      context.setDefaultTimeout(ACTION_TIMEOUT_MS)
      context.on('request', (request) => {
        if (leavesLoopback(request.url())) beyondLoopback.push(request.url())
      })
      contexts.push(context)
      return context
    },
  }
}
