/**
 * A user outside `ALLOWED_EMAIL_DOMAINS`, in Chromium: the forbidden page names the account, its
 * "Sign out" works, and "Use another account" makes the provider ask again so that a second user
 * gets in.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { readOriginPage, signInAtProvider, waitForProviderLogin } from './support/pages.ts'
import { providerRequests, useStack } from './support/stack.ts'

const stack = useStack({ vars: { ALLOWED_EMAIL_DOMAINS: 'allowed.example' } })
const browser = useBrowser()

/** Signs `bob` (bob@example.com, outside the list) in at `path` and waits for the forbidden page. */
async function refusedBob(page: Page, path: string): Promise<void> {
  await page.goto(`${stack().site}${path}`)
  await signInAtProvider(page, stack(), 'bob')
  await page.waitForURL(`${stack().site}${path}`)
  await page.getByRole('heading', { name: 'Access denied', level: 1 }).waitFor()
}

describe('a user the allow-list refuses', () => {
  it('sees "Access denied" naming the signed-in account, and nothing of the origin', async () => {
    const page = await (await browser.newContext()).newPage()
    await refusedBob(page, '/team/plans?x=1')

    expect(await page.title()).toContain('Access denied')
    expect(await page.getByText('bob@example.com').count()).toBeGreaterThan(0)
    expect(await page.getByRole('heading', { name: 'Demo origin' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1)
    const another = page.getByRole('link', { name: 'Use another account' })
    const href = new URL((await another.getAttribute('href')) ?? '', stack().site)
    expect(href.pathname).toBe('/_auth/login')
    expect(href.searchParams.get('prompt')).toBe('login')
    expect(href.searchParams.get('rd')).toBe('/team/plans?x=1')
  })

  it('signs out with the button of the forbidden page', async () => {
    const page = await (await browser.newContext()).newPage()
    await refusedBob(page, '/team/out')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(
      (url) => url.origin === stack().site && url.pathname === '/_auth/signed-out'
    )
    await page.getByRole('heading', { name: 'You are signed out', level: 1 }).waitFor()
    // Signed out at the provider as well: the next visit shows its login form.
    await page.goto(`${stack().site}/team/out`)
    await waitForProviderLogin(page, stack())
    expect(await page.getByLabel('Username').inputValue()).toBe('')
  })

  it('lets a second user in through "Use another account" (the provider asks again)', async () => {
    const page = await (await browser.newContext()).newPage()
    await refusedBob(page, '/team/plans?x=2')
    const before = (await providerRequests(stack())).length

    await page.getByRole('link', { name: 'Use another account' }).click()
    // The provider still has bob's session; prompt=login makes it show the form all the same.
    await signInAtProvider(page, stack(), 'carol@allowed.example')
    await page.waitForURL(`${stack().site}/team/plans?x=2`)

    const origin = await readOriginPage(page)
    expect(origin).toMatchObject({ path: '/team/plans', query: { x: '2' } })
    expect(origin.identity).toMatchObject({
      'x-auth-request-user': 'carol@allowed.example',
      'x-auth-request-email': 'carol@allowed.example',
    })
    const authorize = (await providerRequests(stack()))
      .slice(before)
      .find((r) => r.path === '/auth')
    expect(authorize?.params.prompt).toBe('login')
  })
})
