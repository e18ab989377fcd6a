/**
 * Synth time of the full AWS app (bin/aws.ts on the example config) against an empty CDK app, both run
 * as the CDK CLI runs them (a Node process with CDK_OUTDIR and cdk.json's context). Reports medians and
 * the ratio; absolute times vary by machine, the ratio much less.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const context = JSON.stringify((JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: unknown }).context);

export function timeApp(entry: string): number {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: context, GUARDRAILS_CONFIG: 'guardrails.example.yaml' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${entry} failed: ${result.stderr}`);
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchSynth(runs = 5): { emptyMs: number; fullMs: number; ratio: number } {
  const empty: number[] = [];
  const full: number[] = [];
  // Interleaved so that machine noise hits both alike.
  for (let i = 0; i < runs; i++) {
    empty.push(timeApp('bench/empty-app.ts'));
    full.push(timeApp('bin/aws.ts'));
  }
  return { emptyMs: median(empty), fullMs: median(full), ratio: median(full) / median(empty) };
}
