/**
 * @module
 * Which language the proxy's pages speak, from the browser's `Accept-Language` (RFC 9110
 * 12.5.4, q-values honoured; matching as RFC 4647 3.4 "lookup" over the two languages we have),
 * and the `ui_locales` sent to the provider (OpenID Connect Core 3.1.2.1).
 */

/** The languages of the pages: English, and Chinese in Simplified or Traditional script. */
export type Locale = 'en' | 'zh-Hans' | 'zh-Hant'

/** Chinese tags written in Traditional script: the script subtag, or the regions that use it. */
const TRADITIONAL = /^zh-(hant|tw|hk|mo)(-|$)/

/** A language tag as BCP 47 spells it (letters and digits in subtags); `*` is not one. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/
/** Tags kept from one header: more preferences than a person has, and a short `ui_locales`. */
const MAX_TAGS = 8
/** Headers longer than this are not a browser's; they are read as if absent. */
const MAX_HEADER_LENGTH = 512

/**
 * The language ranges of an `Accept-Language` header, most preferred first (by q-value, then in
 * the order sent); ranges with `q=0` or a malformed `q` are dropped.
 * @returns the ranges as sent (case kept), `*` included; empty for a missing or oversized header.
 */
export function languageRanges(header: string | null | undefined): string[] {
  if (!header || header.length > MAX_HEADER_LENGTH) return []
  const ranges: { range: string; q: number; index: number }[] = []
  header.split(',').forEach((part, index) => {
    const [rangePart, ...params] = part.split(';')
    const range = rangePart!.trim()
    if (range !== '*' && !LANGUAGE_TAG.test(range)) return
    let q = 1
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim())
      if (name?.toLowerCase() !== 'q') continue
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? '') ? Number(value) : 0
    }
    if (q > 0) ranges.push({ range, q, index })
  })
  ranges.sort((a, b) => b.q - a.q || a.index - b.index)
  return ranges.map((r) => r.range)
}

/**
 * The page language for an `Accept-Language` header: the first preferred range that is Chinese
 * gives `zh-Hant` for `zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO` and `zh-Hans` for every other (`zh`,
 * `zh-CN`, `zh-Hans`, `zh-SG`); one that is English or `*` gives `en`; ranges for languages we do
 * not have are passed over. English when nothing matches.
 */
export function pickLocale(header: string | null | undefined): Locale {
  for (const tag of languageRanges(header)) {
    const range = tag.toLowerCase()
    if (range === 'zh' || range.startsWith('zh-')) {
      return TRADITIONAL.test(range) ? 'zh-Hant' : 'zh-Hans'
    }
    if (range === 'en' || range.startsWith('en-') || range === '*') return 'en'
  }
  return 'en'
}

/**
 * `ui_locales` for the authorization request: the browser's language tags, most preferred
 * first, space-separated (OpenID Connect Core 3.1.2.1).
 * @returns undefined when the header names no language.
 */
export function uiLocales(header: string | null | undefined): string | undefined {
  const tags = languageRanges(header)
    .filter((range) => range !== '*')
    .slice(0, MAX_TAGS)
  return tags.length ? tags.join(' ') : undefined
}

/** The `lang` attribute of a page in `locale` (BCP 47). */
export function htmlLang(locale: Locale): string {
  return locale === 'en' ? 'en' : locale === 'zh-Hans' ? 'zh-CN' : 'zh-TW'
}
