/**
 * @module
 * Reading the pages of the stack the way a user does: the demo provider's login form, and the demo
 * origin's page, which lists the request it received (identity headers, query).
 */
import type { Locator, Page } from 'playwright-core'
import type { RunningStack } from '../../../dev/stack.ts'

/** Waits for the demo provider's login form (its interaction page). */
export async function waitForProviderLogin(page: Page, stack: RunningStack): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(`${stack.issuer}/interaction/`))
  await page.getByLabel('Username').waitFor()
}

/** Signs in on the demo provider's login form (any username; no password). */
export async function signInAtProvider(
  page: Page,
  stack: RunningStack,
  username: string
): Promise<void> {
  await waitForProviderLogin(page, stack)
  await page.getByLabel('Username').fill(username)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Refuses the sign-in on the demo provider's login form (its Cancel button). */
export async function cancelAtProvider(page: Page, stack: RunningStack): Promise<void> {
  await waitForProviderLogin(page, stack)
  await page.getByRole('button', { name: 'Cancel' }).click()
}

/** What the demo origin's page says it received. */
export interface OriginView {
  method: string
  /** The path as the origin received it (percent-encoded). */
  path: string
  query: Record<string, string>
  /** The `x-auth-request-*` headers, lower-case names. */
  identity: Record<string, string>
}

async function readTable(table: Locator): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const row of await table.locator('tr').all()) {
    out[(await row.locator('th').innerText()).trim()] = (await row.locator('td').innerText()).trim()
  }
  return out
}

/** True when the page on screen is the demo origin's (the request reached the origin). */
export async function isOriginPage(page: Page): Promise<boolean> {
  return (await page.getByRole('heading', { name: 'Demo origin', level: 1 }).count()) > 0
}

/** Waits for the demo origin's page and reads it. */
export async function readOriginPage(page: Page): Promise<OriginView> {
  await page.getByRole('heading', { name: 'Demo origin', level: 1 }).waitFor()
  const line = page.locator('p', { has: page.locator('strong') }).first()
  return {
    method: (await line.locator('strong').innerText()).trim(),
    path: (await line.locator('code').innerText()).trim(),
    query: await readTable(page.locator('h2:text-is("Query") + table')),
    identity: await readTable(page.locator('.identity table')),
  }
}
