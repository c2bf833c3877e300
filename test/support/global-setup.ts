/**
 * Vitest global setup (runs in Node, not workerd): starts the real `oidc-provider` and the echo
 * origin on loopback and hands their URLs to the tests through `inject()`.
 */
import type { TestProject } from 'vitest/node'
import { startIdp } from '../../dev/idp.ts'
import { startOrigin } from '../../dev/origin.ts'
import { REDIRECT_URIS, TEST_CLIENTS } from './clients.ts'

export default async function setup(project: TestProject) {
  const idp = await startIdp({
    recordRequests: true,
    clients: Object.values(TEST_CLIENTS).map((c) => ({
      client_id: c.id,
      ...(c.secret !== undefined && { client_secret: c.secret }),
      token_endpoint_auth_method: c.method,
      redirect_uris: REDIRECT_URIS,
    })),
  })
  const origin = await startOrigin()
  project.provide('issuer', idp.issuer)
  project.provide('originUrl', origin.url)
  return async () => {
    await Promise.all([idp.close(), origin.close()])
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    issuer: string
    originUrl: string
  }
}
