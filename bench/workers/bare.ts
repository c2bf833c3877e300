/**
 * The floor: a pass-through Worker (`fetch` to the origin, nothing else).
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

export default {
  fetch(request: Request, env: BareEnv): Promise<Response> {
    return passThrough(request, env.ORIGIN_URL)
  },
}
