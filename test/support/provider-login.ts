/**
 * Signing in through a provider's own pages the way a browser does, for the tests (in workerd)
 * and the bench (in Node) alike: redirects followed by hand, cookies kept per host, the login
 * form submitted with a user name. Only `fetch`, `URL` and `Headers`, so it runs in both.
 */

/** A cookie jar for one host: name -> value, ignoring paths and expiry (enough for one site). */
export class CookieJar {
  readonly cookies = new Map<string, string>()
  /** Keeps the cookies a response sets; a cookie set empty or expired is removed. */
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '')
        this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  /** The `Cookie` header for the cookies held. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/** Options for {@link followLogin}. */
export interface FollowLoginOptions {
  /** Stop on reaching `url` by a redirect, without fetching it (e.g. the way back to the site). */
  stopBefore?: (url: URL) => boolean
  /** Wraps each hop's fetch (hop 0 is `start`), e.g. to measure it. */
  around?: (url: URL, hop: number, go: () => Promise<Response>) => Promise<Response>
}

/** Where {@link followLogin} ended, with the cookies of every host on the way. */
export interface FollowedLogin {
  /** The URL it stopped before (`stopBefore`), or the last page's. */
  url: URL
  /** The last page, when it stopped at one: its status and body. */
  page?: { status: number; body: string }
  /** The cookie jar of `host`. */
  jar(host: string): CookieJar
}

/**
 * From `start`, follows redirects and submits every login form (the first `<form action>` of a
 * 200 page) with `username`, until `stopBefore` says so or a page has no form.
 * @throws after 25 hops.
 */
export async function followLogin(
  start: URL,
  username: string,
  { stopBefore, around = (_url, _hop, go) => go() }: FollowLoginOptions = {}
): Promise<FollowedLogin> {
  const jars = new Map<string, CookieJar>()
  const jar = (host: string) => {
    let found = jars.get(host)
    if (!found) jars.set(host, (found = new CookieJar()))
    return found
  }
  let url = start
  let init: RequestInit = {}
  for (let hop = 0; hop < 25; hop++) {
    const headers = new Headers(init.headers)
    if (!headers.has('accept')) headers.set('accept', 'text/html')
    const cookies = jar(url.host)
    if (cookies.cookies.size) headers.set('cookie', cookies.header())
    const request = { ...init, headers, redirect: 'manual' } as const
    const target = url
    const res = await around(url, hop, () => fetch(target, request))
    cookies.store(res)
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url)
      init = {}
      if (stopBefore?.(url)) return { url, jar }
      continue
    }
    const body = await res.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1]
    if (res.status !== 200 || !action) return { url, page: { status: res.status, body }, jar }
    url = new URL(action.replace(/&#47;/g, '/'), url)
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username }).toString(),
    }
  }
  throw new Error('sign-in did not finish within 25 hops')
}
