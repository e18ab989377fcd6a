import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Synthesising CDK apps is CPU-bound; two cores, so two workers.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    snapshotFormat: { printBasicPrototype: false },
  },
});
