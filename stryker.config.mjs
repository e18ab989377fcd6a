// Mutation testing (StrykerJS): `npm run mutation` mutates all of core/, incrementally (reports/ keeps the
// previous run, so only changed code is re-tested); `npm run mutation:ci` mutates the fast subset CI runs
// and fails below its break threshold. Results per folder are recorded in bench/mutation-results.md.
const fast = process.env.STRYKER_SCOPE === 'ci';
// STRYKER_FOLDER=core/detection/compilers mutates one folder, with a report and incremental file of its
// own: the full core/ run is ~10,000 mutants (hours on 2 cores), so folders are run and recorded one by one.
const folder = process.env.STRYKER_FOLDER?.replace(/\/+$/, '');
const slug = folder ? folder.replace(/[^a-z0-9]+/gi, '-') : 'core';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // The TypeScript checker type-checks each mutant against the whole program (4,000 declaration files):
  // thorough, but minutes per file. The CI subset leaves it out; its mutants are judged by the tests alone.
  checkers: fast ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // core/detection means its own files: each of its subfolders is a folder of its own.
  mutate: fast ? ['core/net/**/*.ts'] : folder ? [folder === 'core/detection' ? `${folder}/*.ts` : `${folder}/**/*.ts`] : ['core/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (reached only while a test file loads) are skipped, since each would re-run every test,
  // except in core/gcp and core/azure: the Pulumi program tests plan at load time (top-level await), so
  // nearly every mutant there is static, and their folder runs only the few test files that reach it.
  ignoreStatic: !(folder === 'core/gcp' || folder === 'core/azure'),
  incremental: !fast,
  incrementalFile: `reports/stryker-incremental-${slug}.json`,
  reporters: ['clear-text', 'json'],
  jsonReporter: { fileName: fast ? 'reports/mutation-ci.json' : `reports/mutation-${slug}.json` },
  concurrency: 2,
  timeoutMS: 30_000,
  // The CI subset's break threshold is its measured score (bench/mutation-results.md): it may rise, never drop.
  thresholds: { high: 90, low: 75, break: fast ? 88 : null },
  tempDirName: '.stryker-tmp',
};
