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
/**
 * The other folders run the tests that exercise them, not all of test/core: Stryker's dry run executes every
 * included test once before it mutates anything, and the whole of test/core takes minutes per run.
 */
const FOLDER_TESTS: Record<string, string[]> = {
  'core/hunt': ['test/core/hunt/**/*.test.ts'],
  // The CLI's in-process tests (rules-folder.test.ts is left out below).
  'core/cli': ['test/core/cli/**/*.test.ts', 'test/core/hunt/hunt-cli.test.ts'],
  'core/aws': ['test/core/aws/**/*.test.ts'],
  'core/detection/engines': ['test/core/detection/engines/**/*.test.ts', 'test/core/detection/sql/duckdb-conformance.test.ts'],
  // The input tests, and the engines' tests, which read every input shape through it (the parallel engine's
  // block reader, ndjson-block.ts, is run in-process by job-evaluation.test.ts).
  'core/detection/input': ['test/core/detection/input/**/*.test.ts', 'test/core/detection/engines/**/*.test.ts'],
  'core/detection/logsources': ['test/core/detection/logsources/**/*.test.ts', 'test/core/detection/sigma-*.test.ts'],
  // The oracles' own tests, the KQL oracle's documentation cases and the KQL correlation oracle's tests:
  // conformance.test.ts runs the whole catalog through every oracle, so every mutant would re-run it.
  'core/detection/targets': ['test/core/detection/targets/**/*.test.ts', 'test/core/detection/kql-*.test.ts', 'test/core/detection/correlation-kql.test.ts'],
  // Its unit tests only: the rest of test/core/detection loads and runs the whole catalog, which every
  // evaluator or loader mutant would re-run (Stryker estimated days for the folder on 2 cores). Measured so
  // far with --mutate over expand, placeholders, expr, field-path, condition and evaluator, then correlation and
  // rule-index (bench/mutation-results.md).
  'core/detection': [
    ...['evaluator', 'rule-meaning', 'sigma-modifiers', 'sigma-wildcards', 'sigma-refusals', 'pipeline'].map((name) => `test/core/detection/${name}.test.ts`),
    // correlation.ts and rule-index.ts (measured with --mutate over those two files), the loaders.
    ...['correlation-evaluation', 'correlation-loading', 'correlation-detect', 'rule-index', 'sigma-loading'].map(
      (name) => `test/core/detection/${name}.test.ts`,
    ),
    // The tests written to kill that run's surviving mutants (bench/mutation-triage.json).
    'test/core/detection/*-mutants.test.ts',
  ],
};
/** The CLI's test that runs a child as another user, who cannot read Stryker's sandbox, is left out. */
const exclude = folder === 'core/cli' ? ['test/core/cli/rules-folder.test.ts'] : ['test/core/cli/**'];
const include = ci
  ? ['test/core/net/**/*.test.ts', 'test/core/config/**/*.test.ts']
  : cloud
    ? [
        `test/stacks/${cloud}/**/*.test.ts`,
        `test/constructs/${cloud}/**/*.test.ts`,
        'test/core/config/**/*.test.ts',
        ...(cloud === 'gcp' ? ['test/core/gcp/**/*.test.ts'] : []),
      ]
    : (FOLDER_TESTS[folder ?? ''] ?? ['test/core/**/*.test.ts']);

export default defineConfig({
  test: {
    include,
    exclude,
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
