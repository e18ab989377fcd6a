/**
 * Loading rules in bulk as SigmaHQ publishes them (`loadSigmaRules`): nested folders, UUID ids, any file
 * name, every key of the Sigma rules specification kept (sigma-specification
 * specification/sigma-rules-specification.md), log sources kept as written for a pipeline to map, and a
 * malformed or duplicate rule skipped with a one-line reason while the rest load. The rules are written
 * here in SigmaHQ's layout; none is copied from SigmaHQ. The kit's own catalog stays strict (`loadRules`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileExpr } from '../../../core/detection/evaluator.ts';
import { expandRule } from '../../../core/detection/expand.ts';
import { RuleError } from '../../../core/detection/rule-error.ts';
import { loadRules, loadSigmaRules } from '../../../core/detection/rule-loader.ts';
import { sigmaToRule, type SigmaRule } from '../../../core/detection/sigma-rule.ts';
import { placeholderValues } from '../../../core/detection/placeholders.ts';
import { exampleModel } from '../../helpers/config.ts';

const ALERT_RULE = `title: Azure Monitor Alert Rule Disabled Through The Activity Log
id: 3a9c1f0e-7b2d-4e6a-9c8b-1d2e3f4a5b6c
name: azure_monitor_alert_rule_disabled
related:
    - id: 8d7c6b5a-4e3f-4a1b-9c0d-2e1f0a9b8c7d
      type: derived
status: test
description: Detects a scheduled query alert rule written with enabled set to false, which silences it.
license: DRL-1.1
references:
    - https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/alerts-manage-alert-rules
author: cloud-api-guardrails tests
date: 2025-01-15
modified: 2025-03-02
tags:
    - attack.defense-evasion
    - attack.t1562.001
    - cve.2024-0001
    - car.2013-05-002
    - detection.threat-hunting
    - tlp.clear
logsource:
    product: azure
    service: activitylogs
    definition: 'Requirements: the Activity Log exported to a Log Analytics workspace'
detection:
    selection:
        operationName: MICROSOFT.INSIGHTS/SCHEDULEDQUERYRULES/WRITE
        properties.requestbody|re|i: '"enabled"\\s*:\\s*false'
    condition: selection
fields:
    - caller
    - resourceId
falsepositives:
    - Alert rules paused during maintenance
level: high
scope:
    - server
taxonomy: sigma
x_internal_ticket: SEC-1234
regression_tests_path: regression_data/azure_monitor_alert_rule_disabled/info.yml
`;

const KEY_RULE = `title: GCP Service Account Key Created By A User
id: 5e4d3c2b-1a09-4f8e-a7d6-c5b4a3928170
related:
    - id: 11111111-2222-4333-8444-555555555555
      type: obsolete
status: deprecated
description: Detects a user creating a key for a service account.
author: cloud-api-guardrails tests
date: 2024/11/02
tags:
    - attack.persistence
    - attack.t1098.001
logsource:
    product: gcp
    service: gcp.audit
detection:
    selection:
        methodName|endswith: .CreateServiceAccountKey
    filter_main_service_accounts:
        principalEmail|endswith: '.iam.gserviceaccount.com'
    condition: selection and not 1 of filter_main_*
falsepositives:
    - Key rotation by administrators
level: medium
`;

const NO_ID_RULE = `title: AWS CloudTrail Trail Stopped
status: unsupported
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventSource: cloudtrail.amazonaws.com
        eventName: StopLogging
    condition: selection
`;

const M365_RULE = `title: Exchange Mailbox Forwarding Rule Added
id: 9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19
status: experimental
logsource:
    product: m365
    service: exchange
    category: mailbox
detection:
    keywords:
        - 'ForwardingSmtpAddress'
    condition: keywords
level: low
`;

/** A valid rule with `id` and title swapped in, for the malformed variants. */
const variant = (id: string, extra: string, detection = `    selection:\n        eventName: StopLogging\n    condition: selection\n`) =>
  `title: Variant ${id}\nid: ${id}\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n${detection}${extra}`;

