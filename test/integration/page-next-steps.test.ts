/**
 * What a fresh user met on the proxy's own pages: the next step each page offers works, and the
 * Chinese pages say what the English ones say (the cancel page, the configuration-error page).
 */
import { describe, expect, inject, it } from 'vitest'
import { navigation, send, startSignIn, testEnv } from '../helpers/harness'

const zh = (path: string, lang: string) =>
  navigation(path, { headers: { 'accept-language': lang } })

describe('"Sign-in required" at /_auth/userinfo', () => {
  it('offers a sign-in that returns to /_auth/userinfo, not a reload of the same 401', async () => {
    const res = await send(navigation('/_auth/userinfo'))
    expect(res.status).toBe(401)
    const body = await res.text()
    expect(body).toContain('<h1>Sign-in required</h1>')
    expect(body).toContain('href="/_auth/login?rd=%2F_auth%2Fuserinfo">Sign in</a>')
    expect(body).not.toContain('href="/_auth/userinfo"')
  })

  it('gives API calls the same login_url', async () => {
    const res = await send(
      new Request('https://proxy.test/_auth/userinfo', { headers: { accept: 'application/json' } })
    )
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({
      error: 'unauthenticated',
      login_url: '/_auth/login?rd=%2F_auth%2Fuserinfo',
    })
  })
})

describe('the configuration-error page in Chinese', () => {
  it('translates the sentences and keeps the setting names', async () => {
    const bad = { ...testEnv({ ORIGIN_URL: undefined }), ALLOWED_EMAIL_DOMAIN: 'example.com' }
    const hans = await (await send(zh('/page', 'zh-CN'), bad)).text()
    expect(hans).toContain('<h1>代理配置有误</h1>')
    expect(hans).toContain(
      'ALLOWED_EMAIL_DOMAIN 不是此代理的设置：您是否指 ALLOWED_EMAIL_DOMAINS？'
    )
    expect(hans).toContain('缺少必需的设置 ORIGIN_URL。')
    expect(hans).not.toContain('is not a setting of this proxy')
    expect(hans).not.toContain('is required')
    const hant = await (await send(zh('/page', 'zh-TW'), bad)).text()
    expect(hant).toContain(
      'ALLOWED_EMAIL_DOMAIN 不是此代理的設定：您是否指 ALLOWED_EMAIL_DOMAINS？'
    )
    expect(hant).toContain('缺少必要的設定 ORIGIN_URL。')
    const en = await (await send(navigation('/page'), bad)).text()
    expect(en).toContain(
      'ALLOWED_EMAIL_DOMAIN is not a setting of this proxy: did you mean ALLOWED_EMAIL_DOMAINS?'
    )
  })

  it('translates each reader sentence, with its numbers and names', async () => {
    const bad = testEnv({
      COOKIE_SECRET: 'too-short-secret-value',
      SESSION_IDLE_SECONDS: 'soon',
      BEARER_USERINFO: 'yes',
      OAUTH_ISSUER: 'http://idp.example.com',
    })
    const hans = await (await send(zh('/page', 'zh-CN'), bad)).text()
    expect(hans).toContain('COOKIE_SECRET 至少需要 32 个字符。')
    expect(hans).toMatch(/SESSION_IDLE_SECONDS 必须是不小于 \d+ 的整数。/)
    expect(hans).toContain('BEARER_USERINFO 必须是 true 或 false。')
    expect(hans).toContain('OAUTH_ISSUER 必须使用 https（仅回环地址允许使用普通 http）。')
    expect(hans).not.toContain('too-short-secret-value')
    expect(hans).not.toMatch(/must (be|use|have)/)
  })
})

describe('the cancel page (error=access_denied) in Chinese', () => {
  it('says "cancelled or refused", as the English page does', async () => {
    for (const [lang, text, refusedOnly] of [
      ['zh-CN', '此次登录已在身份提供方被取消或拒绝。', '身份提供方拒绝了此次登录。'],
      ['zh-TW', '此次登入已在身分提供者端被取消或拒絕。', '身分提供者拒絕了此次登入。'],
    ] as const) {
      const { authorizeUrl, jar } = await startSignIn('/cancelled')
      const state = authorizeUrl.searchParams.get('state')!
      const res = await send(
        navigation(
          `/_auth/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(inject('issuer'))}`,
          { headers: { cookie: jar.header(), 'accept-language': lang } }
        )
      )
      expect(res.status).toBe(403)
      const body = await res.text()
      expect(body).toContain(text)
      expect(body).not.toContain(refusedOnly)
    }
  })
})
