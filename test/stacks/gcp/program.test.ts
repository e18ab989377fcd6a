/**
 * The GCP program as an offline plan (Pulumi mocks): a whole-plan snapshot per mode plus targeted
 * assertions, and the alert policies' queries, read back from the plan, backtested on the GCP corpus.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TAMPER_PERMISSIONS } from '../../../constructs/gcp/context-aware-access.ts';
import { DENY_PERMISSIONS_SOURCE, isDenySupported } from '../../../core/gcp/deny-permissions.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { GCP_PLAN_NOTES, gcpProgram } from '../../../stacks/gcp/program.ts';
import type { PlannedResource } from '../../../stacks/pulumi-plan.ts';
import { catalogRules } from '../../helpers/catalog.ts';
import { inputsOfType, planProgram } from '../../helpers/pulumi-plan.ts';
import { configErrorOf, enforceModel, exampleModel, type Editable } from '../../helpers/config.ts';
import { corpusFiles } from '../../helpers/corpus.ts';

const plan = (model = exampleModel()) => planProgram(gcpProgram, model);
const one = (resources: PlannedResource[], suffix: string) => {
  const found = inputsOfType(resources, suffix);
  expect(found, suffix).toHaveLength(1);
  return found[0]!;
};

/** The config error without the file:line prefix the loader adds. */
const errorOf = (run: () => unknown) => configErrorOf(run).replace(/^\S+:\d+ /, '');

const report = await plan();
const enforce = await plan(enforceModel());

describe('whole plan', () => {
  it('report mode matches the snapshot', () => expect(report).toMatchSnapshot());
  it('enforce mode matches the snapshot', () => expect(enforce).toMatchSnapshot());
});

