/**
 * Vitest global setup (runs in Node, not workerd): starts the real `oidc-provider` and the echo
 * origin on loopback and hands their URLs to the tests through `inject()`.
 */
import type { TestProject } from 'vitest/node'
import { startAuthingFake } from '../../dev/authing-fake.ts'
import { startIdp } from '../../dev/idp.ts'
import { startOrigin } from '../../dev/origin.ts'
import { AUTHING_CLIENTS, REDIRECT_URIS, TEST_CLIENTS } from './clients.ts'

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
  const authing = await startAuthingFake(
    Object.values(AUTHING_CLIENTS).map((c) => ({
      id: c.id,
      method: c.method,
      ...(c.secret !== undefined && { secret: c.secret }),
    }))
  )
  project.provide('issuer', idp.issuer)
  project.provide('originUrl', origin.url)
  project.provide('authingHost', authing.appHost)
  return async () => {
    await Promise.all([idp.close(), origin.close(), authing.close()])
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    issuer: string
    originUrl: string
    authingHost: string
  }
}
