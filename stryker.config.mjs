// Mutation testing (StrykerJS): `npm run mutation` mutates all of core/, incrementally (reports/ keeps the
// previous run, so only changed code is re-tested); `npm run mutation:ci` mutates the fast subset CI runs
// and fails below its break threshold. Results per folder are recorded in bench/mutation-results.md.
const fast = process.env.STRYKER_SCOPE === 'ci';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: fast ? ['core/net/**/*.ts'] : ['core/**/*.ts'],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: !fast,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'json'],
  jsonReporter: { fileName: fast ? 'reports/mutation-ci.json' : 'reports/mutation.json' },
  concurrency: 2,
  timeoutMS: 30_000,
  thresholds: { high: 90, low: 75, break: fast ? 75 : null },
  tempDirName: '.stryker-tmp',
};
