/**
 * `guardrails plan --cloud all` on the shipped example, as a user runs it: the AWS cloud assembly, both
 * Pulumi plans, the report and the ATT&CK layer, with progress on stderr. The report and the layer are
 * snapshot-tested as files (readable in review); targeted assertions hold what matters in them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../core/cli/main.ts';
import { loadCorrelationFiles, loadRules } from '../../core/detection/rule-loader.ts';
import { navigatorLayer45 } from '../helpers/navigator-layer-spec.ts';
import { editedExample } from '../helpers/config.ts';
import { sourceBin } from '../helpers/guardrails-bin.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Base rules that only feed a correlation (Sigma's generate: false) page no one and are not listed; their
// correlations are, in the report's coverage table.
const correlationFiles = loadCorrelationFiles(join(root, 'detections'));
const baseOnly = new Set(correlationFiles.filter((c) => !c.generate).flatMap((c) => c.rules));
const catalogIds = loadRules(join(root, 'detections'))
  .map((r) => r.id)
  .filter((id) => !baseOnly.has(id));
const correlationIds = correlationFiles.map((c) => c.id);

function guardrails(args: string[]) {
  return spawnSync(process.execPath, [...sourceBin(), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GUARDRAILS_CONFIG: '' } });
}

describe('guardrails plan --cloud all', () => {
  const out = mkdtempSync(join(tmpdir(), 'guardrails-plan-all-'));
  let run: ReturnType<typeof guardrails>;
  let report: string;
  let layer: { techniques: { techniqueID: string; comment: string }[] };
  beforeAll(() => {
    run = guardrails(['plan', '--cloud', 'all', '--out', out]);
    report = readFileSync(join(out, 'report.md'), 'utf8');
    layer = JSON.parse(readFileSync(join(out, 'attack-navigator-layer.json'), 'utf8')) as typeof layer;
  }, 120_000);

  it('writes the AWS cloud assembly, both Pulumi plans, the report and the layer, with timed progress', () => {
    expect(run.status, run.stderr).toBe(0);
    for (const file of ['aws/manifest.json', 'aws/CloudApiGuardrails.template.json', 'aws/validation-report.json', 'azure.plan.json', 'gcp.plan.json']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const gcp = JSON.parse(readFileSync(join(out, 'gcp.plan.json'), 'utf8')) as { resources: { type: string }[] };
    expect(gcp.resources.map((r) => r.type)).toContain('gcp:logging/organizationSink:OrganizationSink');
    expect(Object.keys(gcp.resources[0]!).sort()).toEqual(['inputs', 'name', 'type']);
    expect(run.stderr).toContain('not `pulumi preview`');
    expect(run.stderr).toMatch(/^note: Cloud Shell itself cannot be disabled through any API/m);
    for (const phase of ['aws (cdk synth with cdk-nag)', 'azure (Pulumi program under mocks)', 'gcp (Pulumi program under mocks)', 'report and ATT&CK layer']) {
      expect(run.stderr).toMatch(new RegExp(`^plan: ${phase.replace(/[()]/g, '\\$&')} done in \\d+\\.\\d s$`, 'm'));
    }
  });

  it('report: matches its snapshot', async () => {
    await expect(report).toMatchFileSnapshot('./__snapshots__/plan-report.md');
  });

  it('report: every control with its mode and who is exempt, and what is not covered', () => {
    expect(report).toMatch(
      /\| Network perimeter: .* \| report \| `guardrails-report-1` \| created, attached to nothing \| `arn:aws:iam::\*:role\/BreakGlass\*`, `arn:aws:iam::\*:role\/cdk-hnb659fds-cfn-exec-role-\*`/,
    );
    expect(report).toMatch(
      /\| trail log bucket and access-log bucket \| log-archive \| SCP ProtectTrailBuckets \(report mode: created, not attached, so it protects nothing yet\)/,
    );
    expect(report).toMatch(
      /\| guardrails: block Azure management outside trusted locations \| report \(report-only\) \| user `00000000-0000-4000-8000-00000000b001` \|/,
    );
    expect(report).toContain('SCPs never apply to the management account');
    expect(report).toContain('Cloud Shell itself cannot be disabled through any API');
    expect(report).toContain('Entra ID diagnostic settings can only be created by a user');
    expect(report).toContain(
      'Maester (MT.1052, MT.1005) and Prowler (entra_require_mfa_for_management_api) report these Conditional Access controls as failing',
    );
    expect(report).toContain('needs Microsoft Entra Workload ID Premium');
    expect(report.match(/```mermaid\nflowchart LR\n/g)).toHaveLength(3);
    expect(report).toMatch(/\| M1026 Privileged Account Management \|/);
    expect(report).toMatch(/\| M1038 Execution Prevention \|/);
    expect(report).toMatch(/\| DS0017 Command: Command Execution \|/);
  });

  it('report and layer: name every catalog rule', () => {
    const comments = layer.techniques.map((t) => t.comment).join('\n');
    for (const id of catalogIds) {
      expect(report, id).toContain(`\`${id}\``);
      expect(comments, id).toContain(id);
    }
    expect(correlationIds.length).toBeGreaterThan(0);
    for (const id of correlationIds) expect(report, id).toContain(`\`${id}\` (correlation`);
  });

  it('layer: a valid ATT&CK Navigator layer 4.5 with T1059.009, matching its snapshot', async () => {
    expect(navigatorLayer45.safeParse(layer).error).toBeUndefined();
    expect(layer.techniques.map((t) => t.techniqueID)).toContain('T1059.009');
    await expect(`${JSON.stringify(layer, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/attack-navigator-layer.json');
  });
});

async function cli(args: string[]) {
  let stderr = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => ((stderr += String(chunk)), done()) });
  const status = await runCli(args, { out: sink, err: sink, env: { ...process.env, GUARDRAILS_CONFIG: '' }, cwd: root });
  return { status, stderr };
}

describe('guardrails plan: errors', () => {
  it('names the cloud a config has no section for, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guardrails-plan-bad-'));
    writeFileSync(
      join(dir, 'only-aws.yaml'),
      editedExample((c) => {
        delete c.azure;
        delete c.gcp;
        delete c.breakGlass.azure;
        delete c.breakGlass.gcp;
        delete c.automation.gcp;
      }),
    );
    const result = await cli(['plan', '--cloud', 'gcp', '--config', join(dir, 'only-aws.yaml'), '--out', join(dir, 'out')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: gcp: has no section in .*only-aws\.yaml, so there is nothing to plan\. Add a "gcp:" section/m);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const usage = await cli(['plan', '--cloud', 'oracle']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^error: --cloud must be one of aws, azure, gcp, all$/m);
  });
});
