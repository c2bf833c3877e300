/**
 * Vitest global setup (runs in Node, not workerd): starts the real `oidc-provider` and the echo
 * origin on loopback and hands their URLs to the tests through `inject()`.
 */
import type { TestProject } from 'vitest/node'
import { startAuthingFake } from '../../dev/authing-fake.ts'
import { startIdp } from '../../dev/idp.ts'
import { startOrigin } from '../../dev/origin.ts'
import { AUTHING_CLIENTS, REDIRECT_URIS, SITE, TEST_CLIENTS } from './clients.ts'
import { publicJwkOf, TEST_IDENTITY_KEY } from './identity-keys.ts'
import { startFaultOrigin } from './fault-origin.ts'
import { startWsOrigin } from './ws-origin.ts'

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
  // The origin checks the assertion as a real one would (npm jose), against the harness's key.
  const jwks = { keys: [JSON.parse(publicJwkOf(TEST_IDENTITY_KEY))] }
  const origin = await startOrigin(0, { verifyAssertion: { site: SITE, jwks } })
  const wsOrigin = await startWsOrigin()
  const faultOrigin = await startFaultOrigin()
  const authing = await startAuthingFake(
    Object.values(AUTHING_CLIENTS).map((c) => ({
      id: c.id,
      method: c.method,
      ...(c.secret !== undefined && { secret: c.secret }),
    }))
  )
  project.provide('issuer', idp.issuer)
  project.provide('originUrl', origin.url)
  project.provide('wsOriginUrl', wsOrigin.url)
  project.provide('faultOriginUrl', faultOrigin.url)
  project.provide('authingHost', authing.appHost)
  return async () => {
    await Promise.all([
      idp.close(),
      origin.close(),
      authing.close(),
      wsOrigin.close(),
      faultOrigin.close(),
    ])
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    issuer: string
    originUrl: string
    wsOriginUrl: string
    faultOriginUrl: string
    authingHost: string
  }
}
