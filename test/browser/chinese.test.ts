/**
 * A browser set to Chinese (`zh-CN`, hence `Accept-Language: zh-CN`), in Chromium: the proxy's
 * pages are in Chinese, and the provider is asked for Chinese (`ui_locales`, OpenID Connect Core
 * 3.1.2.1).
 */
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { cancelAtProvider, readOriginPage, signInAtProvider } from './support/pages.ts'
import { providerRequests, useStack } from './support/stack.ts'

const stack = useStack()
const browser = useBrowser()

describe('a browser set to Chinese', () => {
  it('asks the provider for Chinese and shows the sign-out pages in Chinese', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage()
    const wanted = `${stack().site}/中文/页面?x=1`

    await page.goto(wanted)
    await signInAtProvider(page, stack(), 'li')
    await page.waitForURL(new URL(wanted).href)
    expect((await readOriginPage(page)).identity['x-auth-request-user']).toBe('li')
    const authorize = (await providerRequests(stack())).find((r) => r.path === '/auth')
    expect(String(authorize?.params.ui_locales)).toMatch(/^zh-CN\b/)

    await page.goto(`${stack().site}/_auth/logout`)
    await page.getByRole('heading', { name: '退出登录', level: 1 }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toMatch(/^zh/)
    expect(await page.getByText('li@example.com').count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: '退出登录' }).click()

    await page.waitForURL(
      (url) => url.origin === stack().site && url.pathname === '/_auth/signed-out'
    )
    await page.getByRole('heading', { name: '您已退出登录', level: 1 }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toMatch(/^zh/)
    expect(await page.getByRole('link', { name: '重新登录' }).count()).toBe(1)
  })

  it('shows "Sign-in refused" and "Not found" in Chinese', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage()
    await page.goto(`${stack().site}/refused?x=1`)
    await cancelAtProvider(page, stack())
    await page.getByRole('heading', { name: '登录被拒绝', level: 1 }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toMatch(/^zh/)
    expect(await page.getByRole('link', { name: '重试' }).count()).toBe(1)

    await page.goto(`${stack().site}/_auth/nothing-here`)
    await page.getByRole('heading', { name: '页面不存在', level: 1 }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toMatch(/^zh/)
  })
})
