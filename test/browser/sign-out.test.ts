/**
 * Signing out in Chromium, with a real click on the button of `/_auth/logout`: the proxy session
 * and the provider's end, the browser lands on "You are signed out", the back button shows nothing
 * protected, and the next visit asks to sign in again.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { RunningStack } from '../../dev/stack.ts'
import { useBrowser } from './support/browser.ts'
import {
  isOriginPage,
  readOriginPage,
  signInAtProvider,
  waitForProviderLogin,
} from './support/pages.ts'
import { providerRequests, useStack } from './support/stack.ts'

const stack = useStack()
const browser = useBrowser()

/** True when the page shows the origin's answer to a signed-in request. */
async function showsProtectedPage(page: Page): Promise<boolean> {
  if (!(await isOriginPage(page))) return false
  return Object.keys((await readOriginPage(page)).identity).length > 0
}

const isSignedOutPage = (site: string) => (url: URL) =>
  url.origin === site && url.pathname === '/_auth/signed-out'

async function signIn(page: Page, s: RunningStack, path: string, username: string) {
  await page.goto(`${s.site}${path}`)
  await signInAtProvider(page, s, username)
  await page.waitForURL(`${s.site}${path}`)
  expect((await readOriginPage(page)).identity['x-auth-request-user']).toBe(username)
}

describe('signing out in a browser', () => {
  it('signs out with the button of the sign-out page and lands on "You are signed out"', async () => {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, stack(), '/private/report?x=1', 'dora')

    await page.goto(`${stack().site}/_auth/logout`)
    await page.getByRole('heading', { name: 'Sign out', level: 1 }).waitFor()
    expect(await page.getByText('dora@example.com').count()).toBeGreaterThan(0)
    const before = (await providerRequests(stack())).length
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(isSignedOutPage(stack().site))

    await page.getByRole('heading', { name: 'You are signed out', level: 1 }).waitFor()
    expect(await page.getByRole('link', { name: 'Sign in again' }).count()).toBe(1)
    // The provider was asked to end its session (RP-initiated logout), and confirmed it.
    const asked = (await providerRequests(stack())).slice(before).map((r) => r.path)
    expect(asked).toContain('/session/end')
    expect(asked).toContain('/session/end/confirm')
  })

  it('shows nothing protected on the back button after signing out', async () => {
    const page = await (await browser.newContext()).newPage()
    const protectedUrl = `${stack().site}/private/back?x=1`
    await signIn(page, stack(), '/private/back?x=1', 'erin')
    await page.goto(`${stack().site}/_auth/logout`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(isSignedOutPage(stack().site))

    // Back, step by step, to the protected page of before (the sign-out page is on the way, and
    // perhaps the provider's): none of them may show what only a signed-in user saw.
    let reached = false
    for (let step = 0; step < 5 && !reached; step++) {
      const from = page.url()
      await page.goBack({ waitUntil: 'load' })
      if (page.url() === from) break
      expect(await showsProtectedPage(page)).toBe(false)
      const url = page.url()
      reached = url === protectedUrl || url.startsWith(`${stack().issuer}/interaction/`)
    }
    expect(reached).toBe(true)
    expect(await showsProtectedPage(page)).toBe(false)
  })

  it('asks the next visit to sign in again, at the provider too', async () => {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, stack(), '/private/next', 'frank')
    await page.goto(`${stack().site}/_auth/logout`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(isSignedOutPage(stack().site))

    // The provider's session ended too: it shows its login form instead of signing frank in again.
    await page.goto(`${stack().site}/private/next`)
    await waitForProviderLogin(page, stack())
    await signInAtProvider(page, stack(), 'grace')
    await page.waitForURL(`${stack().site}/private/next`)
    expect((await readOriginPage(page)).identity['x-auth-request-user']).toBe('grace')
  })

  it('starts a new sign-in from "Sign in again"', async () => {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, stack(), '/private/again', 'heidi')
    await page.goto(`${stack().site}/_auth/logout`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(isSignedOutPage(stack().site))

    await page.getByRole('link', { name: 'Sign in again' }).click()
    await signInAtProvider(page, stack(), 'heidi')
    await page.waitForURL((url) => url.origin === stack().site && isOriginPageUrl(url))
    expect((await readOriginPage(page)).identity['x-auth-request-user']).toBe('heidi')
  })
})

/** Anything but the proxy's own pages is the origin's. */
const isOriginPageUrl = (url: URL) => !url.pathname.startsWith('/_auth/')
