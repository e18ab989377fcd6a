/**
 * bin/aws.ts as the CDK CLI runs it: a bad config is one line on stderr, exit 1, and nothing in cdk.out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CDK_JSON_CONTEXT } from '../helpers/aws-app.ts';
import { editedExample, type Editable } from '../helpers/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runApp(edit: (c: Editable) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-bin-'));
  const config = join(dir, 'guardrails.yaml');
  writeFileSync(config, editedExample(edit));
  const outdir = join(dir, 'cdk.out');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/aws.ts'], {
    cwd: root,
    encoding: 'utf8',
    // The CDK CLI hands cdk.json's context (feature flags) to the app this way.
    env: { ...process.env, GUARDRAILS_CONFIG: config, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(CDK_JSON_CONTEXT), NODE_ENV: 'production' },
  });
  const written = existsSync(outdir) ? readdirSync(outdir) : [];
  return { status: result.status, stderr: result.stderr.trim(), written };
}

describe('bin/aws.ts', () => {
  it('synthesises the example into the CDK output directory', () => {
    const { status, stderr, written } = runApp(() => {});
    expect(stderr).toContain('SCP guardrails-report-1: REPORT, created but attached to nothing');
    expect(stderr).toContain('SCPs never apply to the management account');
    expect(status).toBe(0);
    expect(written).toContain('CloudApiGuardrails.template.json');
  });

  it.each<[string, (c: Editable) => void, RegExp]>([
    [
      'an invalid CIDR',
      (c) => (c.trustedNetworks.cidrs[0] = '203.0.113.0/33'),
      /^error: guardrails\.yaml:\d+ trustedNetworks\.cidrs\[0\]: "203\.0\.113\.0\/33" has prefix \/33/,
    ],
    [
      'a perimeter that cannot fit one SCP',
      (c) => {
        // 2,000 non-adjacent /32s: nothing aggregates, and the statement cannot be split.
        c.trustedNetworks.cidrs = Array.from({ length: 2000 }, (_, i) => `${11 + (i >> 8)}.${i & 255}.7.${(i * 2) & 255}/32`);
      },
      /^error: guardrails\.yaml trustedNetworks\.cidrs: the network perimeter statement is \d+ characters .* over the SCP budget of 10240.*Drop or aggregate at least \d+ CIDRs \(at most \d+ fit\)/,
    ],
  ])('rejects %s with one line, exit 1 and no output', (_name, edit, expected) => {
    const { status, stderr, written } = runApp(edit);
    const errors = stderr.split('\n').filter((line) => !line.startsWith('notice:') && !line.startsWith('warning:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(expected);
    expect(status).toBe(1);
    expect(written).toEqual([]);
  });
});
