/**
 * The plan report (core/report/plan-report.ts), rendered from small hand-made plans so that each fact it
 * prints can be traced to its input: which sections appear for which clouds, what each table row says
 * (mode, attachment, who is exempt), the numbers in each paragraph and diagram, the rollout checklist's
 * ticks, the T1059.009 coverage table, the rule index, and the escaping of titles and code spans. The whole
 * report for the example config is pinned by test/bin/__snapshots__/plan-report.md through the CLI, which
 * Stryker cannot run; these tests hold the report's logic in-process.
 */
import { describe, expect, it } from 'vitest';
import { CLOUD_API, CLOUD_API_DATA_SOURCE, CLOUD_API_MITIGATIONS, TECHNIQUES } from '../../../core/attack/techniques.ts';
import type { AlarmPlan } from '../../../core/aws/alarm-plan.ts';
import { protectionSummary } from '../../../core/aws/protection-summary.ts';
import { networkExemptArns } from '../../../core/aws/scp-exemptions.ts';
import type { PackedPolicy } from '../../../core/aws/scp-packing.ts';
import type { GuardrailsModel } from '../../../core/config/model.ts';
import type { ControlName, Mode } from '../../../core/config/schema.ts';
import { generatedRule, type Rule, type Target } from '../../../core/detection/rule.ts';
import {
  preventiveControlNames,
  renderPlanReport,
  type AwsPlanFacts,
  type PlanFacts,
  type PlannedResourceView,
  type PulumiPlanFacts,
} from '../../../core/report/plan-report.ts';
import { exampleModel } from '../../helpers/config.ts';

// ------------------------------------------------------------------------------------------ the plans

const SERVICE = { aws: 'cloudtrail', azure: 'azureactivity', gcp: 'gcp.audit' } as const;

function rule(id: string, product: keyof typeof SERVICE, targets: Target[], tags: string[], extra: { level?: Rule['level']; title?: string } = {}): Rule {
  return generatedRule(
    {
      id,
      title: extra.title ?? `Title of ${id}`,
      description: 'A rule written for the plan report tests.',
      level: extra.level ?? 'medium',
      tags,
      logsource: { product, service: SERVICE[product] },
      detection: { selection: { eventName: 'Anything' }, condition: 'selection' },
      targets,
    },
    'plan-report test',
  );
}

/** Deliberately out of id order, with tactic tags, idle rules (no target) and a title that needs escaping. */
const RULES: readonly Rule[] = [
  rule('aws-tagged-z', 'aws', ['cloudwatch', 'eventbridge'], ['attack.execution', 'attack.t1059.009', 'attack.t1078.004'], {
    level: 'high',
    title: 'Calls | from\n  outside',
  }),
  rule('gcp-alert', 'gcp', ['gcp'], ['attack.t1059.009'], { level: 'critical' }),
  rule('aws-idle-2', 'aws', [], ['attack.t1110'], { level: 'low' }),
  rule('azure-kql', 'azure', ['kql'], ['attack.t1078.004']),
  rule('aws-tagged-a', 'aws', ['eventbridge'], ['attack.t1059.009'], { level: 'low' }),
  rule('azure-idle', 'azure', [], ['attack.t1110']),
  rule('aws-idle-1', 'aws', [], ['attack.t1110']),
  rule('gcp-idle', 'gcp', [], ['attack.t1110']),
];

const example = exampleModel();
const BREAK_GLASS = ['arn:aws:iam::*:role/BreakGlassA', 'arn:aws:iam::*:role/BreakGlassB'];
const MODEL: GuardrailsModel = {
  ...example,
  aws: { ...example.aws!, breakGlassRoleArns: BREAK_GLASS, modes: { networkPerimeter: 'enforce', cloudShell: 'report', logProtection: 'enforce' } },
  azure: { ...example.azure!, logRetentionDays: 90, immutableDays: 180 },
  gcp: { ...example.gcp!, retentionDays: 400 },
  notifications: { emails: ['alerts@example.com'], webhooks: ['https://hooks.example.com/guardrails'] },
};

const policy = (name: string, mode: Mode, controls: ControlName[]): PackedPolicy => ({
  name,
  mode,
  controls,
  document: { Version: '2012-10-17', Statement: [] },
  size: 0,
});
const realtime = (id: string, ruleId: string, title = `Title of ${id}`, level = 'high'): AlarmPlan['realtime'][number] => ({
  id,
  ruleId,
  title,
  level,
  pattern: {},
});
const metric = (id: string): AlarmPlan['metric'][number] => ({
  id,
  title: `Title of ${id}`,
  level: 'medium',
  pattern: '{ $.eventName = "X" }',
  patternSource: 'compiled',
});

const AWS: AwsPlanFacts = {
  perimeter: {
    // networkPerimeter in two policies, cloudShell in one (its name has a backtick), logProtection in none.
    policies: [
      policy('guardrails-enforce-1', 'enforce', ['networkPerimeter']),
      policy('guardrails-enforce-2', 'enforce', ['networkPerimeter']),
      policy('guardrails-report-`1`', 'report', ['cloudShell']),
    ],
    targets: ['ou-ab12-11111111', 'ou-ab12-22222222'],
    notes: [{ control: 'networkPerimeter', note: 'a perimeter note' }],
  },
  alarms: {
    metric: [metric('aws-tagged-z'), metric('aws-cis-metric')],
    realtime: [
      realtime('aws-tagged-z', 'aws-tagged-z'),
      realtime('guardrails-trail-changed', 'guardrails-trail-changed', 'Trail | changed\n  now', 'critical'),
      realtime('aws-tagged-a', 'aws-tagged-a'),
      realtime('aws-perimeter-shadow-network-part1', 'aws-perimeter-shadow-network', 'Shadow network call', 'medium'),
    ],
    notes: ['an alarm note'],
  },
  assemblyDir: 'aws',
  stacks: [
    { name: 'Alpha', resources: 3 },
    { name: 'Beta', resources: 5 },
  ],
};

