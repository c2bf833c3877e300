/**
 * Per-route policies in Chromium, with `ROUTES` given as `--var` JSON (as `.dev.vars` and
 * `npm start -- --var` give it): an API rule answers a navigation with 401 JSON instead of a
 * sign-in redirect, a public rule opens its path, and a refusing rule's 403 page names it.
 */
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { readOriginPage, signInAtProvider } from './support/pages.ts'
import { useStack } from './support/stack.ts'

const ROUTES = [
  { name: 'health', path: '/api/health', methods: ['GET'], action: 'public' },
  { name: 'api', path: '/api/*', action: 'authenticated', api: true },
  { name: 'admin', path: '/admin/*', action: 'allow', emails: ['boss@example.com'] },
]
const stack = useStack({ vars: { ROUTES: JSON.stringify(ROUTES) } })
const browser = useBrowser()

describe('per-route policies', () => {
  it('answer an API path typed in the address bar with 401 JSON, not a sign-in', async () => {
    const page = await (await browser.newContext()).newPage()
    const response = await page.goto(`${stack().site}/api/items`)
    expect(response?.status()).toBe(401)
    expect(response?.headers()['content-type']).toContain('application/json')
    expect(new URL(page.url()).origin).toBe(stack().site)
    expect(JSON.parse(await page.locator('body').innerText())).toMatchObject({
      error: 'unauthenticated',
    })
  })

  it('open a public path without sign-in', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${stack().site}/api/health`)
    const seen = await readOriginPage(page)
    expect(seen.path).toBe('/api/health')
  })

  it('name the rule that refused on the 403 page', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${stack().site}/admin/users`)
    await signInAtProvider(page, stack(), 'ann')
    await page.waitForURL(`${stack().site}/admin/users`)
    await page.getByRole('heading', { name: 'Access denied', level: 1 }).waitFor()
    expect(await page.locator('body').innerText()).toContain('Refused by the rule: admin')
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1)
  })
})
