import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Synthesising CDK apps is CPU-bound; two cores, so two workers.
    pool: 'forks',
    maxWorkers: 2,
    // Test files in one worker share loaded modules: importing aws-cdk-lib, cdk-nag and the Pulumi SDKs
    // once per worker instead of once per file takes the suite from ~94 s to ~73 s. Tests therefore must
    // not mock modules (vi.mock) or leave global state behind; Pulumi mocks are set afresh per plan.
    isolate: false,
    testTimeout: 60_000,
    snapshotFormat: { printBasicPrototype: false },
  },
});