const CA = 'azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy';
const ENTRA_SETTING: PlannedResourceView = { type: 'azure-native:aadiam:DiagnosticSetting', name: 'entra', inputs: {} };
const ca = (displayName: string, state: string, users?: Record<string, string[]>): PlannedResourceView => ({
  type: CA,
  name: `ca-${state}`,
  inputs: { displayName, state, ...(users ? { conditions: { users } } : {}) },
});
const AZURE: PulumiPlanFacts = {
  file: 'azure.plan.json',
  resources: [
    { type: 'azure-native:insights:DiagnosticSetting', name: 'activity', inputs: { displayName: 'Not a CA policy', state: 'enabled' } },
    ca('Block | management\n outside', 'enabledForReportingButNotEnforced', { excludedUsers: ['u-1', 'u-2'], excludedGroups: ['g-1'] }),
    ca('Require MFA', 'enabled', { excludedGroups: ['g-1'] }),
    ca('Device code', 'disabled', { excludedUsers: ['u-1'] }),
    ca('Future policy', 'somethingNew'),
    ENTRA_SETTING,
  ],
  notes: ['an azure note'],
};

const BINDING = 'gcp:accesscontextmanager/gcpUserAccessBinding:GcpUserAccessBinding';
const PERIMETER = 'gcp:accesscontextmanager/servicePerimeter:ServicePerimeter';
const DENY = 'gcp:iam/denyPolicy:DenyPolicy';
const automationBinding = (name: string, enforce: boolean): PlannedResourceView => ({
  type: BINDING,
  name,
  inputs: {
    organizationId: '123456789012',
    principal: { serviceAccount: `${name}@example.iam.gserviceaccount.com` },
    ...(enforce ? { accessLevels: ['lvl'] } : { dryRunAccessLevels: ['lvl'] }),
  },
});
const adminBinding = (enforce: boolean): PlannedResourceView => ({
  type: BINDING,
  name: 'admin',
  inputs: { organizationId: '123456789012', groupKey: '03cqmetx1abcdef', ...(enforce ? { accessLevels: 'lvl' } : { dryRunAccessLevels: 'lvl' }) },
});
const perimeterResource = (inputs: Record<string, unknown>): PlannedResourceView => ({ type: PERIMETER, name: 'perimeter', inputs });
const denyResource = (inputs: Record<string, unknown>): PlannedResourceView => ({ type: DENY, name: 'deny', inputs });
const EXCEPTIONS = ['principal://goog/subject/breakglass@example.com', 'principalSet://goog/group/ops@example.com'];
const GCP: PulumiPlanFacts = {
  file: 'gcp.plan.json',
  resources: [
    // An automation binding (enforced) comes before the admin group's (dry-run), so "the first binding" is not it.
    automationBinding('ci', true),
    adminBinding(false),
    automationBinding('deployer', true),
    perimeterResource({ spec: {}, useExplicitDryRunSpec: true }),
    denyResource({ rules: [{ denyRule: { exceptionPrincipals: EXCEPTIONS } }] }),
  ],
  notes: ['a gcp note'],
};

const FACTS: PlanFacts = { version: '9.9.9', configFile: 'guardrails.yaml', model: MODEL, rules: RULES, aws: AWS, azure: AZURE, gcp: GCP };
const render = (over: Partial<PlanFacts> = {}): string => renderPlanReport({ ...FACTS, ...over });
/** The report for MODEL changed by `model`, planning only the clouds the changed model has a section for. */
function withModel(model: Partial<GuardrailsModel>, over: Partial<PlanFacts> = {}): string {
  const changed = { ...MODEL, ...model };
  return render({ model: changed, aws: changed.aws && AWS, azure: changed.azure && AZURE, gcp: changed.gcp && GCP, ...over });
}

// ------------------------------------------------------------------------------- reading the markdown

