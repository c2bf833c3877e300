/**
 * `npm run --silent jwt-key` (node scripts/jwt-key.ts): a new signing key for the identity
 * assertion (`X-Auth-Request-Jwt`).
 * Prints the private JWK (the secret) and the public JWK (keep it: at the next rotation it becomes
 * `IDENTITY_JWT_PREVIOUS_PUBLIC_KEY`). Nothing is written to disk. See docs/origin-trust.md.
 *
 *   npm run --silent jwt-key                      both, with instructions
 *   npm run --silent jwt-key -- --private-only    the private JWK alone, for a pipe:
 *   npm run --silent jwt-key -- --private-only | npx wrangler secret put IDENTITY_JWT_PRIVATE_KEY
 */
import { generateIdentityKey } from '../dev/jwt-key.ts'

const key = await generateIdentityKey()
if (process.argv.includes('--private-only')) {
  process.stdout.write(`${key.privateJwk}\n`)
} else {
  console.log(`Private key (kid ${key.kid}): the secret IDENTITY_JWT_PRIVATE_KEY, e.g.
  npx wrangler secret put IDENTITY_JWT_PRIVATE_KEY   (paste it when asked)

${key.privateJwk}

Public key: published at /_auth/jwks.json. Keep it: at the next rotation it goes into
IDENTITY_JWT_PREVIOUS_PUBLIC_KEY while the new private key takes over.

${key.publicJwk}`)
}