const FILES: Record<string, string> = {
  'cloud/azure/activity_logs/azure_monitor_alert_rule_disabled.yml': ALERT_RULE,
  'cloud/gcp/audit/gcp_service_account_key_created.yaml': KEY_RULE,
  'cloud/aws/cloudtrail/aws_cloudtrail_stopped.yml': NO_ID_RULE,
  'cloud/m365/exchange/m365_forwarding.yml': M365_RULE,
  'cloud/README.md': '# not a rule\n',
  'deprecated/dupes/a_first.yml': variant('c1c1c1c1-0000-4000-8000-000000000001', 'level: low\n'),
  'deprecated/dupes/z_second.yml': variant('c1c1c1c1-0000-4000-8000-000000000001', 'level: high\n'),
  'malformed/bad_level.yml': variant('d0000000-0000-4000-8000-000000000001', 'level: severe\n'),
  'malformed/bad_status.yml': variant('d0000000-0000-4000-8000-000000000002', 'status: retired\n'),
  'malformed/no_logsource.yml': 'title: No Log Source\ndetection:\n    selection:\n        a: b\n    condition: selection\n',
  'malformed/no_condition.yml': variant('d0000000-0000-4000-8000-000000000003', '', '    selection:\n        eventName: StopLogging\n'),
  'malformed/syntax.yml': 'title: Broken\ndetection:\n    selection: [\n',
  'malformed/windash.yml': variant(
    'd0000000-0000-4000-8000-000000000004',
    '',
    "    selection:\n        CommandLine|windash|contains: ' -enc '\n    condition: selection\n",
  ),
  'malformed/unknown_selection.yml': variant(
    'd0000000-0000-4000-8000-000000000005',
    '',
    '    selection:\n        a: b\n    condition: selection and not filter\n',
  ),
  'malformed/correlation.yml': 'title: Many Failures\ncorrelation:\n    type: event_count\n    rules: [x]\n    timespan: 5m\n',
  // Several documents in one file (as SigmaHQ writes a correlation beside its base rules): each loads.
  'several/two_rules.yml': `${variant('d0000000-0000-4000-8000-000000000006', '')}---\n${variant('d0000000-0000-4000-8000-000000000007', '')}`,
  'malformed/sigma1_collection.yml': `action: global\ntitle: Old\n---\n${variant('d0000000-0000-4000-8000-000000000008', '')}`,
  'malformed/empty.yml': '',
};

