import { defineConfig } from 'vitest/config'

/**
 * The real-browser end-to-end tests (`npm run test:browser`): in Node, each file starting the
 * `npm start` stack (dev/stack.ts) on free ports and driving Debian's Chromium through
 * playwright-core. One file at a time: each starts wrangler and a browser.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    // A sign-in is several navigations; a stack start compiles the Worker.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
