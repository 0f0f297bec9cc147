import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fault scenarios that take minutes (a 3-minute outage, minute-long 503 and 429 storms) run only with
    // S2D_LONG_FAULTS=1, which `npm run test:faults` sets; the default `npm test` stays within minutes.
    exclude: process.env.S2D_LONG_FAULTS === '1' ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/**/*.long.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // CLI processes the tests spawn run the sources under test, never a build made before the last edit
    // (test/e2e/compiled-bin.test.ts checks the build itself).
    env: { S2D_FROM_SOURCE: '1' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites spawn redis-server, simulator and worker processes; two cores are enough for two files.
    maxWorkers: 2,
  },
});
