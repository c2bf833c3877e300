/**
 * @module
 * Every word the proxy's pages show, in English and Chinese (Simplified and Traditional). The English titles and texts of the
 * error codes live with the codes (errors.ts), since JSON answers carry them too; the Chinese
 * ones are here, one per code. Values are plain text: the pages escape them.
 */
import { ERRORS, type ErrorCode } from '../errors'
import type { Locale } from './locale'

/** The words of the pages in one language. */
export interface Messages {
  /** Title and text of each error page. */
  errors: Record<ErrorCode, readonly [title: string, text: string]>
  signIn: string
  signInAgain: string
  tryAgain: string
  signOut: string
  useAnotherAccount: string
  home: string
  signOutPage: string
  /** Label before the error code at the foot of an error page, colon included. */
  errorCode: string
  /** Heading over the list of bad settings on the configuration-error page. */
  settingsToFix: string
  /** Label before the name of the rule that refused (forbidden page), colon included. */
  refusedByRule: string
  /** The words before and after the signed-in account (which the page sets in bold). */
  signedInAs: readonly [before: string, after: string]
  notSignedIn: string
  signOutTitle: string
  signOutText: string
  signedOutTitle: string
  signedOutText: string
}

const english: Messages = {
  errors: Object.fromEntries(
    Object.entries(ERRORS).map(([code, [, title, text]]) => [code, [title, text] as const])
  ) as Record<string, readonly [string, string]> as Messages['errors'],
  signIn: 'Sign in',
  signInAgain: 'Sign in again',
  tryAgain: 'Try again',
  signOut: 'Sign out',
  useAnotherAccount: 'Use another account',
  home: 'Go to the home page',
  signOutPage: 'Go to the sign-out page',
  errorCode: 'Error code:',
  settingsToFix: 'Settings to fix:',
  refusedByRule: 'Refused by the rule:',
  signedInAs: ['You are signed in as ', '.'],
  notSignedIn: 'You are not signed in.',
  signOutTitle: 'Sign out',
  signOutText:
    'This ends your session on this site, and at the identity provider too where it supports that.',
  signedOutTitle: 'You are signed out',
  signedOutText: 'You have signed out of this site. To use it again, sign in.',
}

const simplifiedChinese: Messages = {
  errors: {
    config_invalid: ['代理配置有误', '此代理的配置不正确，需要网站管理员修正。'],
    internal_error: ['出错了', '代理内部出现了错误。'],
    invalid_request: ['请求无效', '此请求无效。'],
    not_found: ['页面不存在', '此地址没有任何内容。'],
    unauthenticated: ['需要登录', '您尚未登录，或您的会话已结束。'],
    login_state_invalid: ['无法完成登录', '此登录链接无效、已过期或已被使用。'],
    login_failed: ['登录失败', '此次登录未能完成。'],
    access_denied: ['登录被拒绝', '此次登录已在身份提供方被取消或拒绝。'],
    cross_site_request: ['请求被拒绝', '此请求来自其他网站，已被拒绝。'],
    forbidden: ['无权访问', '此网站不允许您的账号访问。'],
    idp_error: ['身份提供方应答有误', '身份提供方返回的应答无法使用。'],
    idp_unavailable: ['身份提供方暂时无法访问', '目前无法连接到身份提供方，请稍后重试。'],
    rate_limited: ['请求过多', '来自您地址的请求过多，请一分钟后重试。'],
    session_store_unavailable: ['会话服务暂时不可用', '目前无法访问会话存储，请稍后重试。'],
    origin_unavailable: ['网站暂时无法访问', '目前无法连接到代理后面的网站。'],
    origin_timeout: ['网站没有响应', '代理后面的网站没有及时响应，请稍后再试。'],
  },
  signIn: '登录',
  signInAgain: '重新登录',
  tryAgain: '重试',
  signOut: '退出登录',
  useAnotherAccount: '使用其他账号',
  home: '返回首页',
  signOutPage: '前往退出登录页面',
  errorCode: '错误代码：',
  settingsToFix: '需要修正的设置：',
  refusedByRule: '拒绝访问的规则：',
  signedInAs: ['当前登录账号：', ''],
  notSignedIn: '您当前未登录。',
  signOutTitle: '退出登录',
  signOutText: '这将结束您在此网站的登录；如身份提供方支持，也会同时退出其登录。',
  signedOutTitle: '您已退出登录',
  signedOutText: '您已退出此网站。如需继续使用，请重新登录。',
}

const traditionalChinese: Messages = {
  errors: {
    config_invalid: ['代理設定有誤', '此代理的設定不正確，需要網站管理員修正。'],
    internal_error: ['出錯了', '代理內部發生了錯誤。'],
    invalid_request: ['請求無效', '此請求無效。'],
    not_found: ['頁面不存在', '此網址沒有任何內容。'],
    unauthenticated: ['需要登入', '您尚未登入，或您的工作階段已結束。'],
    login_state_invalid: ['無法完成登入', '此登入連結無效、已過期或已被使用。'],
    login_failed: ['登入失敗', '此次登入未能完成。'],
    access_denied: ['登入遭拒', '此次登入已在身分提供者端被取消或拒絕。'],
    cross_site_request: ['請求遭拒', '此請求來自其他網站，已被拒絕。'],
    forbidden: ['無權存取', '此網站不允許您的帳號存取。'],
    idp_error: ['身分提供者回應有誤', '身分提供者傳回的回應無法使用。'],
    idp_unavailable: ['暫時無法連線到身分提供者', '目前無法連線到身分提供者，請稍後再試。'],
    rate_limited: ['請求過多', '來自您位址的請求過多，請一分鐘後再試。'],
    session_store_unavailable: [
      '工作階段服務暫時無法使用',
      '目前無法存取工作階段儲存，請稍後再試。',
    ],
    origin_unavailable: ['網站暫時無法連線', '目前無法連線到代理後方的網站。'],
    origin_timeout: ['網站沒有回應', '代理後方的網站沒有及時回應，請稍後再試。'],
  },
  signIn: '登入',
  signInAgain: '重新登入',
  tryAgain: '重試',
  signOut: '登出',
  useAnotherAccount: '使用其他帳號',
  home: '返回首頁',
  signOutPage: '前往登出頁面',
  errorCode: '錯誤代碼：',
  settingsToFix: '需要修正的設定：',
  refusedByRule: '拒絕存取的規則：',
  signedInAs: ['目前登入帳號：', ''],
  notSignedIn: '您目前未登入。',
  signOutTitle: '登出',
  signOutText: '這將結束您在此網站的登入；如身分提供者支援，也會同時登出。',
  signedOutTitle: '您已登出',
  signedOutText: '您已登出此網站。如需繼續使用，請重新登入。',
}

const BY_LOCALE: Record<Locale, Messages> = {
  en: english,
  'zh-Hans': simplifiedChinese,
  'zh-Hant': traditionalChinese,
}

/** The words for `locale`. */
export function messages(locale: Locale): Messages {
  return BY_LOCALE[locale]
}
