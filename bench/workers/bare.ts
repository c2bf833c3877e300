/**
 * The floor: a pass-through Worker (`fetch` to the origin, nothing else).
 */
interface BareEnv {
  ORIGIN_URL: string
}

export default {
  fetch(request: Request, env: BareEnv): Promise<Response> {
    const url = new URL(request.url)
    return fetch(`${env.ORIGIN_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
    })
  },
}
