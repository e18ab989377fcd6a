import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant (stryker.config.mjs): the unit tests of core/, without the
 * CLI, stack and whole-organization suites, which spawn processes (some as another user, who cannot read
 * Stryker's sandbox) and synthesize apps. The CI subset (core/net) needs only the CIDR and config tests.
 */
const ci = process.env['STRYKER_SCOPE'] === 'ci';

export default defineConfig({
  test: {
    include: ci ? ['test/core/net/**/*.test.ts', 'test/core/config/**/*.test.ts'] : ['test/core/**/*.test.ts'],
    exclude: ['test/core/cli/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
