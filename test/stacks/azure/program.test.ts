/**
 * The Azure program as an offline plan (Pulumi mocks): a whole-plan snapshot per mode plus targeted
 * assertions; every scheduled query's KQL, read back from the plan, parses and binds.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { AZURE_SERVICE_MANAGEMENT_API } from '../../../constructs/azure/conditional-access.ts';
import { ACTIVITY_LOG_CATEGORIES } from '../../../constructs/azure/audit-logging.ts';
import { ENTRA_LOG_CATEGORIES } from '../../../constructs/azure/entra-diagnostics.ts';
import { azureProgram } from '../../../stacks/azure/program.ts';
import type { PlannedResource } from '../../../stacks/pulumi-plan.ts';
import { inputsOfType, planProgram } from '../../helpers/pulumi-plan.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';

const plan = (model = exampleModel()) => planProgram(azureProgram, model);
const ofType = inputsOfType;
const BREAK_GLASS_USER = '00000000-0000-4000-8000-00000000b001';

const report = await plan();
const enforce = await plan(enforceModel());

describe('whole plan', () => {
  it('report mode matches the snapshot', () => expect(report).toMatchSnapshot());
  it('enforce mode matches the snapshot', () => expect(enforce).toMatchSnapshot());
});

describe('audit logging', () => {
  it('keeps logs in a workspace and an immutable, private, TLS-only storage account without shared keys', () => {
    expect(ofType(report, ':Workspace')).toEqual([expect.objectContaining({ retentionInDays: 365, sku: { name: 'PerGB2018' } })]);
    expect(ofType(report, ':StorageAccount')).toEqual([
      expect.objectContaining({
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        immutableStorageWithVersioning: { enabled: true, immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 365, state: 'Unlocked', allowProtectedAppendWrites: true } },
      }),
    ]);
  });

  it('sends every category of each subscription\'s Activity Log to both, behind CanNotDelete locks', () => {
    const settings = ofType(report, ':SubscriptionDiagnosticSetting');
    expect(settings).toHaveLength(2);
    for (const s of settings) expect((s['logs'] as { category: string }[]).map((l) => l.category)).toEqual(ACTIVITY_LOG_CATEGORIES);
    const locks = ofType(report, ':ManagementLockByScope');
    expect(locks.every((l) => l['level'] === 'CanNotDelete')).toBe(true);
    expect(locks.map((l) => l['scope'])).toEqual(expect.arrayContaining(['<computed: id of audit-workspace>', '<computed: id of audit-storage>', '/subscriptions/00000000-0000-4000-8000-0000000000a1']));
  });

  it('sends all Entra log categories, in its own component', () => {
    expect(ofType(report, 'aadiam:DiagnosticSetting')).toEqual([expect.objectContaining({ logs: ENTRA_LOG_CATEGORIES.map((category) => ({ category, enabled: true })) })]);
    expect(report.map((r) => r.type)).toContain('guardrails:azure:EntraDiagnostics');
  });

  it('uses one DeployIfNotExists assignment at the management group instead, when asked', async () => {
    const policy = await plan(exampleModel((c) => (c.azure.activityLogDeployment = 'policy')));
    expect(ofType(policy, ':SubscriptionDiagnosticSetting')).toEqual([]);
    expect(ofType(policy, ':PolicyAssignment')).toEqual([
      expect.objectContaining({ scope: '/providers/Microsoft.Management/managementGroups/contoso-root', identity: { type: 'SystemAssigned' }, parameters: { logAnalytics: { value: '<computed: id of audit-workspace>' }, effect: { value: 'DeployIfNotExists' } } }),
    ]);
    expect(ofType(policy, ':RoleAssignment').map((r) => r['principalId'])).toEqual(['<computed: managed identity of audit-activity-policy>', '<computed: managed identity of audit-activity-policy>']);
  });
});

describe('conditional access', () => {
  const policies = (resources: PlannedResource[]) => ofType(resources, 'ConditionalAccessPolicy') as { state: string; displayName: string; conditions: { applications: { includedApplications: string[] }; users: { excludedUsers: string[] }; authenticationFlowTransferMethods?: string[] }; grantControls: { builtInControls: string[] } }[];

  it('targets Windows Azure Service Management API and excludes break-glass in every policy', () => {
    for (const p of [...policies(report), ...policies(enforce)]) {
      expect(p.conditions.applications.includedApplications).toEqual([AZURE_SERVICE_MANAGEMENT_API]);
      expect(p.conditions.users.excludedUsers).toContain(BREAK_GLASS_USER);
    }
  });

  it('is report-only in report mode and enabled in enforce mode', () => {
    expect(new Set(policies(report).map((p) => p.state))).toEqual(new Set(['enabledForReportingButNotEnforced']));
    expect(new Set(policies(enforce).map((p) => p.state))).toEqual(new Set(['enabled']));
  });

  it('blocks outside trusted locations, requires MFA inside, and blocks device-code flow', () => {
    const byName = Object.fromEntries(policies(report).map((p) => [p.displayName, p]));
    expect(byName['guardrails: block Azure management outside trusted locations']?.grantControls.builtInControls).toEqual(['block']);
    expect(byName['guardrails: require MFA for Azure management']?.grantControls.builtInControls).toEqual(['mfa']);
    expect(byName['guardrails: block device-code sign-in to Azure management']?.conditions.authenticationFlowTransferMethods).toEqual(['deviceCodeFlow']);
    expect(ofType(report, 'NamedLocation')).toEqual([{ displayName: 'guardrails trusted networks', ip: { ipRanges: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'], trusted: true } }]);
  });
});

describe('alerts', () => {
  it('has a scheduled query rule per Azure catalog rule, with KQL that parses and binds', () => {
    const azureRules = loadCatalog(exampleModel()).filter((r) => r.rule.logsource.product === 'azure' && r.rule.targets.includes('kql'));
    const rules = ofType(report, ':ScheduledQueryRule') as { scopes: string[]; evaluationFrequency: string; criteria: { allOf: { query: string; threshold: number }[] } }[];
    expect(rules).toHaveLength(azureRules.length);
    for (const r of rules) {
      expect(r.scopes).toEqual(['<computed: id of audit-workspace>']);
      expect(r.evaluationFrequency).toBe('PT5M');
      expect(checkKql(r.criteria.allOf[0]!.query)).toEqual([]);
    }
  });

  it('alerts on deleted diagnostic settings, removed locks and deleted policy assignments', () => {
    const alerts = ofType(report, ':ActivityLogAlert') as { condition: { allOf: { field: string; equals: string }[] } }[];
    expect(alerts.map((a) => a.condition.allOf.find((c) => c.field === 'operationName')?.equals)).toEqual([
      'Microsoft.Insights/diagnosticSettings/delete',
      'Microsoft.Authorization/locks/delete',
      'Microsoft.Authorization/policyAssignments/delete',
    ]);
    expect(ofType(report, ':ActionGroup')).toEqual([expect.objectContaining({ emailReceivers: [{ name: 'email-0', emailAddress: 'security-alerts@example.com', useCommonAlertSchema: true }] })]);
  });
});
