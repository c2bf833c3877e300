import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { endpointUrl } from '../../src/oauth/endpoints'
import { OAuthClientError, toOAuthClientError } from '../../src/oauth/errors'

const bodyError = (body: Record<string, unknown>, status = 400) =>
  new oauth.ResponseBodyError('server responded with an error in the response body', {
    cause: body as never,
    response: new Response(JSON.stringify(body), { status }),
  })

describe('toOAuthClientError', () => {
  it('keeps a registered error code and its description', () => {
    const err = toOAuthClientError(
      'token',
      bodyError({ error: 'invalid_grant', error_description: 'expired' })
    )
    expect(err).toMatchObject({
      kind: 'rejected',
      status: 400,
      error: 'invalid_grant',
      errorDescription: 'expired',
    })
  })

  it('never carries an unregistered error value, which could be an echoed secret or token', () => {
    const secret = 'deadbeefdeadbeefdeadbeefdeadbeef'
    const err = toOAuthClientError('token', bodyError({ error: secret }))
    expect(err.error).toBe('unrecognized_error')
    expect(err.message).not.toContain(secret)
  })

  it.each([42, {}, ['a'], null])('copes with a non-string error_description %j', (description) => {
    const err = toOAuthClientError(
      'token',
      bodyError({ error: 'invalid_grant', error_description: description })
    )
    expect(err).toBeInstanceOf(OAuthClientError)
    expect(err.errorDescription).toBeUndefined()
  })

  it('counts a timeout while reading the body as unavailable', () => {
    const timeout = new DOMException('The operation timed out.', 'TimeoutError')
    const parse = new oauth.OperationProcessingError('failed to parse "response" body as JSON', {
      cause: timeout,
    })
    expect(toOAuthClientError('token', parse).kind).toBe('unavailable')
  })
})

describe('endpointUrl', () => {
  const as = (fields: Record<string, string>) =>
    ({ issuer: 'https://idp.test', ...fields }) as oauth.AuthorizationServer

  it('turns an unparsable endpoint into an OAuthClientError', () => {
    expect(() =>
      endpointUrl(as({ authorization_endpoint: '::not a url' }), 'authorization')
    ).toThrow(OAuthClientError)
  })

  it.each(['javascript:alert(1)//', 'http://evil.example/logout', 'data:text/html,x'])(
    'refuses the browser-facing endpoint %s (https, or http on loopback only)',
    (value) => {
      expect(() => endpointUrl(as({ end_session_endpoint: value }), 'end_session')).toThrow(
        OAuthClientError
      )
      expect(() => endpointUrl(as({ authorization_endpoint: value }), 'authorization')).toThrow(
        OAuthClientError
      )
    }
  )

  it('accepts https, and http on loopback', () => {
    expect(
      endpointUrl(as({ authorization_endpoint: 'https://idp.test/auth' }), 'authorization').href
    ).toBe('https://idp.test/auth')
    expect(
      endpointUrl(as({ end_session_endpoint: 'http://127.0.0.1:9/end' }), 'end_session').href
    ).toBe('http://127.0.0.1:9/end')
  })
})
