/**
 * The order test files start in (vitest.config.ts, `sequence.sequencer`). Each of the two workers takes
 * the next file when it is free, so the suite ends when the worker holding the last long file does: the
 * heaviest files must start first. Vitest orders files by the durations of a previous run (kept in
 * node_modules/.vite), which a fresh checkout, as in CI, does not have: it then starts the largest files
 * first, and the files that spawn processes are small ones. Those durations also leave out the time a
 * file spends loading (a synthesis at top level).
 *
 * So the files below start first, heaviest first. The numbers are CPU seconds each file took on two
 * cores, its worker's time and its child processes' together; only their order matters. Measure again
 * when a file's cost changes a lot. Every other file follows in Vitest's own order.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const HEAVIEST: Readonly<Record<string, number>> = {
  'test/core/detection/engines/parallel-engine.test.ts': 40,
  'test/core/detection/engines/duckdb-streaming.test.ts': 37,
  'test/core/detection/engines/duckdb-engine.test.ts': 19,
  'test/stacks/azure/program.test.ts': 16,
  'test/bin/aws-entry-point.test.ts': 15,
  'test/bin/guardrails-plan.test.ts': 12,
  'test/core/detection/conformance.test.ts': 12,
  'test/core/aws/alarm-plan.test.ts': 11,
  'test/package.test.ts': 8,
  'test/stacks/aws/organization-simulation.test.ts': 8,
  'test/stacks/gcp/program.test.ts': 6,
  'test/core/cli/detect-file-problems.test.ts': 6,
  'test/stands-alone.test.ts': 5,
  'test/core/detection/kql-empty-values.test.ts': 4,
  'test/core/detection/sigmahq-conformance.test.ts': 4,
  'test/bin/guardrails-cli.test.ts': 4,
  'test/stacks/aws/hunting.test.ts': 3,
  'test/core/net/complement.test.ts': 3,
  'test/core/detection/sql/duckdb-conformance.test.ts': 3,
  'test/stacks/gcp/hunting.test.ts': 3,
  'test/stacks/aws/guardrails-stack.test.ts': 3,
  'test/core/detection/sql/sql-parse.test.ts': 2,
};

export class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (file: TestSpecification) => HEAVIEST[relative(file.project.config.root, file.moduleId).replaceAll('\\', '/')] ?? 0;
    // Array.prototype.sort is stable: the files not listed keep vitest's order.
    return (await super.sort(files)).sort((a, b) => weight(b) - weight(a));
  }
}