const headingLevel = (line: string): number => /^(#+) /.exec(line)?.[1]?.length ?? 0;

/** The lines under `heading` (exact line), up to the next heading of the same or a higher level. */
function section(lines: readonly string[], heading: string): string[] {
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading "${heading}" in:\n${lines.join('\n')}`);
  const level = headingLevel(heading);
  const end = lines.findIndex((l, i) => i > start && headingLevel(l) > 0 && headingLevel(l) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
const reportSection = (report: string, ...path: string[]): string[] => path.reduce<string[]>((lines, heading) => section(lines, heading), report.split('\n'));

const cellsOf = (row: string): string[] =>
  row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** The tables in `lines`: header cells and body rows (cells), in order. */
function tables(lines: readonly string[]): { header: string[]; rows: string[][] }[] {
  const found: { header: string[]; rows: string[][] }[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('|') && !lines[i - 1]?.startsWith('|')) {
      const block: string[] = [];
      for (let j = i; lines[j]?.startsWith('|'); j++) block.push(lines[j]!);
      found.push({ header: cellsOf(block[0]!), rows: block.slice(2).map(cellsOf) });
    }
  });
  return found;
}
const onlyTable = (lines: readonly string[]) => {
  const all = tables(lines);
  expect(all).toHaveLength(1);
  return all[0]!;
};
const nonEmpty = (lines: readonly string[]) => lines.filter((l) => l !== '');

/** The mermaid diagram in `lines`: its nodes (id -> label) and edges, after checking its syntax. */
function diagram(lines: readonly string[]): { labels: Map<string, string>; edges: [string, string][] } {
  const open = lines.indexOf('```mermaid');
  const close = lines.indexOf('```', open + 1);
  expect(open).toBeGreaterThanOrEqual(0);
  expect(close).toBeGreaterThan(open);
  expect(lines[open + 1]).toBe('flowchart LR');
  const labels = new Map<string, string>();
  const edges: [string, string][] = [];
  let depth = 0;
  const node = (id: string, label: string | undefined) => {
    if (label !== undefined) labels.set(id, label);
    return id;
  };
  for (const line of lines.slice(open + 2, close)) {
    const subgraph = /^ {2}subgraph (\w+)\["([^"]+)"\]$/.exec(line);
    const edge = /^ +(\w+)(?:\["([^"]+)"\])? --> (\w+)(?:\["([^"]+)"\])?$/.exec(line);
    if (subgraph) {
      labels.set(subgraph[1]!, subgraph[2]!);
      depth++;
    } else if (line === '  end') depth--;
    else if (edge) edges.push([node(edge[1]!, edge[2]), node(edge[3]!, edge[4])]);
    else throw new Error(`not a subgraph, end or edge: "${line}"`);
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  expect(edges.flat().filter((id) => !labels.has(id))).toEqual([]);
  return { labels, edges };
}
/** Nodes that no edge leads to, each of which must reach `sink`. */
function sourcesReach(edges: readonly [string, string][], sink: string): string[] {
  const sources = [...new Set(edges.map(([from]) => from))].filter((id) => !edges.some(([, to]) => to === id));
  const reaches = (id: string, seen = new Set<string>()): boolean =>
    id === sink || (!seen.has(id) && edges.some(([from, to]) => from === id && reaches(to, new Set([...seen, id]))));
  return sources.filter((id) => !reaches(id));
}

/** What any markdown renderer needs: headings and tables set off by blank lines, whole tables, closed fences. */
function expectWellFormed(report: string): void {
  expect(report.startsWith('# Guardrails plan\n\n')).toBe(true);
  expect(report.endsWith('\n')).toBe(true);
  expect(report).not.toMatch(/\n\n\n/);
  expect(report.trimEnd()).toBe(report.slice(0, -1));
  const lines = report.split('\n');
  let fence = false;
  lines.forEach((line, i) => {
    const before = lines[i - 1];
    const after = lines[i + 1];
    if (line.startsWith('```')) {
      expect(line, `fence at line ${i + 1}`).toBe(fence ? '```' : '```mermaid');
      if (fence) expect(after, `after the fence at line ${i + 1}`).toBe('');
      else expect(before, `before the fence at line ${i + 1}`).toBe('');
      fence = !fence;
      return;
    }
    if (fence) return;
    if (headingLevel(line) > 0) {
      if (i > 0) expect(before, `before "${line}"`).toBe('');
      expect(after, `after "${line}"`).toBe('');
    }
    if (line.startsWith('|')) {
      expect(line.endsWith('|'), line).toBe(true);
      if (!before?.startsWith('|')) {
        expect(before, `before the table at "${line}"`).toBe('');
        expect(after, `separator of "${line}"`).toBe(`|${' --- |'.repeat(cellsOf(line).length)}`);
      }
      if (!after?.startsWith('|')) expect(after, `after the table at "${line}"`).toBe('');
    }
  });
  expect(fence).toBe(false);
  for (const table of tables(lines)) {
    for (const row of table.rows) {
      expect(row, JSON.stringify(row)).toHaveLength(table.header.length);
      expect(
        row.filter((c) => c === ''),
        JSON.stringify(row),
      ).toEqual([]);
    }
  }
}

const headings = (report: string): string[] => report.split('\n').filter((l) => headingLevel(l) > 0);
const CLOUD_SUBSECTIONS = {
  aws: [
    '## AWS',
    '### Preventive controls (SCPs)',
    '### Audit trail',
    '### What protects each resource',
    '### Detection',
    '### Not covered',
    '### Alarm pipeline',
  ],
  azure: ['## Azure', '### Preventive controls (Conditional Access)', '### Audit logging', '### Detection', '### Not covered', '### Alarm pipeline'],
  gcp: ['## GCP', '### Preventive controls', '### Audit logging', '### Detection', '### Not covered', '### Alarm pipeline'],
};
const CLOSING = [
  '## Rollout checklist: from report to enforce',
  `## ${CLOUD_API} ${TECHNIQUES[CLOUD_API]}: coverage`,
  '## Detection coverage by ATT&CK v19 technique',
  '## Every catalog rule',
];

// ------------------------------------------------------------------------------------------------ tests

describe('plan report: the document', () => {
  const variants: [string, Partial<PlanFacts>][] = [
    ['every cloud', {}],
    ['no cloud', { aws: undefined, azure: undefined, gcp: undefined }],
    ['AWS only', { azure: undefined, gcp: undefined }],
    ['Azure only', { aws: undefined, gcp: undefined }],
    ['GCP only', { aws: undefined, azure: undefined }],
    ['no rules, no notes, nothing generated', { rules: [], azure: { ...AZURE, notes: [] }, gcp: { ...GCP, notes: [] } }],
  ];
  for (const [name, over] of variants) {
    it(`is well-formed markdown: ${name}`, () => expectWellFormed(render(over)));
  }

  it('has a section per planned cloud, in the order AWS, Azure, GCP, then the checklist, the coverage and the rule index', () => {
    expect(headings(render())).toEqual(['# Guardrails plan', ...CLOUD_SUBSECTIONS.aws, ...CLOUD_SUBSECTIONS.azure, ...CLOUD_SUBSECTIONS.gcp, ...CLOSING]);
    expect(headings(render({ aws: undefined, azure: undefined, gcp: undefined }))).toEqual(['# Guardrails plan', ...CLOSING]);
    expect(headings(render({ azure: undefined, gcp: undefined }))).toEqual(['# Guardrails plan', ...CLOUD_SUBSECTIONS.aws, ...CLOSING]);
    expect(headings(render({ aws: undefined, gcp: undefined }))).toEqual(['# Guardrails plan', ...CLOUD_SUBSECTIONS.azure, ...CLOSING]);
    expect(headings(render({ aws: undefined, azure: undefined }))).toEqual(['# Guardrails plan', ...CLOUD_SUBSECTIONS.gcp, ...CLOSING]);
  });

  it('names the config, the default mode, the version and the clouds planned, and says nothing was deployed', () => {
    const intro = (report: string) => nonEmpty(report.split('\n').slice(1, report.split('\n').indexOf(headings(report)[1]!)));
    const [summary, disclaimer, ...rest] = intro(render());
    expect(rest).toEqual([]);
    expect(summary).toBe('Config `guardrails.yaml`, default mode **report**, cloud-api-guardrails 9.9.9. Planned: AWS, Azure, GCP.');
    expect(disclaimer).toMatch(/^Nothing was deployed and no cloud was called/);
    expect(intro(withModel({ mode: 'enforce' }))[0]).toContain('default mode **enforce**');
    expect(intro(render({ aws: undefined, gcp: undefined }))[0]).toMatch(/ Planned: Azure\.$/);
    expect(intro(render({ aws: undefined, azure: undefined }))[0]).toMatch(/ Planned: GCP\.$/);
    expect(intro(render({ azure: undefined }))[0]).toMatch(/ Planned: AWS, GCP\.$/);
    expect(intro(render({ aws: undefined, azure: undefined, gcp: undefined }))[0]).toMatch(/ Planned: nothing\.$/);
  });
});

describe('plan report: AWS', () => {
  const aws = (report = render()) => reportSection(report, '## AWS');

  it('points to the cloud assembly and counts the resources of each stack', () => {
    const [assembly] = nonEmpty(aws());
    expect(assembly).toMatch(/^Cloud assembly: `aws\/` next to this report \(Alpha: 3 resources; Beta: 5 resources\), /);
    expect(assembly).toContain('`npx cdk deploy --app out/aws`');
  });

  it('gives each SCP control its mode, its SCPs, where they are attached and who is exempt', () => {
    const table = onlyTable(section(aws(), '### Preventive controls (SCPs)'));
    expect(table.header).toEqual(['Control', 'Mode', 'SCP', 'Attachment', 'Exempt']);
    const [network, cloudShell, logProtection, ...more] = table.rows;
    expect(more).toEqual([]);
    expect(network!.slice(0, 4)).toEqual([
      'Network perimeter: deny API calls from outside the trusted networks and VPCs',
      'enforce',
      '`guardrails-enforce-1`, `guardrails-enforce-2`',
      'attached to `ou-ab12-11111111`, `ou-ab12-22222222`',
    ]);
    // Report mode: created but attached to nothing; the CloudShell row names its setting.
    expect(cloudShell!.slice(0, 4)).toEqual(['CloudShell restriction (`vpcOnly`)', 'report', "`guardrails-report-'1'`", 'created, attached to nothing']);
    // Enforce mode, but no policy carries the control.
    expect(logProtection!.slice(0, 4)).toEqual(['Tamper protection of the trail, its storage and the kit', 'enforce', '-', 'not generated']);
    const arns = networkExemptArns(MODEL.aws!);
    expect(arns).toEqual(expect.arrayContaining(BREAK_GLASS));
    expect(network![4]!.startsWith(`${arns.map((a) => `\`${a}\``).join(', ')}; principals tagged \`${MODEL.aws!.perimeterExemptionTag}=true\`; `)).toBe(true);
    expect(cloudShell![4]).toBe('break-glass `arn:aws:iam::*:role/BreakGlassA`, `arn:aws:iam::*:role/BreakGlassB`');
    expect(logProtection![4]!.startsWith('break-glass `arn:aws:iam::*:role/BreakGlassA`, `arn:aws:iam::*:role/BreakGlassB`; ')).toBe(true);
  });

  it('says that a control with no SCP in report mode is not generated', () => {
    const report = render({
      aws: { ...AWS, perimeter: { ...AWS.perimeter, policies: [] } },
      model: { ...MODEL, aws: { ...MODEL.aws!, modes: { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' } } },
    });
    const rows = onlyTable(section(aws(report), '### Preventive controls (SCPs)')).rows;
    expect(rows.map((r) => r.slice(1, 4))).toEqual([
      ['report', '-', 'not generated'],
      ['report', '-', 'not generated'],
      ['report', '-', 'not generated'],
    ]);
  });

  it('describes the trail, where its evidence and the alarm pipeline live, by account layout', () => {
    const trail = (model: GuardrailsModel) => nonEmpty(section(aws(render({ model })), '### Audit trail'));
    const [sra, ...rest] = trail(MODEL);
    expect(rest).toEqual([]);
    const a = MODEL.aws!;
    expect(sra).toContain(`Organization trail \`${a.trail.name}\` in the management account (${a.accounts.management}): `);
    expect(sra).toContain('every account and region, log file validation, CloudTrail Insights, CloudWatch Logs 365 days.');
    expect(sra).toContain(`Log files go to the log-archive account (${a.accounts.logArchive}): S3 with Object Lock GOVERNANCE 365 days`);
    expect(sra).toContain(`The alarm pipeline is in the security account (${a.accounts.security}).`);
    const single: GuardrailsModel = {
      ...MODEL,
      aws: {
        ...a,
        layout: 'single-account',
        trail: { ...a.trail, insights: false, objectLockMode: 'COMPLIANCE', objectLockDays: 30, logGroupRetentionDays: 90 },
      },
    };
    const [alone] = trail(single);
    expect(alone).toContain('every account and region, log file validation, CloudWatch Logs 90 days.');
    expect(alone).toContain('Log files go to the management account itself (no log-archive account configured): S3 with Object Lock COMPLIANCE 30 days');
    expect(alone).toContain('The alarm pipeline is in the management account.');
    expect(alone).not.toContain('log-archive account (');
  });

  it('lists what protects each resource, one row per resource, protections separated by line breaks', () => {
    const table = onlyTable(section(aws(), '### What protects each resource'));
    expect(table.header).toEqual(['Resource', 'Account', 'Protected by']);
    expect(table.rows).toEqual(protectionSummary(MODEL.aws!).map((p) => [p.resource, p.account, p.protections.join('<br/>')]));
    expect(table.rows.length).toBeGreaterThan(1);
  });

  it('counts the metric filters and EventBridge rules, lists the deployed AWS rules and the rules generated from the config', () => {
    const detection = nonEmpty(section(aws(), '### Detection'));
    expect(detection[0]).toBe(
      '2 CloudWatch metric filters with alarms and 4 EventBridge rules (central bus, management account, and every member account in us-east-1, eu-west-1), all to the SNS topic.',
    );
    const [catalog, generated, ...more] = tables(detection);
    expect(more).toEqual([]);
    expect(catalog!.header).toEqual(['Rule', 'Severity', 'Target', 'ATT&CK', 'Title']);
    expect(catalog!.rows).toEqual([
      ['`aws-tagged-z`', 'high', 'cloudwatch, eventbridge', 'T1059.009, T1078.004', 'Calls \\| from outside'],
      ['`aws-tagged-a`', 'low', 'eventbridge', 'T1059.009', 'Title of aws-tagged-a'],
    ]);
    // Real-time rules that are not catalog rules (shadow rules, self-protection rules) have a table of their own.
    expect(generated!.header).toEqual(['Rule', 'Severity', 'What it watches']);
    expect(generated!.rows).toEqual([
      ['`guardrails-trail-changed`', 'critical', 'Trail \\| changed now'],
      ['`aws-perimeter-shadow-network-part1`', 'medium', 'Shadow network call'],
    ]);
    expect(detection).toContain('Generated from the config (EventBridge):');
  });

  it('has no generated-rules table when every real-time rule is a catalog rule', () => {
    const alarms = { ...AWS.alarms, realtime: AWS.alarms.realtime.filter((r) => r.ruleId.startsWith('aws-tagged')) };
    const detection = nonEmpty(section(aws(render({ aws: { ...AWS, alarms } })), '### Detection'));
    expect(detection[0]).toMatch(/^2 CloudWatch metric filters with alarms and 2 EventBridge rules /);
    // The summary, then the catalog table and nothing else.
    expect(detection.slice(1).every((l) => l.startsWith('|'))).toBe(true);
    expect(tables(detection)).toHaveLength(1);
  });

  it('says so when no catalog rule is deployed to AWS', () => {
    const detection = nonEmpty(section(aws(render({ rules: RULES.filter((r) => r.logsource.product !== 'aws' || r.targets.length === 0) })), '### Detection'));
    expect(detection[1]).toBe('No catalog rule is deployed here.');
    expect(tables(detection).map((t) => t.header)).toEqual([['Rule', 'Severity', 'What it watches']]);
  });

  it('lists what is not covered: the management account, the perimeter and alarm notes, and the AWS rules kept for detect only', () => {
    const gaps = nonEmpty(section(aws(), '### Not covered'));
    expect(gaps.every((l) => l.startsWith('- '))).toBe(true);
    expect(gaps[0]).toMatch(/^- SCPs never apply to the management account/);
    expect(gaps.slice(1)).toEqual([
      '- networkPerimeter: a perimeter note.',
      '- an alarm note',
      '- Rules kept for `guardrails detect` only (no deploy target): `aws-idle-2`, `aws-idle-1`.',
    ]);
    const none = nonEmpty(section(aws(render({ rules: RULES.filter((r) => r.targets.length > 0) })), '### Not covered'));
    expect(none.filter((l) => l.includes('guardrails detect'))).toEqual([]);
    expect(none.every((l) => l.startsWith('- '))).toBe(true);
  });

  it('draws the alarm pipeline from every source to the people notified, with its regions, trail and counts', () => {
    const { labels, edges } = diagram(section(aws(), '### Alarm pipeline'));
    expect(sourcesReach(edges, 'people')).toEqual([]);
    expect(labels.get('members')).toBe('Member accounts, us-east-1, eu-west-1 (StackSet)');
    expect(labels.get('management')).toBe('Management account, us-east-1');
    expect(labels.get('trail')).toBe(`Organization trail ${MODEL.aws!.trail.name}`);
    expect(labels.get('filters')).toBe('2 metric filters + alarms');
    expect(labels.get('realtime')).toBe('4 real-time rules');
    expect(labels.get('people')).toBe('1 email, 1 webhook');
    expect(edges).toEqual(
      expect.arrayContaining([
        ['mcall', 'mfwd'],
        ['mfwd', 'bus'],
        ['filters', 'topic'],
        ['realtime', 'topic'],
      ]),
    );
  });
});

describe('plan report: Azure', () => {
  const azure = (report = render()) => reportSection(report, '## Azure');

  it('points to the offline plan and counts its resources', () => {
    expect(nonEmpty(azure())[0]).toMatch(/^Offline plan: `azure\.plan\.json` \(6 resources\)\. /);
  });

  it('gives each Conditional Access policy (and nothing else) its mode and who is excluded', () => {
    const table = onlyTable(section(azure(), '### Preventive controls (Conditional Access)'));
    expect(table.header).toEqual(['Policy', 'Mode', 'Exempt']);
    expect(table.rows).toEqual([
      ['Block \\| management outside', 'report (report-only)', 'user `u-1`, user `u-2`, group `g-1`'],
      ['Require MFA', 'enforce', 'group `g-1`'],
      ['Device code', 'off', 'user `u-1`'],
      // A state the report does not know is shown as Entra names it; nobody excluded is said in bold.
      ['Future policy', 'somethingNew', '**nobody**'],
    ]);
  });

  it('describes where the Activity Log goes, for how long, and whether the Entra logs are in the plan', () => {
    const audit = (model: GuardrailsModel, plan = AZURE) => nonEmpty(section(azure(render({ model, azure: plan })), '### Audit logging'));
    const [perSubscription, ...rest] = audit(MODEL);
    expect(rest).toEqual([]);
    expect(perSubscription).toMatch(/^Activity Log of 2 subscription\(s\) to a Log Analytics workspace \(90 days\) and immutable storage \(180 days\)\. /);
    expect(perSubscription).toContain('Entra logs: in this plan');
    const policy = audit({ ...MODEL, azure: { ...MODEL.azure!, activityLogDeployment: 'policy' } })[0]!;
    expect(policy).toMatch(/^Activity Log of every subscription under management group `contoso-root` \(DeployIfNotExists policy\) to /);
    const noEntra = audit(MODEL, { ...AZURE, resources: AZURE.resources.filter((r) => r !== ENTRA_SETTING) })[0]!;
    expect(noEntra).toContain('Entra logs: **not in this plan** (`azure.entraDiagnostics: false`).');
    expect(noEntra).not.toContain('Entra logs: in this plan');
  });

  it('counts the rules deployed as scheduled queries, lists them, the notes and the rules kept for detect only', () => {
    const detection = nonEmpty(section(azure(), '### Detection'));
    expect(detection[0]).toBe('1 scheduled query rules on the workspace and Activity Log alerts for tampering, to an action group (1 email, 1 webhook).');
    expect(onlyTable(detection).rows).toEqual([['`azure-kql`', 'medium', 'kql', 'T1078.004', 'Title of azure-kql']]);
    expect(nonEmpty(section(azure(), '### Not covered'))).toEqual([
      '- an azure note',
      '- Rules kept for `guardrails detect` only (no deploy target): `azure-idle`.',
    ]);
  });

  it('draws the pipeline from the Activity Log and Entra logs to the people notified, and to immutable storage', () => {
    const { labels, edges } = diagram(section(azure(), '### Alarm pipeline'));
    expect(sourcesReach(edges, 'people')).toEqual([]);
    expect(edges).toEqual(
      expect.arrayContaining([
        ['activity', 'workspace'],
        ['entra', 'workspace'],
        ['activity', 'storage'],
        ['activity', 'activityAlerts'],
      ]),
    );
    expect(labels.get('queries')).toBe('1 scheduled query rules');
    expect(labels.get('people')).toBe('1 email, 1 webhook');
  });
});

describe('plan report: GCP', () => {
  const gcp = (plan: Partial<PulumiPlanFacts> = {}, model = MODEL) => reportSection(render({ model, gcp: { ...GCP, ...plan } }), '## GCP');
  const controls = (plan: Partial<PulumiPlanFacts> = {}, model = MODEL) => onlyTable(section(gcp(plan, model), '### Preventive controls'));
  /** Each row as [what it is, mode, exempt], what it is shortened to the words before its first colon or "around". */
  const rows = (plan: Partial<PulumiPlanFacts> = {}) => controls(plan).rows.map(([what, mode, exempt]) => [what!.split(/:| around /)[0], mode, exempt]);
  const without = (...types: string[]) => ({ resources: GCP.resources.filter((r) => !types.includes(r.type)) });

  it('points to the offline plan and counts its resources', () => {
    expect(nonEmpty(gcp())[0]).toMatch(/^Offline plan: `gcp\.plan\.json` \(5 resources\)\. /);
  });

  it('gives each preventive control its mode and who is exempt', () => {
    expect(controls().header).toEqual(['Control', 'Mode', 'Exempt']);
    expect(rows()).toEqual([
      [
        'Access level bound to admin group `gcp-admins@example.com`',
        'report (dry-run level)',
        'members outside the group (keep break-glass accounts out of it)',
      ],
      ['IP-only access level bound to 2 automation service account(s) or project(s)', 'enforce', '-'],
      ['VPC Service Controls perimeter', 'report (dry-run)', "the log sinks' writer identities (ingress rule); callers in the trusted access level"],
      [
        'IAM deny policy on tampering with log sinks, buckets and exclusions, access controls, organization policies and alerting',
        'enforce (a deny policy has no dry run)',
        EXCEPTIONS.map((e) => `\`${e}\``).join(', '),
      ],
    ]);
    expect(controls().rows[2]![0]).toBe('VPC Service Controls perimeter around 2 project(s)');
  });

  it('reads each mode from the plan: enforced admin binding, a dry-run automation binding, an enforced perimeter', () => {
    const modes = (resources: PlannedResourceView[]) => rows({ resources }).map(([what, mode]) => [what!.split(' ')[0], mode]);
    expect(modes([adminBinding(true), automationBinding('ci', true), automationBinding('deployer', false), perimeterResource({ status: {} })])).toEqual([
      ['Access', 'enforce'],
      ['IP-only', 'report (dry-run level)'],
      ['VPC', 'enforce'],
    ]);
    // A perimeter with an explicit dry-run spec and an enforced status is enforced.
    expect(modes([perimeterResource({ status: {}, spec: {}, useExplicitDryRunSpec: true })])).toEqual([['VPC', 'enforce']]);
    expect(modes([automationBinding('ci', false)])).toEqual([['IP-only', 'report (dry-run level)']]);
  });

  it('leaves out the rows of controls the plan does not hold', () => {
    expect(rows(without(BINDING)).map(([what]) => what!.split(' ')[0])).toEqual(['VPC', 'IAM']);
    expect(rows(without(PERIMETER, DENY)).map(([what]) => what!.split(' ')[0])).toEqual(['Access', 'IP-only']);
    expect(rows({ resources: [adminBinding(true)] }).map(([what]) => what!.split(' ')[0])).toEqual(['Access']);
    expect(rows({ resources: [automationBinding('ci', true)] }).map(([what]) => what!.split(' ')[0])).toEqual(['IP-only']);
  });

  it('says in bold that nobody is exempt from a deny policy without exception principals', () => {
    const denyExempt = (deny: PlannedResourceView) => rows({ resources: [deny] })[0]![2];
    expect(denyExempt(denyResource({ rules: [{ denyRule: {} }] }))).toBe('**nobody**');
    expect(denyExempt(denyResource({ rules: [{ denyRule: { exceptionPrincipals: [] } }] }))).toBe('**nobody**');
    expect(denyExempt(denyResource({ rules: [] }))).toBe('**nobody**');
    expect(denyExempt(denyResource({}))).toBe('**nobody**');
  });

  it('describes the audit configuration: data-access services, log project, retention and the bucket lock', () => {
    const audit = (model: GuardrailsModel) => nonEmpty(section(gcp({}, model), '### Audit logging'));
    const [withServices, ...rest] = audit(MODEL);
    expect(rest).toEqual([]);
    expect(withServices).toBe(
      'Organization audit config (Admin Read for all services; Data Access for `storage.googleapis.com`, `secretmanager.googleapis.com`, `iam.googleapis.com`, `iap.googleapis.com`), no audit-logging exemptions, org sinks into `guardrails-logs` with 400 days retention (bucket not locked).',
    );
    const locked = audit({ ...MODEL, gcp: { ...MODEL.gcp!, dataAccessServices: [], lockLogBucket: true, retentionDays: 3650 } })[0]!;
    expect(locked).toMatch(/^Organization audit config \(Admin Read for all services\), no audit-logging exemptions, /);
    expect(locked).toMatch(/ with 3650 days retention in a \*\*locked\*\* bucket\.$/);
  });

  it('counts the log-match alert policies, lists them, the notes and the rules kept for detect only', () => {
    const detection = nonEmpty(section(gcp(), '### Detection'));
    expect(detection[0]).toBe('1 log-match alert policies in `guardrails-logs`, to 1 email, 1 webhook.');
    expect(onlyTable(detection).rows).toEqual([['`gcp-alert`', 'critical', 'gcp', 'T1059.009', 'Title of gcp-alert']]);
    expect(nonEmpty(section(gcp(), '### Not covered'))).toEqual(['- a gcp note', '- Rules kept for `guardrails detect` only (no deploy target): `gcp-idle`.']);
  });

  it('draws the pipeline from the organization logs to the people notified, and to the retention bucket', () => {
    const { labels, edges } = diagram(section(gcp(), '### Alarm pipeline'));
    expect(sourcesReach(edges, 'people')).toEqual([]);
    expect(edges).toEqual(
      expect.arrayContaining([
        ['org', 'sinkBucket'],
        ['org', 'sinkProject'],
      ]),
    );
    expect(labels.get('sinkProject')).toBe('Org sink into guardrails-logs');
    expect(labels.get('alerts')).toBe('1 log-match alert policies');
    expect(labels.get('people')).toBe('1 email, 1 webhook');
  });

  it('has an empty "Not covered" when the plan has no notes and every rule is deployed', () => {
    const report = render({ rules: RULES.filter((r) => r.targets.length > 0), gcp: { ...GCP, notes: [] } });
    expect(nonEmpty(reportSection(report, '## GCP', '### Not covered'))).toEqual([]);
    expectWellFormed(report);
  });
});

describe('plan report: rollout checklist', () => {
  const ITEMS = [
    'Trusted networks',
    'Someone receives',
    'AWS break-glass',
    'Azure emergency-access',
    'GCP break-glass',
    'Deploy in',
    'Backtest the',
    'Switch one',
  ];
  /** Each item's first two words -> ticked. */
  function checklist(report: string): Record<string, boolean> {
    const lines = nonEmpty(reportSection(report, '## Rollout checklist: from report to enforce'));
    expect(lines.every((l) => /^- \[[ x]\] /.test(l))).toBe(true);
    return Object.fromEntries(lines.map((l) => [l.slice(6).split(' ').slice(0, 2).join(' '), l.startsWith('- [x]')]));
  }
  const ticked = (report: string) => Object.entries(checklist(report)).flatMap(([item, done]) => (done ? [item] : []));

  it('has an item per planned cloud and the steps every rollout takes, unticked while nothing is done', () => {
    expect(Object.keys(checklist(render()))).toEqual(ITEMS);
    expect(Object.keys(checklist(withModel({ aws: undefined, azure: undefined, gcp: undefined })))).toEqual([
      'Trusted networks',
      'Someone receives',
      'Deploy in',
      'Backtest the',
      'Switch one',
    ]);
    const none = withModel({
      notifications: { emails: [], webhooks: [] },
      aws: { ...MODEL.aws!, breakGlassRoleArns: [], modes: { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' } },
      azure: { ...MODEL.azure!, breakGlassUserIds: [], breakGlassGroupIds: [] },
      gcp: { ...MODEL.gcp!, breakGlassMembers: [] },
    });
    expect(ticked(none)).toEqual([]);
    expect(checklist(none)['Someone receives']).toBe(false);
    expect(nonEmpty(reportSection(none, '## Rollout checklist: from report to enforce'))[1]).toBe(
      '- [ ] Someone receives the alerts (no notification target); send a test alert to each target.',
    );
  });

  it('ticks the trusted networks only when there are some and none is a documentation range', () => {
    const trusted = (model: Partial<GuardrailsModel>) => checklist(withModel(model))['Trusted networks'];
    expect(MODEL.warnings.some((w) => w.path === 'trustedNetworks.cidrs' && w.message.includes('documentation range'))).toBe(true);
    expect(trusted({})).toBe(false);
    expect(trusted({ warnings: [] })).toBe(true);
    expect(trusted({ warnings: [], trusted: { ...MODEL.trusted, cidrs: [] } })).toBe(false);
    expect(trusted({ warnings: [{ path: 'trustedNetworks.cidrs', message: '192.0.2.0/24 and 192.0.2.0/25 overlap: merged' }] })).toBe(true);
    expect(trusted({ warnings: [{ path: 'aws.targets', message: 'names a documentation range' }] })).toBe(true);
  });

  it('ticks notifications with an email or a webhook, and says how many of each', () => {
    const notified = (emails: string[], webhooks: string[]) => withModel({ notifications: { emails, webhooks } });
    expect(checklist(notified([], ['https://hooks.example.com/a']))['Someone receives']).toBe(true);
    expect(checklist(notified(['a@example.com'], []))['Someone receives']).toBe(true);
    expect(checklist(notified(['a@example.com'], ['https://hooks.example.com/a']))['Someone receives']).toBe(true);
    expect(nonEmpty(reportSection(notified(['a@example.com', 'b@example.com'], []), '## Rollout checklist: from report to enforce'))[1]).toBe(
      '- [x] Someone receives the alerts (2 email, 0 webhook); send a test alert to each target.',
    );
  });

  it('ticks each cloud’s break-glass item when that cloud has break-glass identities', () => {
    expect(ticked(withModel({ warnings: [] }))).toEqual([
      'Trusted networks',
      'Someone receives',
      'AWS break-glass',
      'Azure emergency-access',
      'GCP break-glass',
      'Switch one',
    ]);
    const azure = (breakGlassUserIds: string[], breakGlassGroupIds: string[]) =>
      checklist(withModel({ azure: { ...MODEL.azure!, breakGlassUserIds, breakGlassGroupIds } }))['Azure emergency-access'];
    expect(azure([], [])).toBe(false);
    expect(azure([], ['g-1'])).toBe(true);
    expect(azure(['u-1'], [])).toBe(true);
    expect(azure(['u-1'], ['g-1'])).toBe(true);
    expect(checklist(withModel({ aws: { ...MODEL.aws!, breakGlassRoleArns: [] } }))['AWS break-glass']).toBe(false);
    expect(checklist(withModel({ gcp: { ...MODEL.gcp!, breakGlassMembers: [] } }))['GCP break-glass']).toBe(false);
    expect(nonEmpty(reportSection(render(), '## Rollout checklist: from report to enforce'))[4]).toContain('outside `gcp-admins@example.com`');
  });

  it('ticks "switch to enforce" when the default mode or any AWS control is enforced', () => {
    const enforced = (model: Partial<GuardrailsModel>) => checklist(withModel(model))['Switch one'];
    const awsModes = (cloudShell: Mode) => ({ ...MODEL.aws!, modes: { networkPerimeter: 'report' as Mode, cloudShell, logProtection: 'report' as Mode } });
    expect(enforced({ mode: 'report', aws: awsModes('report') })).toBe(false);
    expect(enforced({ mode: 'report', aws: awsModes('enforce') })).toBe(true);
    expect(enforced({ mode: 'enforce', aws: awsModes('report') })).toBe(true);
    expect(enforced({ mode: 'enforce', aws: undefined })).toBe(true);
    expect(enforced({ mode: 'report', aws: undefined })).toBe(false);
  });
});

describe('plan report: T1059.009 coverage', () => {
  const coverage = (report: string) => onlyTable(reportSection(report, `## ${CLOUD_API} ${TECHNIQUES[CLOUD_API]}: coverage`));
  /** Row (M1026, M1038, DS0017) -> what the plan deploys, one item per cloud. */
  const deploys = (report: string): Record<string, string[]> =>
    Object.fromEntries(coverage(report).rows.map((r): [string, string[]] => [r[0]!.split(' ')[0]!, r[2]!.split('<br/>')]));

  it('has a row per ATT&CK mitigation and the data source, with what ATT&CK asks', () => {
    const table = coverage(render());
    expect(table.header).toEqual(['ATT&CK', 'What it asks', 'What this plan deploys']);
    expect(table.rows.map((r) => r.slice(0, 2))).toEqual([
      ...CLOUD_API_MITIGATIONS.map((m) => [`${m.id} ${m.name}`, m.attack]),
      [`${CLOUD_API_DATA_SOURCE.id} ${CLOUD_API_DATA_SOURCE.name}`, CLOUD_API_DATA_SOURCE.attack],
    ]);
  });

  it('says per planned cloud what it deploys against each, with the modes, and which rules see the technique', () => {
    const all = deploys(render());
    expect(all['M1026']!.map((i) => i.split(':')[0])).toEqual(['AWS', 'Azure', 'GCP']);
    expect(all['M1026']![0]).toBe('AWS: network-perimeter SCP (enforce)');
    expect(all['M1026']![1]).toMatch(/^Azure: Conditional Access .* outside them \(report\)$/);
    expect(all['M1026']![1]).not.toContain('service principals');
    expect(all['M1026']![2]).toMatch(/^GCP: access levels .* \(report\)$/);
    expect(all['M1038']!.map((i) => i.split(':')[0])).toEqual(['AWS', 'Azure', 'GCP']);
    expect(all['M1038']![0]).toBe('AWS: CloudShell SCP `vpcOnly` (report)');
    expect(all['M1038']![1]).toMatch(/^Azure: device-code flow blocked .*\(report\)$/);
    expect(all['M1038']![2]).toMatch(/^GCP: Cloud Shell cannot be disabled/);
    // Only rules tagged T1059.009 (among other tags), by their own cloud; '-' for a cloud with none.
    expect(all['DS0017']).toEqual([
      'AWS: organization trail; rules `aws-tagged-z`, `aws-tagged-a`',
      'Azure: Activity Log and Entra logs; rules -',
      'GCP: organization audit logs; rules `gcp-alert`',
    ]);
    const azureTagged = deploys(render({ rules: [...RULES, rule('azure-cloud-api', 'azure', ['kql'], ['attack.t1059.009'])] }));
    expect(azureTagged['DS0017']![1]).toBe('Azure: Activity Log and Entra logs; rules `azure-cloud-api`');
    const workload = deploys(withModel({ mode: 'enforce', azure: { ...MODEL.azure!, workloadIdentityConditionalAccess: true } }));
    expect(workload['M1026']![1]).toMatch(/, and blocks service principals outside them \(enforce\)$/);
    expect(workload['M1038']![1]).toMatch(/\(enforce\)$/);
  });

  it('lists only the planned clouds, and says when no cloud is planned', () => {
    for (const [over, cloud] of [
      [{ azure: undefined, gcp: undefined }, 'AWS'],
      [{ aws: undefined, gcp: undefined }, 'Azure'],
      [{ aws: undefined, azure: undefined }, 'GCP'],
    ] as const) {
      const one = deploys(render(over));
      for (const row of ['M1026', 'M1038', 'DS0017'])
        expect(
          one[row]!.map((i) => i.split(':')[0]),
          `${cloud} ${row}`,
        ).toEqual([cloud]);
    }
    const none = deploys(render({ aws: undefined, azure: undefined, gcp: undefined }));
    expect(Object.values(none)).toEqual([['no cloud planned'], ['no cloud planned'], ['no cloud planned']]);
  });
});

describe('plan report: every catalog rule', () => {
  it('lists every rule by id, with its cloud, severity, targets (or detect only) and techniques', () => {
    const table = onlyTable(reportSection(render({ aws: undefined, azure: undefined, gcp: undefined }), '## Every catalog rule'));
    expect(table.header).toEqual(['Rule', 'Cloud', 'Severity', 'Deployed to', 'ATT&CK']);
    expect(table.rows).toEqual([
      ['`aws-idle-1`', 'aws', 'medium', 'detect only', 'T1110'],
      ['`aws-idle-2`', 'aws', 'low', 'detect only', 'T1110'],
      ['`aws-tagged-a`', 'aws', 'low', 'eventbridge', 'T1059.009'],
      ['`aws-tagged-z`', 'aws', 'high', 'cloudwatch, eventbridge', 'T1059.009, T1078.004'],
      ['`azure-idle`', 'azure', 'medium', 'detect only', 'T1110'],
      ['`azure-kql`', 'azure', 'medium', 'kql', 'T1078.004'],
      ['`gcp-alert`', 'gcp', 'critical', 'gcp', 'T1059.009'],
      ['`gcp-idle`', 'gcp', 'medium', 'detect only', 'T1110'],
    ]);
  });
});

describe('plan report: preventive control names (for the ATT&CK layer)', () => {
  it('names each planned preventive control, the Azure ones by their Conditional Access policies', () => {
    expect(preventiveControlNames(FACTS)).toEqual([
      'AWS network-perimeter SCP',
      'AWS CloudShell SCP (vpcOnly)',
      'Azure CA "Block | management\n outside"',
      'Azure CA "Require MFA"',
      'Azure CA "Device code"',
      'Azure CA "Future policy"',
      'GCP access level bound to the admin group',
      'GCP VPC Service Controls perimeter',
      'GCP IAM deny policy',
    ]);
    expect(preventiveControlNames({ ...FACTS, aws: undefined, azure: undefined, gcp: undefined })).toEqual([]);
    expect(preventiveControlNames({ ...FACTS, aws: undefined, gcp: undefined })).toHaveLength(4);
    expect(preventiveControlNames({ ...FACTS, azure: undefined, gcp: undefined })).toEqual(['AWS network-perimeter SCP', 'AWS CloudShell SCP (vpcOnly)']);
    expect(preventiveControlNames({ ...FACTS, aws: undefined, azure: undefined })).toHaveLength(3);
  });
});
