/**
 * @module
 * The opt-in upstream extras oauth2-proxy and Pomerium users rely on: `PASS_ACCESS_TOKEN`
 * (`X-Forwarded-Access-Token`, off by default) and `CLAIM_HEADERS` (claims forwarded as headers,
 * utils/claim-headers.ts).
 */
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
  const { headers, problems } = parseClaimHeaders(read.text('CLAIM_HEADERS'))
  for (const problem of problems) read.problem(problem)
  return {
    passAccessToken,
    claimHeaders: Object.freeze(headers.map((h) => Object.freeze(h))),
    claimHeaderNames: new Set(headers.map((h) => h.normalised)),
  }
}
