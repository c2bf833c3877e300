/**
 * What another site can do to a signed-in user's session in Chromium: nothing. An attacker's page
 * (served from 127.0.0.1, another site than localhost) tries to sign the user out by an
 * auto-submitted form, a form in a sandboxed frame (`Origin: null`), an image, a link and a
 * credentialed fetch; each time the session still works afterwards.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser.ts'
import { readOriginPage, signInAtProvider } from './support/pages.ts'
import { useStack } from './support/stack.ts'

const stack = useStack()
const browser = useBrowser()

/** The attacker's pages, each aimed at the proxy's sign-out. */
function attackPages(logoutUrl: string): Record<string, string> {
  const form = `<form id="f" method="post" action="${logoutUrl}"></form><script>f.submit()</script>`
  return {
    '/form': form,
    // A sandboxed frame has an opaque origin: its form navigates the whole tab with Origin: null.
    '/sandboxed': `<iframe sandbox="allow-forms allow-scripts allow-top-navigation" srcdoc='${form.replace('<form ', '<form target="_top" ')}'></iframe>`,
    '/image': `<img src="${logoutUrl}" onerror="document.title='done'" onload="document.title='done'">`,
    '/link': `<a id="go" href="${logoutUrl}">win a prize</a>`,
    '/fetch': `<script>fetch(${JSON.stringify(logoutUrl)}, { method: 'POST', credentials: 'include', mode: 'no-cors' }).finally(() => { document.title = 'done' })</script>`,
  }
}

let attacker: Server
let attackerOrigin = ''

beforeAll(async () => {
  const pages = attackPages(`${stack().site}/_auth/logout`)
  attacker = createServer((req, res) => {
    const body = pages[req.url ?? '']
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>attacker</title>${body ?? ''}`)
  })
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())))

async function signedInPage(username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${stack().site}/account`)
  await signInAtProvider(page, stack(), username)
  await page.waitForURL(`${stack().site}/account`)
  return page
}

async function expectStillSignedIn(page: Page, username: string): Promise<void> {
  await page.goto(`${stack().site}/account?after=attack`)
  expect((await readOriginPage(page)).identity['x-auth-request-user']).toBe(username)
}

describe('another site cannot sign a user out', () => {
  it('by an auto-submitted cross-site form: refused with a page, the session kept', async () => {
    const page = await signedInPage('kate')
    await page.goto(`${attackerOrigin}/form`)
    await page.waitForURL(`${stack().site}/_auth/logout`)
    await page.getByRole('heading', { name: 'Refused', level: 1 }).waitFor()
    expect(await page.getByRole('link', { name: 'Go to the sign-out page' }).count()).toBe(1)
    await expectStillSignedIn(page, 'kate')
  })

  it('by a form in a sandboxed frame (Origin: null) that navigates the whole tab', async () => {
    const page = await signedInPage('liam')
    await page.goto(`${attackerOrigin}/sandboxed`)
    await page.waitForURL(`${stack().site}/_auth/logout`)
    await page.getByRole('heading', { name: 'Refused', level: 1 }).waitFor()
    await expectStillSignedIn(page, 'liam')
  })

  it('by an image, a credentialed fetch, or a link the user follows', async () => {
    const page = await signedInPage('mona')
    for (const path of ['/image', '/fetch']) {
      await page.goto(`${attackerOrigin}${path}`)
      await page.waitForFunction("document.title === 'done'")
    }
    await page.goto(`${attackerOrigin}/link`)
    await page.getByRole('link', { name: 'win a prize' }).click()
    // A GET only shows the sign-out page, which names the account and waits for a click.
    await page.getByRole('heading', { name: 'Sign out', level: 1 }).waitFor()
    expect(await page.getByText('mona@example.com').count()).toBeGreaterThan(0)
    await expectStillSignedIn(page, 'mona')
  })
})
