import { describe, expect, it } from 'vitest'
import { languageRanges, pickLocale, uiLocales } from '../../src/pages/locale'

describe('pickLocale (Accept-Language, RFC 9110 12.5.4)', () => {
  it.each([
    [null, 'en'],
    ['', 'en'],
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-Hans', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-Hans-TW', 'zh-Hans'],
    ['zh-TW', 'zh-Hant'],
    ['ZH-hk', 'zh-Hant'],
    ['zh-Hant', 'zh-Hant'],
    ['zh-Hant-CN', 'zh-Hant'],
    ['zh-MO', 'zh-Hant'],
    ['zh-tws', 'zh-Hans'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-Hans'],
    ['en;q=0.5, zh-TW', 'zh-Hant'],
    ['en, zh;q=0.9', 'en'],
    ['fr-FR, zh;q=0.5', 'zh-Hans'],
    ['fr-FR, de;q=0.5', 'en'],
    ['zh;q=0, en', 'en'],
    ['*, zh;q=0.5', 'en'],
    ['zh;q=bogus, en;q=0.1', 'en'],
    ['zh;q=1.5', 'en'],
    ['zhx', 'en'],
    ['<script>, zh', 'zh-Hans'],
    ['x'.repeat(600) + ',zh', 'en'],
  ])('%j -> %s', (header, expected) => {
    expect(pickLocale(header)).toBe(expected)
  })

  it('keeps the order sent among equal q-values', () => {
    expect(languageRanges('de;q=0.8, fr;q=0.8, it')).toEqual(['it', 'de', 'fr'])
  })
})

describe('uiLocales (OpenID Connect Core 3.1.2.1)', () => {
  it('sends the tags most preferred first, without * or junk', () => {
    expect(uiLocales('zh-CN,zh;q=0.9,*;q=0.5,en;q=0.8')).toBe('zh-CN zh en')
    expect(uiLocales('"><img>, en-GB')).toBe('en-GB')
    expect(uiLocales('*')).toBeUndefined()
    expect(uiLocales(undefined)).toBeUndefined()
  })
})
