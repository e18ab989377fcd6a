/**
 * The GCP program as an offline plan (Pulumi mocks): a whole-plan snapshot per mode plus targeted
 * assertions, and the alert policies' queries, read back from the plan, backtested on the GCP corpus.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { gcpProgram } from '../../../stacks/gcp/program.ts';
import type { PlannedResource } from '../../../stacks/pulumi-plan.ts';
import { inputsOfType, planProgram } from '../../helpers/pulumi-plan.ts';
import { enforceModel, exampleModel, type Editable } from '../../helpers/config.ts';
import { corpusFiles } from '../../helpers/corpus.ts';

const plan = (model = exampleModel()) => planProgram(gcpProgram, model);
const one = (resources: PlannedResource[], suffix: string) => {
  const found = inputsOfType(resources, suffix);
  expect(found, suffix).toHaveLength(1);
  return found[0]!;
};

const report = await plan();
const enforce = await plan(enforceModel());

describe('whole plan', () => {
  it('report mode matches the snapshot', () => expect(report).toMatchSnapshot());
  it('enforce mode matches the snapshot', () => expect(enforce).toMatchSnapshot());
});

describe('audit logging', () => {
  it('turns on ADMIN_READ for all services and data access for the listed ones', () => {
    const configs = inputsOfType(report, ':IamAuditConfig');
    expect(configs).toContainEqual({ orgId: '123456789012', service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }] });
    for (const service of ['storage.googleapis.com', 'secretmanager.googleapis.com', 'iam.googleapis.com']) {
      expect(configs).toContainEqual({ orgId: '123456789012', service, auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] });
    }
  });

  it('forbids audit-logging exemptions by org policy', () => {
    expect(one(report, 'orgpolicy/policy:Policy')).toMatchObject({ name: 'organizations/123456789012/policies/iam.disableAuditLoggingExemption', spec: { rules: [{ enforce: 'TRUE' }] }, deletionPolicy: 'PREVENT' });
  });

  it('sinks every project\'s audit logs into the retention bucket and into the log project, with writer grants', () => {
    const sinks = inputsOfType(report, ':OrganizationSink');
    expect(sinks.map((s) => s['destination']).sort()).toEqual([
      'logging.googleapis.com/projects/guardrails-logs',
      'logging.googleapis.com/projects/guardrails-logs/locations/global/buckets/guardrails-audit',
    ]);
    for (const sink of sinks) expect(sink).toMatchObject({ orgId: '123456789012', includeChildren: true, filter: 'logName:"/logs/cloudaudit.googleapis.com%2F"', deletionPolicy: 'PREVENT' });
    expect(one(report, ':ProjectBucketConfig')).toMatchObject({ project: 'guardrails-logs', bucketId: 'guardrails-audit', retentionDays: 400, locked: false });
    const grants = inputsOfType(report, ':IAMMember');
    expect(grants.map((g) => [g['role'], g['member']]).sort()).toEqual([
      ['roles/logging.bucketWriter', 'serviceAccount:<computed: writer identity of audit-to-bucket>'],
      ['roles/logging.logWriter', 'serviceAccount:<computed: writer identity of audit-to-project>'],
    ]);
  });

  it('locks the bucket only when asked', async () => {
    const locked = await plan(exampleModel((c) => (c.gcp.lockLogBucket = true)));
    expect(one(locked, ':ProjectBucketConfig')['locked']).toBe(true);
  });
});

describe('context-aware access', () => {
  it('binds the admin group by directory id, dry-run in report mode and enforced in enforce mode', () => {
    expect(one(report, ':GcpUserAccessBinding')).toEqual({ organizationId: '123456789012', groupKey: '03cqmetx1abcdef', dryRunAccessLevels: 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_trusted_networks' });
    expect(one(enforce, ':GcpUserAccessBinding')).toEqual({ organizationId: '123456789012', groupKey: '03cqmetx1abcdef', accessLevels: 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_trusted_networks' });
  });

  it('builds the access level from the trusted networks, 200 subnetworks per condition', async () => {
    expect(one(report, ':AccessLevel')['basic']).toEqual({ combiningFunction: 'OR', conditions: [{ ipSubnetworks: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'] }] });
    // Non-adjacent /16s (odd second octet), so aggregation keeps all 450.
    const octets = Array.from({ length: 223 }, (_, i) => i + 1).filter((o) => o !== 10 && o !== 127);
    const many = Array.from({ length: 450 }, (_, i) => `${octets[i % octets.length]}.${2 * Math.floor(i / octets.length) + 1}.0.0/16`);
    const big = await plan(exampleModel((c: Editable) => (c.trustedNetworks.cidrs = many)));
    const conditions = (one(big, ':AccessLevel')['basic'] as { conditions: { ipSubnetworks: string[] }[] }).conditions;
    expect(conditions.map((c) => c.ipSubnetworks.length)).toEqual([200, 200, 50]);
  });

  it('puts the VPC-SC perimeter in dry-run in report mode and enforces it in enforce mode, letting the sink writers in', () => {
    const dryRun = one(report, ':ServicePerimeter');
    expect(dryRun).toMatchObject({ useExplicitDryRunSpec: true, spec: { resources: ['projects/111111111111', 'projects/222222222222'] } });
    expect(dryRun['status']).toBeUndefined();
    const enforced = one(enforce, ':ServicePerimeter');
    expect(enforced).toMatchObject({ status: { resources: ['projects/111111111111', 'projects/222222222222'] } });
    expect(JSON.stringify(enforced)).toContain('<computed: writer identity of audit-to-bucket>');
  });

  it('denies tampering with the audit pipeline to everyone but break-glass and automation', () => {
    const deny = one(report, ':DenyPolicy') as { rules: { denyRule: { deniedPrincipals: string[]; exceptionPrincipals: string[]; deniedPermissions: string[] } }[] };
    const rule = deny.rules[0]!.denyRule;
    expect(rule.deniedPrincipals).toEqual(['principalSet://goog/public:all']);
    expect(rule.exceptionPrincipals).toEqual(['principal://goog/subject/breakglass@example.com', 'principal://iam.googleapis.com/projects/-/serviceAccounts/ci-deployer@guardrails-ci.iam.gserviceaccount.com']);
    expect(rule.deniedPermissions).toEqual(expect.arrayContaining(['logging.googleapis.com/sinks.delete', 'logging.googleapis.com/buckets.update']));
  });
});

describe('alerts', () => {
  const gcpRules = loadCatalog(exampleModel()).filter((r) => r.rule.logsource.product === 'gcp' && r.rule.targets.includes('gcp'));
  const policies = inputsOfType(report, ':AlertPolicy').map((r) => r as { displayName: string; conditions: { conditionMatchedLog: { filter: string } }[]; alertStrategy: unknown; documentation: { content: string }; userLabels: { guardrails_rule: string }; notificationChannels: unknown[] });

  it('has a rate-limited log-match alert per GCP rule, notifying the configured channels, documented with the rule', () => {
    expect(policies).toHaveLength(gcpRules.length);
    expect(one(report, ':NotificationChannel')).toMatchObject({ type: 'email', labels: { email_address: 'security-alerts@example.com' } });
    for (const p of policies) {
      expect(p.alertStrategy).toEqual({ notificationRateLimit: { period: '300s' }, autoClose: '1800s' });
      expect(p.notificationChannels).toHaveLength(1);
      expect(p.documentation.content).toContain(`\`${p.userLabels.guardrails_rule}\``);
    }
  });

  it('queries read back from the plan match the GCP corpus like the rules', () => {
    const events = corpusFiles()
      .flatMap((f) => f.events.map((raw, i) => ({ where: `${f.name}#${i}`, raw })))
      .filter((e) => detectSource(e.raw)?.service === 'gcp.audit');
    for (const p of policies) {
      const rule = gcpRules.find((r) => r.rule.id === p.userLabels.guardrails_rule)!;
      const matches = compileGcpQuery(p.conditions[0]!.conditionMatchedLog.filter);
      for (const e of events) expect(matches(e.raw), `${rule.rule.id} on ${e.where}`).toBe(rule.matches(e.raw));
    }
  });
});
