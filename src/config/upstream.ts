/**
 * @module
 * The opt-in upstream extras oauth2-proxy and Pomerium users rely on: `PASS_ACCESS_TOKEN`
 * (`X-Forwarded-Access-Token`, off by default) and `CLAIM_HEADERS` (claims forwarded as headers,
 * utils/claim-headers.ts).
 */
import { isIdentityHeaderName } from '../proxy/identity-headers'
import { parseClaimHeaders, type ClaimHeader } from '../utils/claim-headers'
import type { SettingReaders } from './readers'

/** The upstream extras' settings. */
export interface UpstreamSettings {
  /** Send the access token upstream in `X-Forwarded-Access-Token`. */
  passAccessToken: boolean
  /** Extra claims forwarded as headers (`CLAIM_HEADERS`), in order. */
  claimHeaders: readonly ClaimHeader[]
  /** The normalised names of `claimHeaders`: every client spelling of them is removed. */
  claimHeaderNames: ReadonlySet<string>
}

/** Reads the upstream extras; problems go to `read`. */
export function readUpstream(read: SettingReaders): UpstreamSettings {
  const passAccessToken = read.boolean('PASS_ACCESS_TOKEN', false)
  const parsed = parseClaimHeaders(read.text('CLAIM_HEADERS'))
  const problems = [...parsed.problems]
  // A claim may not pose as what the proxy strips as untrusted (X-Forwarded-User, X-Real-IP, a
  // method override...); under the proxy's own prefix X-Auth-Request-* it is at home.
  const headers = parsed.headers.filter((h, i) => {
    const untrusted = isIdentityHeaderName(h.header) && !h.normalised.startsWith('x-auth-request-')
    if (untrusted)
      problems.push(`CLAIM_HEADERS header ${i + 1} is one the proxy strips as untrusted`)
    return !untrusted
  })
  for (const problem of problems) read.problem(problem)
  return {
    passAccessToken,
    claimHeaders: Object.freeze(headers.map((h) => Object.freeze(h))),
    claimHeaderNames: new Set(headers.map((h) => h.normalised)),
  }
}
