/**
 * `guardrails plan --cloud all` (AWS assembly with cdk-nag, both Pulumi plans, report, ATT&CK layer)
 * against `cdk synth` alone (bin/aws.ts as the CDK CLI runs it), interleaved in the same run, median of
 * `runs`. The ratio is what the one command costs over the synth a user would run anyway. Both run from
 * the sources through tsx, so the ratio compares the work, not the loaders (`npm run bench -- package`
 * compares the build with tsx).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { timeApp } from './synth.ts';

function timePlan(cloud: string): number {
  const out = mkdtempSync(join(tmpdir(), 'bench-plan-'));
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/guardrails.ts', 'plan', '--cloud', cloud, '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, GUARDRAILS_CONFIG: '' },
  });
  if (result.status !== 0) throw new Error(`plan --cloud ${cloud} failed: ${result.stderr}`);
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchPlan(runs = 3): string[] {
  const synth: number[] = [];
  const all: number[] = [];
  const aws: number[] = [];
  for (let i = 0; i < runs; i++) {
    synth.push(timeApp('bin/aws.ts'));
    aws.push(timePlan('aws'));
    all.push(timePlan('all'));
  }
  const base = median(synth);
  return [
    `plan: cdk synth alone ${base.toFixed(0)} ms; plan --cloud aws ${median(aws).toFixed(0)} ms (ratio ${(median(aws) / base).toFixed(2)}); plan --cloud all ${median(all).toFixed(0)} ms (ratio ${(median(all) / base).toFixed(2)}) (median of ${runs})`,
  ];
}
