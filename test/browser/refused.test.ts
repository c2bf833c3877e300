/**
 * A sign-in refused at the provider (its Cancel button, `error=access_denied`), in Chromium: the
 * proxy's "Sign-in refused" page, whose "Try again" starts a sign-in that works.
 */
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { cancelAtProvider, readOriginPage, signInAtProvider } from './support/pages.ts'
import { providerRequests, useStack } from './support/stack.ts'

const stack = useStack()
const browser = useBrowser()

describe('a sign-in refused at the provider', () => {
  it('shows "Sign-in refused", and "Try again" signs in and returns to the page first asked for', async () => {
    const page = await (await browser.newContext()).newPage()
    const wanted = `${stack().site}/reports/q3?view=full`
    await page.goto(wanted)
    await cancelAtProvider(page, stack())

    await page.waitForURL(
      (url) => url.origin === stack().site && url.pathname === '/_auth/callback'
    )
    await page.getByRole('heading', { name: 'Sign-in refused', level: 1 }).waitFor()
    expect(await page.title()).toContain('Sign-in refused')
    // Nothing reached the origin, and no code was exchanged.
    expect((await providerRequests(stack())).some((r) => r.path === '/token')).toBe(false)

    await page.getByRole('link', { name: 'Try again' }).click()
    await signInAtProvider(page, stack(), 'ivan')
    await page.waitForURL(wanted)
    const origin = await readOriginPage(page)
    expect(origin).toMatchObject({ path: '/reports/q3', query: { view: 'full' } })
    expect(origin.identity['x-auth-request-email']).toBe('ivan@example.com')
  })
})
