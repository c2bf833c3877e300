/**
 * `OAUTH_RESPONSE_MODE=form_post` in Chromium: the provider returns the browser with a cross-site
 * form POST to the callback, which carries the pending sign-in's cookie only if it is
 * `SameSite=None; Secure` (accepted on http://localhost, a secure context).
 */
import { describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { readOriginPage, signInAtProvider } from './support/pages.ts'
import { providerRequests, useStack } from './support/stack.ts'

const stack = useStack({ vars: { OAUTH_RESPONSE_MODE: 'form_post' } })
const browser = useBrowser()

describe('sign-in with response_mode=form_post', () => {
  it('signs in through a POSTed callback and returns to the page first asked for', async () => {
    const page = await (await browser.newContext()).newPage()
    const callbacks: string[] = []
    page.on('request', (request) => {
      if (request.url().startsWith(`${stack().site}/_auth/callback`))
        callbacks.push(request.method())
    })
    const wanted = `${stack().site}/posted/here?x=1`

    await page.goto(wanted)
    await signInAtProvider(page, stack(), 'judy')
    await page.waitForURL(wanted)

    expect(callbacks).toEqual(['POST'])
    const authorize = (await providerRequests(stack())).find((r) => r.path === '/auth')
    expect(authorize?.params.response_mode).toBe('form_post')
    const origin = await readOriginPage(page)
    expect(origin).toMatchObject({ path: '/posted/here', query: { x: '1' } })
    expect(origin.identity['x-auth-request-email']).toBe('judy@example.com')
  })
})