let root = '';
let loaded: ReturnType<typeof loadSigmaRules>;
const rel = (path: string) => relative(process.cwd(), join(root, path));
const byTitle = (title: string): SigmaRule => loaded.rules.find((r) => r.title === title)!;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sigma-bulk-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  loaded = loadSigmaRules(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bulk loading', () => {
  it('loads every valid rule at any depth, .yml and .yaml, in path order; other files are ignored', () => {
    expect(loaded.rules.map((r) => r.file)).toEqual([
      rel('cloud/aws/cloudtrail/aws_cloudtrail_stopped.yml'),
      rel('cloud/azure/activity_logs/azure_monitor_alert_rule_disabled.yml'),
      rel('cloud/gcp/audit/gcp_service_account_key_created.yaml'),
      rel('cloud/m365/exchange/m365_forwarding.yml'),
      rel('deprecated/dupes/a_first.yml'),
      rel('malformed/sigma1_collection.yml'),
      rel('several/two_rules.yml'),
      rel('several/two_rules.yml'),
    ]);
  });

  it('keeps UUID ids; a rule without an id takes its file name', () => {
    expect(loaded.rules.map((r) => r.id)).toEqual([
      'aws_cloudtrail_stopped',
      '3a9c1f0e-7b2d-4e6a-9c8b-1d2e3f4a5b6c',
      '5e4d3c2b-1a09-4f8e-a7d6-c5b4a3928170',
      '9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19',
      'c1c1c1c1-0000-4000-8000-000000000001',
      'd0000000-0000-4000-8000-000000000008',
      'd0000000-0000-4000-8000-000000000006',
      'd0000000-0000-4000-8000-000000000007',
    ]);
  });

  it('keeps every key of the specification, and custom keys, as written', () => {
    const rule = byTitle('Azure Monitor Alert Rule Disabled Through The Activity Log');
    expect(rule.sigma).toEqual({
      title: 'Azure Monitor Alert Rule Disabled Through The Activity Log',
      id: '3a9c1f0e-7b2d-4e6a-9c8b-1d2e3f4a5b6c',
      name: 'azure_monitor_alert_rule_disabled',
      related: [{ id: '8d7c6b5a-4e3f-4a1b-9c0d-2e1f0a9b8c7d', type: 'derived' }],
      status: 'test',
      description: 'Detects a scheduled query alert rule written with enabled set to false, which silences it.',
      license: 'DRL-1.1',
      references: ['https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/alerts-manage-alert-rules'],
      author: 'cloud-api-guardrails tests',
      date: '2025-01-15',
      modified: '2025-03-02',
      tags: ['attack.defense-evasion', 'attack.t1562.001', 'cve.2024-0001', 'car.2013-05-002', 'detection.threat-hunting', 'tlp.clear'],
      logsource: { product: 'azure', service: 'activitylogs', definition: 'Requirements: the Activity Log exported to a Log Analytics workspace' },
      fields: ['caller', 'resourceId'],
      falsepositives: ['Alert rules paused during maintenance'],
      level: 'high',
      scope: ['server'],
      taxonomy: 'sigma',
      custom: { x_internal_ticket: 'SEC-1234', regression_tests_path: 'regression_data/azure_monitor_alert_rule_disabled/info.yml' },
    });
    expect(rule.detection['condition']).toBe('selection');
  });

  it('keeps log sources as written, unknown products and services included, for the pipeline to map', () => {
    expect(loaded.rules.map((r) => r.logsource)).toEqual([
      { product: 'aws', service: 'cloudtrail' },
      { product: 'azure', service: 'activitylogs', definition: 'Requirements: the Activity Log exported to a Log Analytics workspace' },
      { product: 'gcp', service: 'gcp.audit' },
      { product: 'm365', service: 'exchange', category: 'mailbox' },
      { product: 'aws', service: 'cloudtrail' },
      { product: 'aws', service: 'cloudtrail' },
      { product: 'aws', service: 'cloudtrail' },
      { product: 'aws', service: 'cloudtrail' },
    ]);
  });

  it('loads deprecated and unsupported rules, marked so', () => {
    expect([byTitle('GCP Service Account Key Created By A User').sigma.status, byTitle('AWS CloudTrail Trail Stopped').sigma.status]).toEqual([
      'deprecated',
      'unsupported',
    ]);
    expect(byTitle('GCP Service Account Key Created By A User').sigma.date).toBe('2024/11/02');
  });

  it('skips each malformed rule and each duplicate id with a one-line reason, and loads the rest', () => {
    const reasons = Object.fromEntries(loaded.skipped.map((s) => [s.file, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'deprecated/dupes/z_second.yml',
        'malformed/bad_level.yml',
        'malformed/bad_status.yml',
        'malformed/correlation.yml',
        'malformed/empty.yml',
        'malformed/no_condition.yml',
        'malformed/no_logsource.yml',
        'malformed/sigma1_collection.yml',
        'malformed/syntax.yml',
        'malformed/unknown_selection.yml',
        'malformed/windash.yml',
      ]
        .map(rel)
        .sort(),
    );
    const reason = (path: string) => reasons[rel(path)]!;
    expect(reason('deprecated/dupes/z_second.yml')).toBe(`id: "c1c1c1c1-0000-4000-8000-000000000001" is also the id of ${rel('deprecated/dupes/a_first.yml')}`);
    expect(reason('malformed/bad_level.yml')).toMatch(
      /^level \(line 10\): Invalid option: expected one of "informational"\|"low"\|"medium"\|"high"\|"critical"$/,
    );
    expect(reason('malformed/bad_status.yml')).toMatch(
      /^status \(line 10\): Invalid option: expected one of "stable"\|"test"\|"experimental"\|"deprecated"\|"unsupported"$/,
    );
    expect(reason('malformed/no_logsource.yml')).toMatch(/^logsource: Invalid input: expected object/);
    expect(reason('malformed/no_condition.yml')).toMatch(/^detection \(line 7\): needs a condition/);
    expect(reason('malformed/syntax.yml')).toMatch(/^line \d+: /);
    expect(reason('malformed/windash.yml')).toMatch(/^detection\.selection\.CommandLine\|windash\|contains: \|windash has no meaning for cloud logs: /);
    expect(reason('malformed/unknown_selection.yml')).toBe('detection.condition: "filter" is not a selection (have: selection)');
    // A correlation loads as such (test/core/detection/correlation-loading.test.ts); this one has no condition.
    expect(reason('malformed/correlation.yml')).toBe('correlation.condition: event_count needs a condition, e.g. { gte: 10 }');
    expect(reason('malformed/sigma1_collection.yml')).toBe(
      'document 1: action: is a Sigma 1 collection (action: global / reset / repeat), which Sigma 2 removed; write each rule as a whole document',
    );
    expect(reason('malformed/empty.yml')).toMatch(/^\(top level\): /);
    for (const s of loaded.skipped) expect(s.reason, s.file).not.toContain('\n');
  });
});

