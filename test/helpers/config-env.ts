/**
 * @module
 * A complete, valid `env` for the configuration's unit tests (run in workerd: the bindings are
 * the test pool's), to which each test adds or changes the settings it is about.
 */
import { env } from 'cloudflare:test'
import { expect } from 'vitest'
import { ConfigError, parseConfig, type Env } from '../../src/config'
import { TEST_IDENTITY_KEY } from '../support/identity-keys'

/** Every required setting, valid, with `overrides` over them. */
export const validEnv = (overrides: Record<string, unknown> = {}): Env =>
  ({
    SESSIONS: (env as unknown as Env).SESSIONS,
    SESSION_AUTHORITY: (env as unknown as Env).SESSION_AUTHORITY,
    ORIGIN_URL: 'https://origin.example.com',
    OAUTH_ISSUER: 'https://idp.example.com/oidc',
    CLIENT_ID: 'client',
    CLIENT_SECRET: 'super-secret-value',
    REDIRECT_URI: 'https://app.example.com/_auth/callback',
    COOKIE_SECRET: 'c'.repeat(32),
    IDENTITY_JWT_PRIVATE_KEY: TEST_IDENTITY_KEY,
    ...overrides,
  }) as Env

/**
 * The problems `parseConfig` names for {@link validEnv} with `overrides` (none when it accepts
 * them); anything thrown but a `ConfigError` fails the test.
 */
export function configProblems(overrides: Record<string, unknown>): string[] {
  try {
    parseConfig(validEnv(overrides))
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return [...(err as ConfigError).problems]
  }
  return []
}
