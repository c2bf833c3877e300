/**
 * The floor: a pass-through Worker (`fetch` to the origin, nothing else); and, for the loops
 * inside the proxy's isolate, the floor issue 16 names for a signed-in request
 * ({@link floorPassThrough}).
 */
interface BareEnv {
  ORIGIN_URL: string
}

/** The whole of the floor: the request's path and query at `originUrl`, sent with `fetchImpl`. */
export function passThrough(
  request: Request,
  originUrl: string,
  fetchImpl: typeof fetch = fetch
): Promise<Response> {
  const url = new URL(request.url)
  return fetchImpl(`${originUrl}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
  })
}

/** A signed-in user as the floor forwards one: remembered per cookie value. */
interface FloorUser {
  sub: string
  email: string
  assertion: string
}
const floorUsers = new Map<string, FloorUser>()

/**
 * The least a signed-in request can cost an auth proxy, as issue 16 names it: a memory lookup
 * (the user by the cookie's value), the header edits (the client's cookie and host out; the
 * forwarding headers, the identity and a signed assertion of the same size as the proxy's in),
 * one fetch, and the answer marked private. No checks, no log line, no origin timer: what the
 * proxy does beyond this is what the other issues asked of it.
 */
export async function floorPassThrough(
  request: Request,
  originUrl: string,
  fetchImpl: typeof fetch = fetch
): Promise<Response> {
  const url = new URL(request.url)
  const cookie = request.headers.get('cookie') ?? ''
  let user = floorUsers.get(cookie)
  if (!user) {
    user = { sub: 'bench-user', email: 'bench@example.com', assertion: 'x'.repeat(700) }
    floorUsers.set(cookie, user)
  }
  const headers = new Headers(request.headers)
  headers.delete('cookie')
  headers.delete('host')
  headers.set('X-Forwarded-Host', url.host)
  headers.set('X-Forwarded-Proto', url.protocol.slice(0, -1))
  headers.set('X-Auth-Request-User', user.sub)
  headers.set('X-Auth-Request-Email', user.email)
  headers.set('X-Auth-Request-Jwt', user.assertion)
  const response = await fetchImpl(`${originUrl}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body: request.body,
    redirect: 'manual',
    cache: 'no-store',
  })
  const answer = new Response(response.body, response)
  answer.headers.set('Cache-Control', 'private')
  return answer
}

export default {
  fetch(request: Request, env: BareEnv): Promise<Response> {
    return passThrough(request, env.ORIGIN_URL)
  },
}
