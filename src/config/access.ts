/**
 * @module
 * Who may enter and what is open to all: `ROUTES` (config/routes.ts), `PUBLIC_PATHS`,
 * `ALLOW_CORS_PREFLIGHT`, the allow-list (`ALLOWED_EMAIL_DOMAINS`, `ALLOWED_EMAILS`,
 * `ALLOWED_GROUPS`, `ALLOW_UNVERIFIED_EMAIL`) and `GROUPS_CLAIM`. The rules themselves live in
 * access/. `ROUTES` come first, then `PUBLIC_PATHS` as `public` rules; the allow-list is the
 * default's, for a request no rule matches.
 */
import { parseAllowList, type AllowList } from '../access/allow-list'
import { parsePublicPaths, type PublicPath } from '../access/public-paths'
import { DEFAULT_GROUPS_CLAIM } from '../session/claims'
import type { SettingReaders } from './readers'
import { readRoutes, type RouteSettings } from './routes'

/** The access settings. */
export interface AccessSettings extends RouteSettings {
  /** Paths that reach the origin without sign-in (access/public-paths.ts). */
  publicPaths: readonly PublicPath[]
  /** Let CORS preflights (`OPTIONS` with `Access-Control-Request-Method`) through without sign-in. */
  allowCorsPreflight: boolean
  /** Who may enter where no rule matches (access/allow-list.ts); open when empty. */
  allowList: AllowList
  /** The claim that holds the user's groups (ID token or userinfo). */
  groupsClaim: string
}

/** Reads the access settings; problems go to `read`. */
export function readAccess(read: SettingReaders): AccessSettings {
  const publicPaths = parsePublicPaths(read.text('PUBLIC_PATHS'))
  publicPaths.problems.forEach(read.problem)
  const allowCorsPreflight = read.boolean('ALLOW_CORS_PREFLIGHT', false)
  const allowUnverifiedEmail = read.boolean('ALLOW_UNVERIFIED_EMAIL', false)
  const allowList = parseAllowList({
    domains: read.text('ALLOWED_EMAIL_DOMAINS'),
    emails: read.text('ALLOWED_EMAILS'),
    groups: read.text('ALLOWED_GROUPS'),
    allowUnverifiedEmail,
  })
  allowList.problems.forEach(read.problem)
  return {
    ...readRoutes(read, publicPaths.paths, allowUnverifiedEmail),
    publicPaths: Object.freeze(publicPaths.paths),
    allowCorsPreflight,
    allowList: allowList.list,
    groupsClaim: read.text('GROUPS_CLAIM') ?? DEFAULT_GROUPS_CLAIM,
  }
}
