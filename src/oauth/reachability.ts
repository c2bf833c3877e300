/**
 * @module
 * Is the provider reachable now? For `/_auth/ready`: a fresh discovery when there is an issuer
 * (never the isolate's remembered metadata, which would hide an outage), else one `GET` of the
 * token endpoint, where any answer below 500 (a 400 or 405 to a bare GET) means it is up.
 */
import { endpointUrl, resolveProvider } from './endpoints'
import { OAuthClientError } from './errors'
import { DEFAULT_TIMEOUT_MS, type OAuthClientOptions } from './options'

/**
 * Checks that the provider answers, within the client's timeout.
 * @throws {OAuthClientError} (`discovery` or `token`) when it does not.
 */
export async function probeProvider(options: OAuthClientOptions): Promise<void> {
  const metadata = await resolveProvider(options, new Map())
  if (options.issuer && !options.appHost) return
  const url = endpointUrl(metadata, 'token')
  const fetchImpl = options.fetch ?? fetch
  let response: Response
  try {
    response = await fetchImpl(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
  } catch (err) {
    throw new OAuthClientError('token', 'unavailable', { cause: err })
  }
  await response.body?.cancel()
  if (response.status >= 500 || response.status === 429) {
    throw new OAuthClientError('token', 'unavailable', { status: response.status })
  }
}
