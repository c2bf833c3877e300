/**
 * Back-channel logout with the demo stack, in Chromium: signing out at the provider itself (not
 * through the proxy) makes the provider POST a `logout_token` to the proxy's
 * `/_auth/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0), which ends the session at
 * its authority and in the proxy's isolate (the next page asks for a sign-in). An operator's end of
 * the same user afterwards finds no session left to end.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { RecordedBackchannelLogout } from '../../dev/idp.ts'
import { useBrowser } from './support/browser.ts'
import { readOriginPage, signInAtProvider } from './support/pages.ts'
import { useStack } from './support/stack.ts'

const ADMIN_TOKEN = randomBytes(32).toString('base64url')
const stack = useStack({ vars: { ADMIN_TOKEN } })
const browser = useBrowser()

async function backchannelSent(): Promise<RecordedBackchannelLogout[]> {
  const res = await fetch(`${stack().issuer}/_test/backchannel`)
  return (await res.json()) as RecordedBackchannelLogout[]
}

/** The operator's end of every session of `sub` (docs/sessions.md): how many were still live. */
async function operatorEnds(sub: string): Promise<number> {
  const res = await fetch(`${stack().site}/_auth/admin/sessions/end`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sub }),
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { ended: number }).ended
}

describe('back-channel logout with the demo provider', () => {
  it("ends the proxy's session when the user signs out at the provider", async () => {
    const page = await (await browser.newContext()).newPage()
    const wanted = `${stack().site}/bcl/page`
    await page.goto(wanted)
    await signInAtProvider(page, stack(), 'bea')
    await page.waitForURL(wanted)
    expect((await readOriginPage(page)).identity['x-auth-request-user']).toBe('bea')

    // Signing out at the provider, as from another application of the same provider.
    await page.goto(`${stack().issuer}/session/end`)
    await page.getByRole('heading', { name: 'Signed out', level: 1 }).waitFor()

    // The provider told the proxy, and the proxy took it (200)...
    expect(await backchannelSent()).toEqual([
      {
        client_id: stack().clientId,
        uri: `${stack().site}/_auth/backchannel-logout`,
        ok: true,
      },
    ])
    const line = stack()
      .log()
      .split('\n')
      .find((l) => l.includes('"event":"auth.backchannel_logout"'))
    expect(line).toBeDefined()
    expect(JSON.parse(line!.slice(line!.indexOf('{')))).toMatchObject({ ended: 1, by: 'sid' })
    // ...and ended the session in the isolate that was told: the page asks for a sign-in again.
    await page.goto(wanted)
    expect(new URL(page.url()).origin).toBe(new URL(stack().issuer).origin)
    // At its authority too: nothing is left for an operator to end.
    expect(await operatorEnds('bea')).toBe(0)
  })

  it('leaves the session alone while the user stays signed in at the provider', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${stack().site}/bcl/other`)
    await signInAtProvider(page, stack(), 'cal')
    await page.waitForURL(`${stack().site}/bcl/other`)
    expect(await operatorEnds('cal')).toBe(1)
  })
})
