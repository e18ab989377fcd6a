import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant (stryker.config.mjs): the unit tests of core/, without the
 * CLI, stack and whole-organization suites, which spawn processes (some as another user, who cannot read
 * Stryker's sandbox) and synthesize apps. The CI subset (core/net) needs only the CIDR and config tests.
 */
const ci = process.env['STRYKER_SCOPE'] === 'ci';
/**
 * core/gcp and core/azure are exercised mostly through the Pulumi programs and components (test/stacks,
 * test/constructs), which plan under Pulumi mocks in-process and spawn nothing: their folder runs those,
 * and core/gcp's unit tests (test/core/gcp).
 */
const folder = process.env['STRYKER_FOLDER']?.replace(/\/+$/, '');
const cloud = folder === 'core/gcp' ? 'gcp' : folder === 'core/azure' ? 'azure' : undefined;
const include = ci
  ? ['test/core/net/**/*.test.ts', 'test/core/config/**/*.test.ts']
  : cloud
    ? [
        `test/stacks/${cloud}/**/*.test.ts`,
        `test/constructs/${cloud}/**/*.test.ts`,
        'test/core/config/**/*.test.ts',
        ...(cloud === 'gcp' ? ['test/core/gcp/**/*.test.ts'] : []),
      ]
    : ['test/core/**/*.test.ts'];

export default defineConfig({
  test: {
    include,
    exclude: ['test/core/cli/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
