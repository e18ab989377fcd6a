/**
 * `--rules DIR` in bulk mode (core/detection/rule-folder.ts) and `guardrails rules --format json`: a user's
 * folder mixing Sigma rules as SigmaHQ publishes them (written here in its style) and rules in this
 * package's format loads what it can, through the pipelines, and reports every other file with its reason.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../core/cli/main.ts';
import type { RuleFileReport } from '../../../core/cli/rules.ts';
import { loadRuleFolder } from '../../../core/detection/rule-folder.ts';
import { exampleModel } from '../../helpers/config.ts';

const ACTIVITY = `title: Key Vault Purged From The Portal Or CLI
id: 6d1f3a0e-8c55-4d7a-9d0b-3f1c7a9e2b41
status: test
description: A Key Vault was purged, which destroys its secrets for good.
references:
  - https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
author: guardrails tests
date: 2026-11-30
tags:
  - attack.impact
  - attack.t1485
  - cve.2099-0001
logsource:
  product: azure
  service: activitylogs
detection:
  selection:
    operationName: MICROSOFT.KEYVAULT/LOCATIONS/DELETEDVAULTS/PURGE/ACTION
  condition: selection
falsepositives:
  - Planned decommissioning
level: high
`;

const TRAIL = `title: Trail Logging Stopped With A v18 Tag
id: 0b6f9a52-7c1e-4f7e-8e2a-5a0c1d9e3f77
status: experimental
description: StopLogging on a trail.
author: guardrails tests
date: 2026-11-30
tags:
  - attack.defense_evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
  condition: selection
level: medium
`;

const OWN_FORMAT = `id: own-root-login
title: Root user console sign-in
description: The root user signed in to the console.
level: high
tags: [attack.initial_access, attack.t1078.004]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventName|cased: ConsoleLogin
    userIdentity.type|cased: Root
  condition: selection
targets: [eventbridge]
`;

const WINDASH = `title: Windash Has No Meaning In Cloud Logs
id: 3c9e1d4f-2a6b-4c8d-9e0f-1a2b3c4d5e6f
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    userAgent|windash|contains: -enc
  condition: selection
`;

const UNKNOWN_SOURCE = `title: Okta Is Not A Cloud This Package Reads
id: 9f8e7d6c-5b4a-4321-8fed-cba987654321
logsource:
  product: okta
  service: okta
detection:
  selection:
    eventType: user.session.start
  condition: selection
`;

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-folder-'));
  mkdirSync(join(dir, 'azure', 'activity_logs'), { recursive: true });
  mkdirSync(join(dir, 'aws'), { recursive: true });
  writeFileSync(join(dir, 'azure', 'activity_logs', 'azure_keyvault_purged.yml'), ACTIVITY);
  writeFileSync(join(dir, 'aws', 'aws_trail_stopped.yml'), TRAIL);
  writeFileSync(join(dir, 'aws', 'own-root-login.yml'), OWN_FORMAT);
  writeFileSync(join(dir, 'aws', 'windash.yml'), WINDASH);
  writeFileSync(join(dir, 'okta.yml'), UNKNOWN_SOURCE);
  return dir;
}

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _encoding, done) => (append(String(chunk)), done()) });
  const status = await runCli(args, {
    out: sink((t) => (stdout += t)),
    err: sink((t) => (stderr += t)),
    env: { ...process.env, GUARDRAILS_CONFIG: '' },
    cwd: process.cwd(),
  });
  return { status, stdout, stderr };
}

describe('a folder of rules in bulk mode', () => {
  const dir = folder();
  const loaded = loadRuleFolder(dir, exampleModel());
  const byTitle = new Map(loaded.rules.map((r) => [r.rule.title, r]));

  it('loads Sigma rules through the pipelines, keeping their metadata, and rules in this format with their targets', () => {
    expect(loaded.rules.map((r) => r.rule.title).sort()).toEqual([
      'Key Vault Purged From The Portal Or CLI',
      'Root user console sign-in',
      'Trail Logging Stopped With A v18 Tag',
    ]);
    const purge = byTitle.get('Key Vault Purged From The Portal Or CLI')!;
    expect(purge.rule.logsource).toEqual({ product: 'azure', service: 'azureactivity' });
    expect(purge.rule.id).toBe('6d1f3a0e-8c55-4d7a-9d0b-3f1c7a9e2b41');
    expect(purge.rule.sigma?.author).toBe('guardrails tests');
    expect(purge.rule.sigma?.tags).toContain('cve.2099-0001');
    // activitylogs' operationName is the AzureActivity column OperationNameValue (pipelines/sigmahq-azure.yml).
    expect(purge.matches({ OperationNameValue: 'Microsoft.KeyVault/locations/deletedVaults/purge/action' })).toBe(true);
    expect(purge.matches({ OperationNameValue: 'Microsoft.KeyVault/vaults/delete' })).toBe(false);
    expect(byTitle.get('Root user console sign-in')!.rule.targets).toEqual(['eventbridge']);
  });

  it('maps v18 ATT&CK tags to v19 with a note', () => {
    const trail = byTitle.get('Trail Logging Stopped With A v18 Tag')!;
    expect(trail.rule.tags).toContain('attack.t1685.002');
    expect(trail.rule.tags).not.toContain('attack.t1562.008');
    expect(loaded.notes.some((n) => n.file.endsWith('aws_trail_stopped.yml') && n.note.includes('attack.t1562.008'))).toBe(true);
  });

  it('skips each file that cannot load, with the file and one line saying why', () => {
    // In path order: <dir>/aws/windash.yml before <dir>/okta.yml.
    expect(loaded.skipped.map((s) => s.file.split('/').at(-1))).toEqual(['windash.yml', 'okta.yml']);
    const reasons = Object.fromEntries(loaded.skipped.map((s) => [s.file.split('/').at(-1), s.reason]));
    expect(reasons['windash.yml']).toMatch(/windash/);
    expect(reasons['okta.yml']).toMatch(/^logsource: okta\/okta is not a log source this package reads/);
    for (const s of loaded.skipped) expect(s.reason).not.toContain('\n');
  });
});

describe('guardrails rules --format json', () => {
  const dir = folder();

  it('prints one object per rule file, every target of its cloud, and the files that did not load', async () => {
    const { status, stdout, stderr } = await cli(['rules', '--rules', dir, '--format', 'json']);
    expect(status).toBe(0);
    expect(stderr).not.toMatch(/^skipped:/m);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RuleFileReport);
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.file)).toEqual([...lines.map((l) => l.file)].sort((a, b) => a.localeCompare(b)));
    const byName = new Map(lines.map((l) => [l.file.split('/').at(-1), l]));
    const purge = byName.get('azure_keyvault_purged.yml')!;
    expect(purge).toMatchObject({ id: '6d1f3a0e-8c55-4d7a-9d0b-3f1c7a9e2b41', loaded: true });
    expect(Object.keys(purge.targets)).toEqual(['kql']);
    expect(purge.targets['kql']).toMatchObject({ ok: true });
    expect(String(purge.targets['kql']!.query)).toMatch(/^AzureActivity\s*\|\s*where .*OperationNameValue/s);
    const trail = byName.get('aws_trail_stopped.yml')!;
    expect(Object.keys(trail.targets).sort()).toEqual(['cloudwatch', 'eventbridge']);
    expect(trail.targets['eventbridge']).toMatchObject({ ok: true });
    const windash = byName.get('windash.yml')!;
    expect(windash).toMatchObject({ loaded: false, targets: {} });
    expect(windash.error).toMatch(/windash/);
  });

  it('reports skipped files on stderr in text mode, and validate fails on them', async () => {
    const text = await cli(['rules', '--rules', dir]);
    expect(text.status).toBe(0);
    expect(text.stderr).toMatch(/^skipped: .*windash\.yml: /m);
    expect(text.stderr).toMatch(/^rules: 3 loaded, 2 skipped from /m);
    const validate = await cli(['validate', '--rules', dir]);
    expect(validate.status).toBe(1);
  });

  it('refuses an unknown format with one line', async () => {
    const { status, stderr } = await cli(['rules', '--format', 'xml']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^error: --format must be one of text, json$/m);
  });
});
