/**
 * @module
 * The configuration-error page's list of bad settings in Chinese. The checks (src/config/*) write
 * each problem as one English sentence, which logs and JSON answers carry as it is; the page
 * translates the sentences the readers write, keeping the setting names, numbers and values named
 * in them. A sentence no pattern here knows is shown in English.
 */
import type { Locale } from './locale'

/** One sentence shape: its English pattern, and the Simplified and Traditional templates. */
type Pattern = readonly [english: RegExp, hans: string, hant: string]

const NAME = '([A-Z][A-Z0-9_]*)'

const PATTERNS: readonly Pattern[] = [
  [
    new RegExp(`^${NAME} is not a setting of this proxy: did you mean ${NAME}\\?$`),
    '$1 不是此代理的设置：您是否指 $2？',
    '$1 不是此代理的設定：您是否指 $2？',
  ],
  [
    new RegExp(
      `^(\\S+) is not a setting of this proxy \\((\\S+)\\.\\.\\. names are ours\\): did you mean ${NAME}\\?$`
    ),
    '$1 不是此代理的设置（以 $2 开头的名称归此代理所有）：您是否指 $3？',
    '$1 不是此代理的設定（以 $2 開頭的名稱歸此代理所有）：您是否指 $3？',
  ],
  [
    /^(\S+) is not a setting of this proxy \((\S+)\.\.\. names are ours\)$/,
    '$1 不是此代理的设置（以 $2 开头的名称归此代理所有）。',
    '$1 不是此代理的設定（以 $2 開頭的名稱歸此代理所有）。',
  ],
  [new RegExp(`^${NAME} is required$`), '缺少必需的设置 $1。', '缺少必要的設定 $1。'],
  [
    new RegExp(`^${NAME} or ${NAME} is required$`),
    '缺少必需的设置 $1 或 $2。',
    '缺少必要的設定 $1 或 $2。',
  ],
  [
    new RegExp(`^${NAME} is required \\(make one with \`([^\`]+)\`; see (\\S+)\\)$`),
    '缺少必需的设置 $1（可用 `$2` 生成；见 $3）。',
    '缺少必要的設定 $1（可用 `$2` 產生；見 $3）。',
  ],
  [new RegExp(`^${NAME} must be a string$`), '$1 必须是字符串。', '$1 必須是字串。'],
  [new RegExp(`^${NAME} must be an absolute URL$`), '$1 必须是绝对 URL。', '$1 必須是絕對 URL。'],
  [
    new RegExp(`^${NAME} must be an http\\(s\\) URL$`),
    '$1 必须是 http(s) URL。',
    '$1 必須是 http(s) URL。',
  ],
  [
    new RegExp(`^${NAME} must use https \\(plain http is allowed for loopback hosts only\\)$`),
    '$1 必须使用 https（仅回环地址允许使用普通 http）。',
    '$1 必須使用 https（僅迴路位址允許使用一般 http）。',
  ],
  [
    new RegExp(`^${NAME} must not contain credentials$`),
    '$1 不得包含用户名或密码。',
    '$1 不得包含使用者名稱或密碼。',
  ],
  [
    new RegExp(`^${NAME} must be a whole number >= (\\d+)$`),
    '$1 必须是不小于 $2 的整数。',
    '$1 必須是不小於 $2 的整數。',
  ],
  [
    new RegExp(`^${NAME} must be one of (.+)$`),
    '$1 必须是以下之一：$2。',
    '$1 必須是以下之一：$2。',
  ],
  [
    new RegExp(`^${NAME} must be true or false$`),
    '$1 必须是 true 或 false。',
    '$1 必須是 true 或 false。',
  ],
  [
    new RegExp(`^${NAME} must be at least (\\d+) characters$`),
    '$1 至少需要 $2 个字符。',
    '$1 至少需要 $2 個字元。',
  ],
  [new RegExp(`^${NAME} must be at most (\\d+)$`), '$1 不得大于 $2。', '$1 不得大於 $2。'],
  [
    new RegExp(`^${NAME} must have the path (\\S+)$`),
    '$1 的路径必须是 $2。',
    '$1 的路徑必須是 $2。',
  ],
  [
    new RegExp(`^${NAME} must not have a query or fragment$`),
    '$1 不得包含查询参数或片段。',
    '$1 不得包含查詢參數或片段。',
  ],
  [
    new RegExp(`^${NAME} must be a number from (\\d+) to (\\d+)$`),
    '$1 必须是 $2 到 $3 之间的数。',
    '$1 必須是 $2 到 $3 之間的數。',
  ],
  [
    new RegExp(`^${NAME} must include "([^"]+)" when ${NAME} is "([^"]+)"$`),
    '$3 为 "$4" 时，$1 必须包含 "$2"。',
    '$3 為 "$4" 時，$1 必須包含 "$2"。',
  ],
]

/**
 * `sentence` (one problem the configuration checks wrote, in English) in `locale`.
 * @returns the translation when a pattern knows the sentence, else the sentence unchanged.
 */
export function problemText(locale: Locale, sentence: string): string {
  if (locale === 'en') return sentence
  for (const [english, hans, hant] of PATTERNS) {
    if (english.test(sentence)) {
      return sentence.replace(english, locale === 'zh-Hans' ? hans : hant)
    }
  }
  return sentence
}
