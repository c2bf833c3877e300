/// <reference types="vite/client" />
import { describe, expect, inject, it } from 'vitest'
import type { EchoedRequest } from '../../dev/echo-types'
import { decideRoute, ruleAllows } from '../../src/access/routes'
import { parseConfig } from '../../src/config'
import { navigation, send, signIn, SITE, testEnv } from '../helpers/harness'

// The worked examples of docs/policies.md, as written there, through the app.

const doc = Object.values(
  import.meta.glob<string>('../../docs/policies.md', {
    query: '?raw',
    import: 'default',
    eager: true,
  })
)[0]!

/** The `[[vars.ROUTES]]` tables of the doc's TOML blocks (its values are JSON-compatible). */
function examples(): Record<string, unknown>[][] {
  const blocks = [...doc.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!)
  return blocks.map((block) =>
    block
      .split('[[vars.ROUTES]]')
      .slice(1)
      .map((table) => {
        const rule: Record<string, unknown> = {}
        for (const line of table.split('\n')) {
          const match = /^(\w+) = (.*?)\s*(#.*)?$/.exec(line.trim())
          if (match) rule[match[1]!] = JSON.parse(match[2]!)
        }
        return rule
      })
  )
}

describe('the examples of docs/policies.md', () => {
  const [field, admin, health, api] = examples() as [unknown[], unknown[], unknown[], unknown[]]
  // The second origin: the echo origin under another name, with the doc's base path.
  const main = new URL(inject('originUrl'))
  const second = `http://localhost:${main.port}/v1`
  const local = (rules: unknown[]) =>
    (rules as Record<string, unknown>[]).map((r) => (r.origin ? { ...r, origin: second } : r))

  it('are valid rules, every one', () => {
    expect([field, admin, health, api].map((rules) => rules.length)).toEqual([1, 2, 1, 1])
    for (const rules of [field, admin, health, api]) {
      expect(() => parseConfig(testEnv({ ROUTES: rules }))).not.toThrow()
    }
  })

  it('let only the group into the admin area, /admin included', () => {
    const routes = parseConfig(testEnv({ ROUTES: admin })).routes
    for (const path of ['/admin', '/admin/', '/admin/users']) {
      const rule = decideRoute(routes, 'GET', path)
      expect(rule && rule !== 'refused' && rule.name).toMatch(/^admin/)
      if (!rule || rule === 'refused') continue
      expect(ruleAllows(rule, { sub: 'a', groups: ['admins'] })).toBe(true)
      expect(ruleAllows(rule, { sub: 'b', groups: ['users'] })).toBe(false)
    }
    expect(decideRoute(routes, 'GET', '/adminX')).toBeNull()
  })

  it('open the health check to GET and HEAD, and send the API to the second origin as JSON', async () => {
    const e = testEnv({ ROUTES: [...local(health), ...local(api)] })
    const check = await send(new Request(`${SITE}/api/health`), e)
    expect(check.status).toBe(200)
    const echo = (await check.json()) as EchoedRequest
    expect(`${echo.headers.host} ${echo.path}`).toBe(`localhost:${main.port} /v1/api/health`)
    expect((await send(new Request(`${SITE}/api/health`, { method: 'HEAD' }), e)).status).toBe(200)
    const post = await send(new Request(`${SITE}/api/health`, { method: 'POST', body: 'x' }), e)
    expect(post.status).toBe(401)
    const tab = await send(navigation('/api/users'), e)
    expect(tab.status).toBe(401)
    expect(tab.headers.get('content-type')).toContain('application/json')
    const { cookie } = await signIn('/', 'doc', e)
    const users = await send(new Request(`${SITE}/api/users`, { headers: { cookie } }), e)
    const seen = (await users.json()) as EchoedRequest
    expect(`${seen.headers.host} ${seen.path}`).toBe(`localhost:${main.port} /v1/api/users`)
    expect(seen.headers['x-auth-request-user']).toBe('doc')
    const other = await send(new Request(`${SITE}/else`, { headers: { cookie } }), e)
    expect(((await other.json()) as EchoedRequest).headers.host).toBe(main.host)
  })
})
