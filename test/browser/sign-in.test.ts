/**
 * Signing in, in Chromium: a deep link comes back exactly, and two tabs signing in at once each
 * come back where they started.
 */
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { readOriginPage, signInAtProvider, waitForProviderLogin } from './support/pages.ts'
import { useStack } from './support/stack.ts'

const stack = useStack()
const browser = useBrowser()

describe('signing in in a browser', () => {
  it('returns a deep link with a query and non-ASCII characters exactly, signed in', async () => {
    const page = await (await browser.newContext()).newPage()
    const deepLink = new URL('/文档/报告?q=中文&x=1', stack().site)

    await page.goto(deepLink.href)
    await signInAtProvider(page, stack(), 'alice')
    await page.waitForURL(deepLink.href)

    expect(page.url()).toBe(
      `${stack().site}/%E6%96%87%E6%A1%A3/%E6%8A%A5%E5%91%8A?q=%E4%B8%AD%E6%96%87&x=1`
    )
    const origin = await readOriginPage(page)
    expect(origin).toMatchObject({
      method: 'GET',
      path: deepLink.pathname,
      query: { q: '中文', x: '1' },
    })
    expect(origin.identity).toMatchObject({
      'x-auth-request-user': 'alice',
      'x-auth-request-email': 'alice@example.com',
      'x-auth-request-preferred-username': 'alice',
    })
    // The demo origin checked X-Auth-Request-Jwt against the proxy's JWK Set (npm jose).
    expect(await page.locator('body').innerText()).toContain('verified: signed by the proxy')
  })

  it('brings two tabs that sign in at once back where each started, finished in the opposite order', async () => {
    const context = await browser.newContext()
    const [first, second] = [await context.newPage(), await context.newPage()]
    const firstUrl = `${stack().site}/first/tab?n=1`
    const secondUrl = `${stack().site}/second/tab?n=2`

    await first.goto(firstUrl)
    await waitForProviderLogin(first, stack())
    await second.goto(secondUrl)
    await waitForProviderLogin(second, stack())

    await signInAtProvider(second, stack(), 'bob')
    await second.waitForURL(secondUrl)
    await signInAtProvider(first, stack(), 'bob')
    await first.waitForURL(firstUrl)

    const [firstSeen, secondSeen] = [await readOriginPage(first), await readOriginPage(second)]
    expect(firstSeen).toMatchObject({ path: '/first/tab', query: { n: '1' } })
    expect(secondSeen).toMatchObject({ path: '/second/tab', query: { n: '2' } })
    expect(firstSeen.identity['x-auth-request-email']).toBe('bob@example.com')
    expect(secondSeen.identity['x-auth-request-email']).toBe('bob@example.com')
  })
})