describe('from a SigmaRule to the strict Rule (what a pipeline does once it has mapped the log source)', () => {
  it('keeps id, title, level, detection and metadata; tags keep attack.* for ATT&CK, sigma.tags keeps all', () => {
    const sigma = byTitle('Azure Monitor Alert Rule Disabled Through The Activity Log');
    const rule = sigmaToRule(sigma, { product: 'azure', service: 'azureactivity' }, ['kql']);
    expect(rule).toMatchObject({
      id: '3a9c1f0e-7b2d-4e6a-9c8b-1d2e3f4a5b6c',
      title: sigma.title,
      description: 'Detects a scheduled query alert rule written with enabled set to false, which silences it.',
      level: 'high',
      status: 'test',
      tags: ['attack.defense-evasion', 'attack.t1562.001'],
      logsource: { product: 'azure', service: 'azureactivity' },
      targets: ['kql'],
      falsepositives: ['Alert rules paused during maintenance'],
      file: sigma.file,
    });
    expect(rule.sigma?.tags).toHaveLength(6);
    expect(rule.detection).toBe(sigma.detection);
  });
  it('deprecated and unsupported read as experimental; a rule without level or description is informational with none', () => {
    const deprecated = sigmaToRule(byTitle('GCP Service Account Key Created By A User'), { product: 'gcp', service: 'gcp.audit' });
    const bare = sigmaToRule(byTitle('AWS CloudTrail Trail Stopped'), { product: 'aws', service: 'cloudtrail' });
    expect([deprecated.status, deprecated.sigma?.status, bare.status, bare.level, bare.description, bare.tags]).toEqual([
      'experimental',
      'deprecated',
      'experimental',
      'informational',
      '',
      [],
    ]);
  });
  it('the Rule expands and runs like any other', () => {
    const rule = sigmaToRule(byTitle('GCP Service Account Key Created By A User'), { product: 'gcp', service: 'gcp.audit' });
    const matches = compileExpr(expandRule(rule, placeholderValues(exampleModel())));
    expect(
      [
        { methodName: 'google.iam.admin.v1.CreateServiceAccountKey', principalEmail: 'alice@example.com' },
        { methodName: 'google.iam.admin.v1.CreateServiceAccountKey', principalEmail: 'ci@proj.iam.gserviceaccount.com' },
        { methodName: 'google.iam.admin.v1.DeleteServiceAccountKey', principalEmail: 'alice@example.com' },
      ].map(matches),
    ).toEqual([true, false, false]);
  });
});

describe('the kit catalog stays strict', () => {
  it('loads detections/ whole', () => {
    const rules = loadRules('detections');
    expect(rules.length).toBeGreaterThan(50);
    expect(rules.every((r) => r.sigma === undefined)).toBe(true);
  });
  it('refuses a SigmaHQ rule: all or nothing, with the file and the reason', () => {
    let error: unknown;
    try {
      loadRules(join(root, 'cloud/azure'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).message).toMatch(/azure_monitor_alert_rule_disabled\.yml: tags\[2\] \(line 18\): must be an ATT&CK tag/);
  });
});
