/**
 * `guardrails validate` (core/cli/validate.ts's validateAll, run through runCli): which rules and
 * correlations are compiled for which clouds and targets (the count in the summary line), the SCP and
 * alarm counts on AWS, the file prefix on a perimeter error, and the exact one-line summary. Written
 * against the surviving mutants of validate.ts (bench/mutation-results.md).
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../core/cli/main.ts';
import { validateAll } from '../../../core/cli/validate.ts';
import { loadRuleFolder } from '../../../core/detection/rule-folder.ts';
import { editedExample, exampleModel, type Editable } from '../../helpers/config.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

let dir = '';
/**
 * Two AWS rules (test-trail-tampering to cloudwatch and eventbridge, test-cli-outside to eventbridge),
 * a GCP base rule with no targets and its correlation (to gcp), and an Azure rule (to kql).
 */
let rules = '';

function sink(append: (text: string) => void): Writable {
  return new Writable({ write: (chunk, _encoding, done) => (append(String(chunk)), done()) });
}

function config(name: string, edit: (c: Editable) => void): string {
  const path = join(dir, name);
  writeFileSync(path, editedExample(edit));
  return path;
}

async function validate(configFile: string) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['validate', '--config', configFile, '--rules', rules], {
    out: sink((t) => (stdout += t)),
    err: sink((t) => (stderr += t)),
    env: {},
    cwd: dir,
  });
  return { status, stdout, stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'guardrails-validate-'));
  rules = join(dir, 'rules');
  mkdirSync(rules);
  for (const f of ['test-trail-tampering.yml', 'test-cli-outside.yml']) copyFileSync(join(root, 'test/fixtures/rules/aws', f), join(rules, f));
  for (const f of ['gcp-secret-version-accessed.yml', 'gcp-bulk-secret-access.yml']) copyFileSync(join(root, 'detections/gcp', f), join(rules, f));
  copyFileSync(join(root, 'detections/azure/azure-alerting-disabled.yml'), join(rules, 'azure-alerting-disabled.yml'));
});

const withoutClouds =
  (...clouds: string[]) =>
  (c: Editable): void => {
    for (const cloud of clouds) delete c[cloud];
  };

describe('guardrails validate: what is compiled where', () => {
  it('on every cloud: each rule for its deployed targets except EventBridge (planned with the alarms), and the correlations', async () => {
    const run = await validate(config('all.yaml', () => {}));
    expect(run.status).toBe(0);
    // test-trail-tampering to cloudwatch, azure-alerting-disabled to kql, gcp-bulk-secret-access to gcp.
    expect(run.stdout).toBe(
      'valid: all.yaml (aws, azure, gcp; mode report; 3 rules, 1 correlations, 3 deployments compile; 1 SCP(s) within 10240 characters; 10 AWS alarm rules)\n',
    );
  });

  it('on AWS alone: only the AWS rules, without their EventBridge targets, and no correlation of another cloud', async () => {
    expect((await validate(config('aws.yaml', withoutClouds('azure', 'gcp')))).stdout).toBe(
      'valid: aws.yaml (aws; mode report; 3 rules, 1 correlations, 1 deployments compile; 1 SCP(s) within 10240 characters; 10 AWS alarm rules)\n',
    );
  });

  it('on GCP alone: the GCP correlation only (its base rule has no target), and no SCP or alarm count', async () => {
    expect((await validate(config('gcp.yaml', withoutClouds('aws', 'azure')))).stdout).toBe(
      'valid: gcp.yaml (gcp; mode report; 3 rules, 1 correlations, 1 deployments compile)\n',
    );
  });

  it('on Azure alone: the Azure rule to KQL', async () => {
    expect((await validate(config('azure.yaml', withoutClouds('aws', 'gcp')))).stdout).toBe(
      'valid: azure.yaml (azure; mode report; 3 rules, 1 correlations, 1 deployments compile)\n',
    );
  });

  it('with no cloud section: nothing compiles, and the summary says so', async () => {
    expect((await validate(config('none.yaml', withoutClouds('aws', 'azure', 'gcp')))).stdout).toBe(
      'valid: none.yaml (no cloud section; mode report; 3 rules, 1 correlations, 0 deployments compile)\n',
    );
  });

  it('an SCP packing error from the perimeter plan names the config file, on one line, exit 2', async () => {
    const small = config('small.yaml', (c) => {
      c.mode = 'enforce';
      c.trustedNetworks.cidrs = Array.from({ length: 100 }, (_, i) => `20.${i * 2}.3.0/24`);
      c.aws.scpSizeBudget = 1024;
    });
    const run = await validate(small);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean).at(-1)).toBe(
      'error: small.yaml trustedNetworks.cidrs: the network perimeter statement is 2842 characters with 100 aggregated CIDRs, over the SCP budget of 1024, and it cannot be split across policies without denying everything. Drop or aggregate at least 100 CIDRs (at most 0 fit), or raise aws.scpSizeBudget (max 10240).',
    );
  });
});

describe('validateAll', () => {
  const gcpModel = () => exampleModel(withoutClouds('aws', 'azure'));

  it('without correlations, the summary has no correlation count', async () => {
    const model = gcpModel();
    const folder = loadRuleFolder(rules, model);
    expect(await validateAll(model, folder.rules)).toBe('valid: guardrails.yaml (gcp; mode report; 3 rules, 0 deployments compile)');
  });

  it('skips a correlation unless every base rule is on a cloud the config has', async () => {
    const model = gcpModel();
    const folder = loadRuleFolder(rules, model);
    const [correlation] = folder.correlations;
    const awsRule = folder.rules.find((r) => r.rule.logsource.product === 'aws')!;
    // The GCP correlation with an AWS base rule added: one of its bases is on no configured cloud.
    const mixed = { ...correlation!, bases: [...correlation!.bases, { ...correlation!.bases[0]!, rule: awsRule }] };
    expect(await validateAll(model, folder.rules, [mixed])).toBe('valid: guardrails.yaml (gcp; mode report; 3 rules, 1 correlations, 0 deployments compile)');
    expect(await validateAll(model, folder.rules, [correlation!])).toBe(
      'valid: guardrails.yaml (gcp; mode report; 3 rules, 1 correlations, 1 deployments compile)',
    );
  });
});
