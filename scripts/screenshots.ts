/**
 * `npm run screenshots`: every page the proxy serves itself, in English and Chinese, at a desktop
 * and a phone width, rendered by Debian's Chromium against the `npm start` stack (dev/stack.ts) and
 * written to docs/screenshots/<page>-<en|zh>-<desktop|phone>.png. Each page is reached the way a
 * user reaches it (a sign-in, a refusal at the provider, a provider that is down...); nothing is
 * rendered from a template alone.
 *
 * Usage: npm run screenshots [-- <page name>...]   (default: every page)
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { launchChromium, leavesLoopback } from '../dev/chromium.ts'
import { freePort, startStack, type RunningStack, type StackOptions } from '../dev/stack.ts'

const OUT_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))

const DEVICES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
}
const LOCALES: Record<string, string> = { en: 'en-US', zh: 'zh-CN' }

/** The stacks the pages need: a working one (with an allow-list), one whose provider is down, one misconfigured. */
type StackName = 'main' | 'provider-down' | 'misconfigured'

const STACKS: Record<StackName, () => Promise<StackOptions>> = {
  // carol@allowed.example gets in; bob@example.com is refused by the allow-list.
  main: async () => ({ vars: { ALLOWED_EMAIL_DOMAINS: 'allowed.example' } }),
  // Nothing listens at this issuer: discovery fails at the first sign-in.
  'provider-down': async () => ({
    vars: { OAUTH_ISSUER: `http://127.0.0.1:${await freePort()}` },
  }),
  // Two bad settings, so that the page lists more than one.
  misconfigured: async () => ({
    vars: { COOKIE_SECRET: 'too-short', OAUTH_TIMEOUT_MS: 'soon' },
  }),
}

interface Shot {
  name: string
  stack: StackName
  /** Brings `page` to the page to capture, as a user gets there. */
  show(page: Page, stack: RunningStack): Promise<void>
}

async function signIn(page: Page, stack: RunningStack, path: string, username: string) {
  await page.goto(`${stack.site}${path}`)
  await page.waitForURL((url) => url.href.startsWith(`${stack.issuer}/interaction/`))
  await page.getByLabel('Username').fill(username)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${stack.site}${path}`)
}

const SHOTS: Shot[] = [
  {
    name: 'sign-out',
    stack: 'main',
    async show(page, stack) {
      await signIn(page, stack, '/reports', 'carol@allowed.example')
      await page.goto(`${stack.site}/_auth/logout`)
    },
  },
  {
    name: 'signed-out',
    stack: 'main',
    async show(page, stack) {
      await signIn(page, stack, '/reports', 'carol@allowed.example')
      await page.goto(`${stack.site}/_auth/logout`)
      await page.locator('form[action="/_auth/logout"] button').click()
      await page.waitForURL(`${stack.site}/_auth/signed-out`)
    },
  },
  {
    name: 'sign-in-refused',
    stack: 'main',
    async show(page, stack) {
      await page.goto(`${stack.site}/reports`)
      await page.getByRole('button', { name: 'Cancel' }).click()
      await page.waitForURL((url) => url.href.startsWith(`${stack.site}/_auth/callback`))
    },
  },
  {
    name: 'forbidden',
    stack: 'main',
    async show(page, stack) {
      await signIn(page, stack, '/reports', 'bob')
    },
  },
  {
    // A form sent after the session ended: not a navigation to redirect, so the page asks to sign in.
    name: 'sign-in-required',
    stack: 'main',
    async show(page, stack) {
      await page.goto(`${stack.site}/_auth/signed-out`)
      await page.evaluate(`(() => {
        const form = document.createElement('form')
        form.method = 'post'
        form.action = '/reports/comments'
        document.body.append(form)
        form.submit()
      })()`)
      await page.waitForURL(`${stack.site}/reports/comments`)
    },
  },
  {
    name: 'provider-unavailable',
    stack: 'provider-down',
    async show(page, stack) {
      await page.goto(`${stack.site}/reports`)
    },
  },
  {
    name: 'configuration-error',
    stack: 'misconfigured',
    async show(page, stack) {
      await page.goto(`${stack.site}/reports`)
    },
  },
  {
    name: 'not-found',
    stack: 'main',
    async show(page, stack) {
      await page.goto(`${stack.site}/_auth/no-such-page`)
    },
  },
]

const wanted = new Set(process.argv.slice(2))
const shots = SHOTS.filter((s) => wanted.size === 0 || wanted.has(s.name))
if (wanted.size && shots.length !== wanted.size) {
  throw new Error(`unknown page; the pages are: ${SHOTS.map((s) => s.name).join(', ')}`)
}

await mkdir(OUT_DIR, { recursive: true })
const browser = await launchChromium()
try {
  for (const stackName of Object.keys(STACKS) as StackName[]) {
    const mine = shots.filter((s) => s.stack === stackName)
    if (!mine.length) continue
    const stack = await startStack({ ...(await STACKS[stackName]()), output: 'quiet' })
    try {
      for (const shot of mine) {
        for (const [lang, locale] of Object.entries(LOCALES)) {
          for (const [device, options] of Object.entries(DEVICES)) {
            const context = await browser.newContext({ ...options, locale })
            context.setDefaultTimeout(15_000)
            const beyond: string[] = []
            context.on('request', (r) => void (leavesLoopback(r.url()) && beyond.push(r.url())))
            try {
              const page = await context.newPage()
              await shot.show(page, stack)
              await page.locator('main h1').waitFor()
              if (beyond.length) throw new Error(`requests beyond loopback: ${beyond.join(', ')}`)
              const file = `${shot.name}-${lang}-${device}.png`
              await page.screenshot({ path: `${OUT_DIR}${file}`, fullPage: true })
              console.log(`docs/screenshots/${file}  (${await page.title()})`)
            } finally {
              await context.close()
            }
          }
        }
      }
    } finally {
      await stack.close()
    }
  }
} finally {
  await browser.close()
}