describe('audit logging', () => {
  it('turns on ADMIN_READ for all services and data access for the listed ones, keeping what the organization already logs', () => {
    const configs = inputsOfType(report, ':IamAuditConfig');
    expect(configs).toHaveLength(5);
    // The example's existing allServices config has DATA_WRITE: IamAuditConfig is authoritative, so it is merged in, not dropped.
    expect(configs).toContainEqual({ orgId: '123456789012', service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_WRITE' }] });
    for (const service of ['storage.googleapis.com', 'secretmanager.googleapis.com', 'iam.googleapis.com', 'iap.googleapis.com']) {
      expect(configs).toContainEqual({
        orgId: '123456789012',
        service,
        auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
      });
    }
  });

  it('never writes fewer log types than exist, leaves services it does not manage alone, and drops exemptions with a warning', async () => {
    const edit = (c: Editable) =>
      (c.gcp.existingAuditConfigs = [
        { service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:quiet@example.com'] }] },
        { service: 'bigquery.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ' }] },
      ]);
    const configs = inputsOfType(await plan(exampleModel(edit)), ':IamAuditConfig');
    expect(configs.find((c) => c['service'] === 'allServices')).toEqual({
      orgId: '123456789012',
      service: 'allServices',
      auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }],
    });
    expect(configs.map((c) => c['service'])).not.toContain('bigquery.googleapis.com');
    expect(JSON.stringify(configs)).not.toContain('exemptedMembers');
    expect(exampleModel(edit).warnings.map((w) => `${w.path}: ${w.message}`)).toContainEqual(
      'gcp.existingAuditConfigs[0]: allServices DATA_READ exempts user:quiet@example.com; the kit keeps the log type but drops the exemption (it enforces iam.disableAuditLoggingExemption)',
    );
  });

  it('refuses to plan without the existing audit configuration, naming the command that prints it', () => {
    expect(errorOf(() => exampleModel((c) => delete c.gcp.existingAuditConfigs))).toBe(
      "gcp.existingAuditConfigs: is missing; IamAuditConfig replaces the organization's audit logging for each service it writes (allServices, storage.googleapis.com, secretmanager.googleapis.com, iam.googleapis.com, iap.googleapis.com), so the kit must merge with what is there. Run: gcloud organizations get-iam-policy 123456789012 --format=json and paste its auditConfigs list (or [] if there is none).",
    );
    expect(() => exampleModel((c) => (c.gcp.existingAuditConfigs = []))).not.toThrow();
  });

  it('forbids audit-logging exemptions by org policy', () => {
    expect(one(report, 'orgpolicy/policy:Policy')).toMatchObject({
      name: 'organizations/123456789012/policies/iam.disableAuditLoggingExemption',
      spec: { rules: [{ enforce: 'TRUE' }] },
      deletionPolicy: 'PREVENT',
    });
  });

  it("sinks every project's audit logs into the retention bucket and into the log project, with writer grants", () => {
    const sinks = inputsOfType(report, ':OrganizationSink');
    expect(sinks.map((s) => s['destination']).sort()).toEqual([
      'logging.googleapis.com/projects/guardrails-logs',
      'logging.googleapis.com/projects/guardrails-logs/locations/global/buckets/guardrails-audit',
    ]);
    for (const sink of sinks)
      expect(sink).toMatchObject({
        orgId: '123456789012',
        includeChildren: true,
        filter: 'logName:"/logs/cloudaudit.googleapis.com%2F"',
        deletionPolicy: 'PREVENT',
      });
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
    const admin = (resources: PlannedResource[]) => inputsOfType(resources, ':GcpUserAccessBinding').filter((b) => b['groupKey']);
    expect(admin(report)).toEqual([
      {
        organizationId: '123456789012',
        groupKey: '03cqmetx1abcdef',
        dryRunAccessLevels: 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_trusted_networks',
      },
    ]);
    expect(admin(enforce)[0]).toEqual({
      organizationId: '123456789012',
      groupKey: '03cqmetx1abcdef',
      accessLevels: 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_trusted_networks',
    });
  });

  it('builds the access level from the trusted networks, 200 subnetworks per condition', async () => {
    const trustedLevel = (resources: PlannedResource[]) =>
      inputsOfType(resources, ':AccessLevel').find((l) => String(l['name']).endsWith('/guardrails_trusted_networks'))!;
    expect(trustedLevel(report)['basic']).toEqual({
      combiningFunction: 'OR',
      conditions: [{ ipSubnetworks: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'] }],
    });
    // Non-adjacent /16s (odd second octet), so aggregation keeps all 450.
    const octets = Array.from({ length: 223 }, (_, i) => i + 1).filter((o) => o !== 10 && o !== 127);
    const many = Array.from({ length: 450 }, (_, i) => `${octets[i % octets.length]}.${2 * Math.floor(i / octets.length) + 1}.0.0/16`);
    const big = await plan(exampleModel((c: Editable) => (c.trustedNetworks.cidrs = many)));
    const conditions = (trustedLevel(big)['basic'] as { conditions: { ipSubnetworks: string[] }[] }).conditions;
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

  type DenyPolicy = { rules: { denyRule: { deniedPrincipals: string[]; exceptionPrincipals: string[]; deniedPermissions: string[] } }[] };
  const denied = (resources: PlannedResource[]) => (one(resources, ':DenyPolicy') as DenyPolicy).rules.map((r) => r.denyRule);

  it('denies tampering to everyone but break-glass and automation, in every rule', () => {
    for (const rule of denied(report)) {
      expect(rule.deniedPrincipals).toEqual(['principalSet://goog/public:all']);
      expect(rule.exceptionPrincipals).toEqual([
        'principal://goog/subject/breakglass@example.com',
        'principal://iam.googleapis.com/projects/-/serviceAccounts/ci-deployer@guardrails-ci.iam.gserviceaccount.com',
      ]);
    }
  });

  it('excepts every configured break-glass member, each kind in its deny-policy form, in every rule', async () => {
    const members = [
      'user:breakglass@example.com',
      'user:breakglass2@example.com',
      'group:gcp-break-glass@example.com',
      'serviceAccount:emergency@guardrails-ops.iam.gserviceaccount.com',
    ];
    const withMembers = await plan(enforceModel((c) => (c.breakGlass.gcp.members = members)));
    const rules = denied(withMembers);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.exceptionPrincipals).toEqual(
        expect.arrayContaining([
          'principal://goog/subject/breakglass@example.com',
          'principal://goog/subject/breakglass2@example.com',
          'principalSet://goog/group/gcp-break-glass@example.com',
          'principal://iam.googleapis.com/projects/-/serviceAccounts/emergency@guardrails-ops.iam.gserviceaccount.com',
        ]),
      );
      // Break-glass and automation only: nobody else slips into the exceptions.
      expect(rule.exceptionPrincipals).toHaveLength(members.length + 1);
    }
  });

  it(`uses only permissions Google lists as supported in deny policies (${DENY_PERMISSIONS_SOURCE})`, () => {
    const permissions = denied(report).flatMap((r) => r.deniedPermissions);
    expect(permissions.sort()).toEqual([...TAMPER_PERMISSIONS].sort());
    for (const permission of permissions) expect(isDenySupported(permission), permission).toBe(true);
    expect(new Set(permissions).size).toBe(permissions.length);
    // Not deniable: a deny policy cannot protect itself (the detection gcp-iam-deny-policy-changed does).
    expect(permissions.some((p) => p.startsWith('iam.googleapis.com/denypolicies'))).toBe(false);
  });

  it('closes the holes: the access policy, replaceAll and commit, exclusions, org policies, alerting', () => {
    expect(denied(report).flatMap((r) => r.deniedPermissions)).toEqual(
      expect.arrayContaining([
        'logging.googleapis.com/sinks.delete',
        'logging.googleapis.com/buckets.update',
        'logging.googleapis.com/exclusions.create',
        'logging.googleapis.com/exclusions.update',
        'logging.googleapis.com/exclusions.delete',
        'accesscontextmanager.googleapis.com/accessPolicies.delete',
        'accesscontextmanager.googleapis.com/accessPolicies.update',
        'accesscontextmanager.googleapis.com/accessLevels.replaceAll',
        'accesscontextmanager.googleapis.com/servicePerimeters.replaceAll',
        'accesscontextmanager.googleapis.com/servicePerimeters.commit',
        'accesscontextmanager.googleapis.com/gcpUserAccessBindings.delete',
        'orgpolicy.googleapis.com/policies.create',
        'orgpolicy.googleapis.com/policies.update',
        'orgpolicy.googleapis.com/policies.delete',
        'orgpolicy.googleapis.com/policy.set',
        'monitoring.googleapis.com/alertPolicies.delete',
        'monitoring.googleapis.com/notificationChannels.delete',
      ]),
    );
  });
});

describe('context-aware access for automation service accounts', () => {
  const bindings = (resources: PlannedResource[]) => inputsOfType(resources, ':GcpUserAccessBinding').filter((b) => b['principal']);
  const automationLevel = (resources: PlannedResource[]) =>
    inputsOfType(resources, ':AccessLevel').find((l) => String(l['name']).endsWith('/guardrails_automation_networks'))!;
  const LEVEL = 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_automation_networks';

  it('binds each automation service account in dry-run in report mode (and in enforce mode while automationAccess.mode is report)', () => {
    expect(bindings(report)).toEqual([
      { organizationId: '123456789012', principal: { serviceAccount: 'ci-deployer@guardrails-ci.iam.gserviceaccount.com' }, dryRunAccessLevels: LEVEL },
    ]);
    expect(bindings(enforce)).toEqual([
      { organizationId: '123456789012', principal: { serviceAccount: 'ci-deployer@guardrails-ci.iam.gserviceaccount.com' }, dryRunAccessLevels: LEVEL },
    ]);
  });

  it('enforces once the override goes, binds whole projects by number, and adds the CI egress ranges', async () => {
    const enforced = await plan(
      enforceModel((c) => {
        delete c.gcp.automationAccess.mode;
        c.gcp.automationAccess.projectNumbers = ['333333333333'];
        c.gcp.automationAccess.cidrs = ['192.0.2.0/24'];
      }),
    );
    expect(bindings(enforced)).toEqual([
      { organizationId: '123456789012', principal: { serviceAccount: 'ci-deployer@guardrails-ci.iam.gserviceaccount.com' }, accessLevels: LEVEL },
      { organizationId: '123456789012', principal: { serviceAccountProjectNumber: '333333333333' }, accessLevels: LEVEL },
    ]);
    expect(automationLevel(enforced)['basic']).toEqual({
      combiningFunction: 'OR',
      conditions: [{ ipSubnetworks: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'] }],
    });
  });

  it('never puts a device condition in the service-account level (Google denies every call then)', async () => {
    const withDevice = await plan(exampleModel((c) => (c.gcp.devicePolicy = { requireScreenLock: true })));
    expect(JSON.stringify(automationLevel(withDevice))).not.toContain('devicePolicy');
    expect(JSON.stringify(inputsOfType(withDevice, ':AccessLevel').find((l) => String(l['name']).endsWith('/guardrails_trusted_networks')))).toContain(
      'devicePolicy',
    );
  });

  it('has no service-account binding without automationAccess', async () => {
    expect(bindings(await plan(exampleModel((c) => delete c.gcp.automationAccess)))).toEqual([]);
  });

  it('refuses a binding with nothing to bind, and access levels with no networks', () => {
    expect(errorOf(() => exampleModel((c) => (c.automation.gcp.serviceAccounts = [])))).toBe(
      'gcp.automationAccess: binds nothing: automation.gcp.serviceAccounts and gcp.automationAccess.projectNumbers are both empty. List the automation service accounts, or the project numbers whose service accounts run automation, or remove automationAccess.',
    );
    // Report mode too: Access Context Manager requires at least one condition per basic access level.
    expect(errorOf(() => exampleModel((c) => (c.trustedNetworks.cidrs = [])))).toBe(
      'trustedNetworks.cidrs: is empty, and GCP context-aware access needs it: an access level must have at least one condition, so the admin access level cannot be created without trustedNetworks.cidrs, even in report mode. Add your egress ranges to trustedNetworks.cidrs.',
    );
    expect(errorOf(() => exampleModel((c) => (c.gcp.automationAccess.cidrs = ['10.0.0.0/8'])))).toMatch(/^gcp\.automationAccess\.cidrs\[0\]: /);
  });
});

describe('deployability and plan notes', () => {
  const stackFile = readFileSync('Pulumi.gcp.example.yaml', 'utf8');
  /** resource type -> the role Pulumi.gcp.example.yaml documents for it (Google's roles pages, cited there). */
  const ROLE_FOR: Record<string, string> = {
    'gcp:organizations/iamAuditConfig:IamAuditConfig': 'roles/resourcemanager.organizationAdmin',
    'gcp:orgpolicy/policy:Policy': 'roles/orgpolicy.policyAdmin',
    'gcp:logging/organizationSink:OrganizationSink': 'roles/logging.configWriter',
    'gcp:logging/projectBucketConfig:ProjectBucketConfig': 'roles/logging.configWriter',
    // Correlations' log-based metrics: logging.logMetrics.create/update (https://cloud.google.com/iam/docs/roles-permissions/logging).
    'gcp:logging/metric:Metric': 'roles/logging.configWriter',
    'gcp:projects/iAMMember:IAMMember': 'roles/resourcemanager.projectIamAdmin',
    'gcp:accesscontextmanager/accessPolicy:AccessPolicy': 'roles/accesscontextmanager.policyAdmin',
    'gcp:accesscontextmanager/accessLevel:AccessLevel': 'roles/accesscontextmanager.policyAdmin',
    'gcp:accesscontextmanager/servicePerimeter:ServicePerimeter': 'roles/accesscontextmanager.policyAdmin',
    'gcp:accesscontextmanager/gcpUserAccessBinding:GcpUserAccessBinding': 'roles/accesscontextmanager.gcpAccessAdmin',
    'gcp:iam/denyPolicy:DenyPolicy': 'roles/iam.denyAdmin',
    'gcp:monitoring/alertPolicy:AlertPolicy': 'roles/monitoring.alertPolicyEditor',
    'gcp:monitoring/notificationChannel:NotificationChannel': 'roles/monitoring.notificationChannelEditor',
  };

  it('documents a role for every resource type the program creates, gcpAccessAdmin for the access bindings', () => {
    for (const type of new Set([...report, ...enforce].map((r) => r.type).filter((t) => !t.startsWith('guardrails:')))) {
      expect(ROLE_FOR[type], `${type} has no role mapping`).toBeDefined();
      expect(stackFile, `${ROLE_FOR[type]} for ${type}`).toContain(ROLE_FOR[type]);
    }
    expect(stackFile).not.toMatch(/roles\/logging\.admin|roles\/monitoring\.editor/);
  });

  it('says what the access binding does to gcloud in Cloud Shell, cites Google, and flags the licence', () => {
    const notes = GCP_PLAN_NOTES.join('\n');
    expect(notes).toMatch(
      /inside the trusted networks gets the console and a Cloud Shell session, but gcloud in it .* refused in enforce mode and only logged as a dry-run violation in report mode/,
    );
    expect(notes).toMatch(/outside the trusted networks is refused the console/);
    expect(notes).toMatch(/Users outside the admin group, break-glass included, are not bound/);
    expect(notes).toContain('https://cloud.google.com/beyondcorp-enterprise/docs/securing-console-and-apis');
    expect(notes).toContain('Chrome Enterprise Premium (formerly BeyondCorp Enterprise)');
    expect(notes).toMatch(/Cloud Shell itself cannot be disabled through any API/);
  });
});

describe('alerts', () => {
  // loadCatalog(exampleModel()): the binding the report plan above already made (helpers/catalog.ts).
  const gcpRules = catalogRules(exampleModel()).filter((r) => r.rule.logsource.product === 'gcp' && r.rule.targets.includes('gcp'));
  // The log-match policies (a correlation's policy is a threshold on its metric: correlation-alerts.test.ts).
  const policies = inputsOfType(report, ':AlertPolicy')
    .filter((r) => JSON.stringify(r['conditions']).includes('conditionMatchedLog'))
    .map(
      (r) =>
        r as {
          displayName: string;
          conditions: { conditionMatchedLog: { filter: string } }[];
          alertStrategy: unknown;
          documentation: { content: string };
          userLabels: { guardrails_rule: string };
          notificationChannels: unknown[];
        },
    );

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
