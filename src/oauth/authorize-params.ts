/**
 * @module
 * Extra authorization request parameters (`OAUTH_AUTHORIZE_PARAMS`, e.g.
 * `prompt=consent&acr_values=urn:mfa&login_hint=a@b.example&max_age=300`), checked once at
 * start, and the `prompt` a sign-in sends (OpenID Connect Core 3.1.2.1 and 11).
 */

/** RFC 6749 8.2: `param-name = 1*name-char`, `name-char = "-" / "." / "_" / DIGIT / ALPHA`. */
const PARAM_NAME = /^[A-Za-z0-9._-]+$/
/** RFC 6749 Appendix A: values are at most VSCHAR (`%x20-7E`), printable ASCII. */
const VSCHAR = /^[\x20-\x7e]+$/

/**
 * What the proxy sets itself (state, nonce, PKCE, where the code goes, for whom, how) or what
 * would replace the whole request (RFC 9101 `request`, `request_uri`): never configurable.
 */
export const RESERVED_AUTHORIZE_PARAMS: ReadonlySet<string> = new Set([
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'redirect_uri',
  'client_id',
  'response_type',
  'response_mode',
  'scope',
  'request',
  'request_uri',
])

/** OpenID Connect Core 3.1.2.1 `prompt` values. */
const PROMPT_VALUES = new Set(['none', 'login', 'consent', 'select_account'])

/**
 * Parses `OAUTH_AUTHORIZE_PARAMS` (form-encoded: `a=1&b=2`).
 * @param scope the configured scope: with `offline_access`, `prompt=none` cannot be honoured.
 * @returns the parameters in order, and a sentence per problem (naming the parameter by name or
 * position, never a value).
 */
export function parseAuthorizeParams(
  value: string | undefined,
  scope: string
): { params: Readonly<Record<string, string>>; problems: string[] } {
  const params: Record<string, string> = {}
  const problems: string[] = []
  if (value === undefined) return { params, problems }
  const setting = 'OAUTH_AUTHORIZE_PARAMS'
  value.split('&').forEach((pair, i) => {
    if (pair === '') return
    const eq = pair.indexOf('=')
    let name: string
    let decoded: string
    try {
      name = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '))
      decoded = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '))
    } catch {
      return problems.push(`${setting} entry ${i + 1} is not form-encoded`)
    }
    if (!PARAM_NAME.test(name)) {
      return problems.push(`${setting} entry ${i + 1} has a name RFC 6749 does not allow`)
    }
    if (RESERVED_AUTHORIZE_PARAMS.has(name.toLowerCase())) {
      return problems.push(`${setting} must not set ${name.toLowerCase()} (the proxy sets it)`)
    }
    if (Object.hasOwn(params, name)) return problems.push(`${setting} sets ${name} twice`)
    if (!VSCHAR.test(decoded)) {
      return problems.push(`${setting} ${name} must have a value of printable ASCII characters`)
    }
    params[name] = decoded
  })
  const prompt = params.prompt?.split(' ')
  if (
    prompt &&
    (!prompt.every((p) => PROMPT_VALUES.has(p)) || (prompt.includes('none') && prompt.length > 1))
  ) {
    problems.push(`${setting} prompt must be none, or any of login, consent, select_account`)
  } else if (prompt?.includes('none') && scope.split(' ').includes('offline_access')) {
    problems.push(
      `${setting} prompt=none cannot be used with offline_access in OAUTH_SCOPE (it needs consent)`
    )
  }
  if (params.max_age !== undefined && !/^\d{1,9}$/.test(params.max_age)) {
    problems.push(`${setting} max_age must be a whole number of seconds`)
  }
  return { params: Object.freeze(params), problems }
}

/**
 * The `prompt` of one authorization request: the sign-in's own (`login` for "use another
 * account") wins over the configured one; with `offline_access` in the scope, `consent` is added,
 * as Authing's SDK does and OpenID Connect Core 11 asks (without it a provider may issue no
 * refresh token).
 * @returns the space-separated prompt, or undefined for none.
 */
export function promptFor(
  requested: string | undefined,
  configured: string | undefined,
  scope: string
): string | undefined {
  const prompts = (requested ?? configured)?.split(' ') ?? []
  if (scope.split(' ').includes('offline_access') && !prompts.includes('consent')) {
    if (!prompts.includes('none')) prompts.push('consent')
  }
  return prompts.length ? prompts.join(' ') : undefined
}
