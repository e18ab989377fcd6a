import { defineConfig } from 'vitest/config';
import { HeaviestFirst } from './test/sequencer.ts';

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
    // aws-cdk-lib checks every synthesized template with its built-in CloudFormation Validate plugin, a
    // WASM rule engine that costs ~5 s to start in each process and ~1 s per app: a third of the suite's
    // CPU time, in the workers and in the processes the tests start (they inherit this environment).
    // What it finds is only a warning here (cdk.json does not set @aws-cdk/core:validateAgainstDefaultRules),
    // so no test can fail on it and none reads it; CDK_VALIDATION=false is aws-cdk-lib's documented switch.
    // cdk-nag still runs on every synthesis. Remove this if that context key is ever set: the validation
    // would then be a check the tests must run.
    env: { CDK_VALIDATION: 'false' },
    // The heaviest files start first, so that both workers finish together (test/sequencer.ts).
    sequence: { sequencer: HeaviestFirst },
    snapshotFormat: { printBasicPrototype: false },
  },
});
