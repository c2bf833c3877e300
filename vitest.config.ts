import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Miniflare must not download the `Request.cf` object: tests send traffic to loopback only.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Starts the real OpenID Connect provider and the echo origin on loopback (in Node).
    globalSetup: ['test/support/global-setup.ts'],
  },
})
