/**
 * @module
 * `GET /_auth/login?rd=/path[&prompt=login]`: starts a sign-in (helper/start-login.ts) that
 * returns to `rd`.
 */
import type { Context } from 'hono'
import { ProxyError } from '../errors'
import { PROMPTS, startLogin, type Prompt } from '../helper/start-login'
import type { AppEnv } from '../types'
import { safeReturnTo } from '../utils/return-to'

/**
 * `GET /_auth/login?rd=...[&prompt=login]`: starts a sign-in that returns to `rd` (same-origin
 * only, else `/`).
 * @throws {ProxyError} `invalid_request` for a `prompt` other than `login` or `select_account`.
 */
export function login(c: Context<AppEnv>): Promise<Response> {
  const url = c.get('url')
  const prompt = url.searchParams.get('prompt')
  if (prompt !== null && !PROMPTS.includes(prompt as Prompt)) {
    throw new ProxyError('invalid_request', {
      description: 'prompt must be login or select_account.',
    })
  }
  return startLogin(
    c,
    safeReturnTo(url.searchParams.get('rd'), url.origin),
    (prompt as Prompt | null) ?? undefined
  )
}
