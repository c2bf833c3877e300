/**
 * A mistyped setting given to `wrangler dev` as `--var` (as `npm start -- --var` and `.dev.vars`
 * give it): the proxy lets nobody in and shows the configuration page naming the variable and the
 * setting it probably meant, never its value.
 */
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { useStack } from './support/stack.ts'

const stack = useStack({ vars: { ALLOWED_EMAIL_DOMAIN: 'corp-secret.example' } })
const browser = useBrowser()

describe('a mistyped allow-list setting', () => {
  it('shows the configuration page instead of the site', async () => {
    const page = await (await browser.newContext()).newPage()
    const response = await page.goto(`${stack().site}/team/plans`)
    expect(response?.status()).toBe(500)
    await page.getByRole('heading', { name: 'The proxy is misconfigured', level: 1 }).waitFor()
    const text = await page.locator('body').innerText()
    expect(text).toContain(
      'ALLOWED_EMAIL_DOMAIN is not a setting of this proxy: did you mean ALLOWED_EMAIL_DOMAINS?'
    )
    expect(text).not.toContain('corp-secret')
    expect(await page.getByRole('heading', { name: 'Demo origin' }).count()).toBe(0)
  })
})
