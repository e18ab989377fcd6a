/**
 * The Azure program as an offline plan (Pulumi mocks): a whole-plan snapshot per mode plus targeted
 * assertions; every scheduled query's KQL, read back from the plan, parses and binds.
 */
import { describe, expect, it } from 'vitest';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { AZURE_SERVICE_MANAGEMENT_API, PRIVILEGED_DIRECTORY_ROLES } from '../../../constructs/azure/conditional-access.ts';
import { ACTIVITY_LOG_CATEGORIES, ACTIVITY_LOG_POLICY_DEFINITION, MANAGEMENT_GROUP_LOG_CATEGORIES } from '../../../constructs/azure/audit-logging.ts';
import { ENTRA_LOG_CATEGORIES } from '../../../constructs/azure/entra-diagnostics.ts';
import { azurePlanNotes, azureProgram } from '../../../stacks/azure/program.ts';
import type { PlannedResource } from '../../../stacks/pulumi-plan.ts';
import { catalogOf } from '../../helpers/catalog.ts';
import { inputsOfType, planProgram } from '../../helpers/pulumi-plan.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';

const plan = (model = exampleModel()) => planProgram(azureProgram, model);
const ofType = inputsOfType;
const BREAK_GLASS_USER = '00000000-0000-4000-8000-00000000b001';
const BREAK_GLASS_GROUP = '00000000-0000-4000-8000-00000000b002';
const AUTOMATION = ['00000000-0000-4000-8000-00000000c001', '00000000-0000-4000-8000-00000000c002'];
const MG = '/providers/Microsoft.Management/managementGroups/contoso-root';

const report = await plan();
// Enforce mode as a licensed tenant runs it: workload-identity CA on, automation principals listed.
const enforce = await plan(
  enforceModel((c) => {
    c.azure.workloadIdentityConditionalAccess = true;
    c.automation.azure = { servicePrincipalObjectIds: AUTOMATION };
  }),
);
const policyPath = await plan(
  exampleModel((c) => {
    c.azure.activityLogDeployment = 'policy';
    c.azure.childManagementGroupIds = ['contoso-platform', 'contoso-landingzones'];
  }),
);

describe('whole plan', () => {
  it('report mode matches the snapshot', () => expect(report).toMatchSnapshot());
  it('enforce mode matches the snapshot', () => expect(enforce).toMatchSnapshot());
  it('the management-group policy path matches the snapshot', () => expect(policyPath).toMatchSnapshot());
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
        immutableStorageWithVersioning: {
          enabled: true,
          immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 365, state: 'Unlocked', allowProtectedAppendWrites: true },
        },
      }),
    ]);
  });

  it("sends every category of each subscription's Activity Log to both", () => {
    const settings = ofType(report, ':SubscriptionDiagnosticSetting');
    expect(settings).toHaveLength(2);
    for (const s of settings) {
      expect(s).toEqual(
        expect.objectContaining({
          name: 'guardrails-activity-log',
          workspaceId: '<computed: id of audit-workspace>',
          storageAccountId: '<computed: id of audit-storage>',
        }),
      );
      expect((s['logs'] as { category: string }[]).map((l) => l.category)).toEqual(ACTIVITY_LOG_CATEGORIES);
    }
  });

  it('locks only its own evidence and alert path, never a subscription, a resource group or a management group', () => {
    for (const resources of [report, enforce, policyPath]) {
      const locks = ofType(resources, ':ManagementLockByScope');
      expect(locks.every((l) => l['level'] === 'CanNotDelete')).toBe(true);
      expect(locks.map((l) => l['scope']).sort()).toEqual([
        '<computed: id of alerts-action-group>',
        '<computed: id of audit-storage>',
        '<computed: id of audit-workspace>',
      ]);
      expect(locks.some((l) => /^\/subscriptions\/[^/]+$|resourceGroups|managementGroups/i.test(String(l['scope'])))).toBe(false);
    }
    expect(report.filter((r) => /ManagementLockAt(Subscription|ResourceGroup)Level/.test(r.type))).toEqual([]);
  });

  it('refuses deletion of its own diagnostic settings with an Azure Policy denyAction at the management group', () => {
    const definitions = ofType(report, ':PolicyDefinitionAtManagementGroup') as {
      policyRule: { if: { allOf: [unknown, { field: string; in: string[] }] }; then: { effect: string; details: { actionNames: string[] } } };
    }[];
    expect(definitions).toHaveLength(1);
    expect(definitions[0]!.policyRule.then).toEqual({ effect: 'denyAction', details: { actionNames: ['delete'] } });
    expect(definitions[0]!.policyRule.if.allOf[1]).toEqual({
      field: 'name',
      in: ['guardrails-activity-log', 'guardrails-activity-storage', 'guardrails-mg-activity-log'],
    });
    expect(ofType(report, ':PolicyAssignment')).toEqual([
      expect.objectContaining({
        scope: MG,
        policyAssignmentName: 'guardrails-keep-diag',
        enforcementMode: 'Default',
        policyDefinitionId: '<computed: id of diagnostic-protection-definition>',
      }),
    ]);
  });

  it('assigns the denyAction in each subscription when there is no management group', async () => {
    const noMg = await plan(exampleModel((c) => delete c.azure.managementGroupId));
    expect(ofType(noMg, ':PolicyAssignment').map((a) => a['scope'])).toEqual([
      '/subscriptions/00000000-0000-4000-8000-0000000000a1',
      '/subscriptions/00000000-0000-4000-8000-0000000000a2',
    ]);
    expect(ofType(noMg, 'authorization:PolicyDefinition')).toHaveLength(2);
    expect(ofType(noMg, ':ManagementGroupDiagnosticSetting')).toEqual([]);
  });

  it("keeps the management group's own Activity Log (and its listed children's)", () => {
    expect(ofType(report, ':ManagementGroupDiagnosticSetting')).toEqual([
      {
        managementGroupId: 'contoso-root',
        name: 'guardrails-mg-activity-log',
        workspaceId: '<computed: id of audit-workspace>',
        storageAccountId: '<computed: id of audit-storage>',
        logs: MANAGEMENT_GROUP_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      },
    ]);
    expect(
      ofType(policyPath, ':ManagementGroupDiagnosticSetting')
        .map((s) => s['managementGroupId'])
        .sort(),
    ).toEqual(['contoso-landingzones', 'contoso-platform', 'contoso-root']);
  });

  it('locks the immutability policy only when asked', async () => {
    const state = (resources: PlannedResource[]) =>
      (ofType(resources, ':StorageAccount')[0]!['immutableStorageWithVersioning'] as { immutabilityPolicy: { state: string } }).immutabilityPolicy.state;
    expect(state(report)).toBe('Unlocked');
    expect(state(await plan(exampleModel((c) => (c.azure.lockImmutability = true))))).toBe('Locked');
  });

  it('sends all Entra log categories, in its own component', () => {
    expect(ofType(report, 'aadiam:DiagnosticSetting')).toEqual([
      expect.objectContaining({ logs: ENTRA_LOG_CATEGORIES.map((category) => ({ category, enabled: true })) }),
    ]);
    expect(report.map((r) => r.type)).toContain('guardrails:azure:EntraDiagnostics');
  });

  it('uses DeployIfNotExists at the management group instead, to the workspace and to storage, with remediation', () => {
    expect(ofType(policyPath, ':SubscriptionDiagnosticSetting')).toEqual([]);
    const assignments = ofType(policyPath, ':PolicyAssignment').filter((a) => a['identity']);
    expect(assignments).toEqual([
      expect.objectContaining({
        scope: MG,
        policyAssignmentName: 'guardrails-activity-log',
        policyDefinitionId: ACTIVITY_LOG_POLICY_DEFINITION,
        identity: { type: 'SystemAssigned' },
        parameters: {
          logAnalytics: { value: '<computed: id of audit-workspace>' },
          effect: { value: 'DeployIfNotExists' },
          profileName: { value: 'guardrails-activity-log' },
        },
      }),
      expect.objectContaining({
        scope: MG,
        policyAssignmentName: 'guardrails-actlog-store',
        policyDefinitionId: '<computed: id of audit-activity-storage-definition>',
        identity: { type: 'SystemAssigned' },
        parameters: { storageAccountId: { value: '<computed: id of audit-storage>' }, effect: { value: 'DeployIfNotExists' } },
      }),
    ]);
    for (const a of assignments) expect(String(a['policyAssignmentName']).length).toBeLessThanOrEqual(24);
    const storageRule = ofType(policyPath, ':PolicyDefinitionAtManagementGroup').find(
      (d) => d['policyDefinitionName'] === 'guardrails-activity-log-to-storage',
    )!['policyRule'] as {
      then: {
        details: { deployment: { properties: { template: { resources: { properties: { storageAccountId: string; logs: { category: string }[] } }[] } } } };
      };
    };
    const deployed = storageRule.then.details.deployment.properties.template.resources[0]!.properties;
    expect(deployed.storageAccountId).toBe("[parameters('storageAccountId')]");
    expect(deployed.logs.map((l) => l.category)).toEqual(ACTIVITY_LOG_CATEGORIES);
    const roles = ofType(policyPath, ':RoleAssignment').map((r) => [r['principalId'], r['scope']]);
    expect(roles).toEqual([
      ['<computed: managed identity of audit-activity-policy>', MG],
      ['<computed: managed identity of audit-activity-policy>', MG],
      ['<computed: managed identity of audit-activity-storage>', MG],
      ['<computed: managed identity of audit-activity-storage>', '<computed: id of audit-storage>'],
    ]);
  });

  it('remediates the subscriptions that already exist on the policy path (and only there)', () => {
    expect(ofType(policyPath, ':RemediationAtManagementGroup')).toEqual([
      {
        managementGroupsNamespace: 'Microsoft.Management',
        managementGroupId: 'contoso-root',
        remediationName: 'guardrails-activity-policy',
        policyAssignmentId: '<computed: id of audit-activity-policy>',
        resourceDiscoveryMode: 'ReEvaluateCompliance',
      },
      {
        managementGroupsNamespace: 'Microsoft.Management',
        managementGroupId: 'contoso-root',
        remediationName: 'guardrails-activity-storage',
        policyAssignmentId: '<computed: id of audit-activity-storage>',
        resourceDiscoveryMode: 'ReEvaluateCompliance',
      },
    ]);
    expect(ofType(report, ':RemediationAtManagementGroup')).toEqual([]);
  });
});

describe('conditional access', () => {
  interface Policy {
    state: string;
    displayName: string;
    conditions: {
      applications: { includedApplications: string[] };
      users: { includedUsers?: string[]; includedRoles?: string[]; excludedUsers?: string[]; excludedGroups?: string[] };
      clientApplications?: { includedServicePrincipals: string[]; excludedServicePrincipals: string[] };
      locations?: { includedLocations: string[]; excludedLocations?: string[] };
      authenticationFlowTransferMethods?: string[];
    };
    grantControls: { builtInControls: string[] };
  }
  const policies = (resources: PlannedResource[]) => ofType(resources, 'ConditionalAccessPolicy') as unknown as Policy[];
  const byId = (resources: PlannedResource[]) =>
    Object.fromEntries(
      resources.filter((r) => r.type.endsWith('ConditionalAccessPolicy')).map((r) => [r.name.replace(/^ca-/, ''), r.inputs as unknown as Policy]),
    );

  it('excludes break-glass in every user policy', () => {
    for (const p of [...policies(report), ...policies(enforce)].filter((p) => !p.conditions.clientApplications)) {
      expect(p.conditions.users.excludedUsers).toContain(BREAK_GLASS_USER);
    }
  });

  it('excludes the break-glass groups, and users, from every user policy when groups are configured', async () => {
    const withGroups = await plan(
      enforceModel((c) => {
        c.breakGlass.azure.groupObjectIds = [BREAK_GLASS_GROUP];
        c.azure.workloadIdentityConditionalAccess = true;
        c.automation.azure = { servicePrincipalObjectIds: AUTOMATION };
      }),
    );
    const userPolicies = policies(withGroups).filter((p) => !p.conditions.clientApplications);
    expect(userPolicies.map((p) => p.displayName)).toHaveLength(4);
    for (const p of userPolicies) {
      expect(p.conditions.users.excludedGroups, p.displayName).toEqual([BREAK_GLASS_GROUP]);
      expect(p.conditions.users.excludedUsers, p.displayName).toEqual([BREAK_GLASS_USER]);
    }
    // The workload-identity policy covers no users (users: None), so it has nobody to exclude.
    expect(policies(withGroups).find((p) => p.conditions.clientApplications)?.conditions.users).toEqual({ includedUsers: ['None'] });
  });

  it('accepts break-glass groups alone (no users) and excludes them everywhere', async () => {
    const groupsOnly = await plan(
      exampleModel((c) => {
        c.breakGlass.azure.groupObjectIds = [BREAK_GLASS_GROUP];
        c.breakGlass.azure.userObjectIds = [];
      }),
    );
    const userPolicies = policies(groupsOnly).filter((p) => !p.conditions.clientApplications);
    expect(userPolicies.length).toBeGreaterThan(0);
    for (const p of userPolicies) expect(p.conditions.users, p.displayName).toMatchObject({ excludedUsers: [], excludedGroups: [BREAK_GLASS_GROUP] });
  });

  it('targets Windows Azure Service Management API for the management block and MFA', () => {
    for (const id of ['block-untrusted', 'require-mfa'])
      expect(byId(report)[id]!.conditions.applications.includedApplications).toEqual([AZURE_SERVICE_MANAGEMENT_API]);
  });

  it('is report-only in report mode and enabled in enforce mode', () => {
    expect(new Set(policies(report).map((p) => p.state))).toEqual(new Set(['enabledForReportingButNotEnforced']));
    expect(new Set(policies(enforce).map((p) => p.state))).toEqual(new Set(['enabled']));
  });

  it('blocks outside trusted locations, requires MFA inside, and blocks device-code flow for every resource', () => {
    const p = byId(report);
    expect(p['block-untrusted']?.grantControls.builtInControls).toEqual(['block']);
    expect(p['require-mfa']?.grantControls.builtInControls).toEqual(['mfa']);
    expect(p['block-device-code']?.conditions.authenticationFlowTransferMethods).toEqual(['deviceCodeFlow']);
    expect(p['block-device-code']?.conditions.applications.includedApplications).toEqual(['All']);
    expect(p['block-device-code']?.conditions.users).toEqual({ includedUsers: ['All'], excludedUsers: [BREAK_GLASS_USER], excludedGroups: [] });
    expect(ofType(report, 'NamedLocation')).toEqual([
      { displayName: 'guardrails trusted networks', ip: { ipRanges: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'], trusted: true } },
    ]);
  });

  it('blocks privileged directory role holders from every resource (Microsoft Graph included) outside trusted locations', () => {
    const admins = byId(report)['admins-untrusted']!;
    expect(admins.conditions.users).toEqual({
      includedRoles: Object.values(PRIVILEGED_DIRECTORY_ROLES),
      excludedUsers: [BREAK_GLASS_USER],
      excludedGroups: [],
    });
    expect(admins.conditions.users.includedRoles).toHaveLength(14);
    expect(admins.conditions.users.includedRoles).toContain('62e90394-69f5-4237-9190-012177145e10'); // Global Administrator
    expect(admins.conditions.applications.includedApplications).toEqual(['All']);
    expect(admins.conditions.locations).toEqual({ includedLocations: ['All'], excludedLocations: ['<computed: id of ca-trusted>'] });
    expect(admins.grantControls.builtInControls).toEqual(['block']);
  });

  it('blocks service principals outside trusted locations, excluding exactly the automation principals, only when asked', () => {
    expect(byId(report)['workload-identities']).toBeUndefined();
    const workload = byId(enforce)['workload-identities']!;
    expect(workload.conditions.clientApplications).toEqual({
      includedServicePrincipals: ['ServicePrincipalsInMyTenant'],
      excludedServicePrincipals: AUTOMATION,
    });
    expect(workload.conditions.users).toEqual({ includedUsers: ['None'] });
    expect(workload.conditions.locations).toEqual({ includedLocations: ['All'], excludedLocations: ['<computed: id of ca-trusted>'] });
    expect(workload.grantControls.builtInControls).toEqual(['block']);
  });

  it('exports the break-glass accounts as Maester expects them, as a stack output and a plan note', () => {
    const model = exampleModel((c) => (c.breakGlass.azure.groupObjectIds = [BREAK_GLASS_GROUP]));
    const expected = {
      GlobalSettings: {
        EmergencyAccessAccounts: [
          { Id: BREAK_GLASS_USER, Type: 'User' },
          { Id: BREAK_GLASS_GROUP, Type: 'Group' },
        ],
      },
    };
    let outputs: ReturnType<typeof azureProgram> | undefined;
    return planProgram((m, c) => (outputs = azureProgram(m, c)), model).then(() => {
      expect(outputs?.maesterConfig).toEqual(expected);
      expect(azurePlanNotes(model)).toContain(`maester-config.json: ${JSON.stringify(expected)}`);
      expect(azurePlanNotes(model).join('\n')).toMatch(/Maester \(MT\.1052, MT\.1005\) and Prowler \(entra_require_mfa_for_management_api\)/);
      expect(azurePlanNotes(model).join('\n')).toMatch(/Workload ID Premium/);
    });
  });
});

describe('alerts', () => {
  it('has a scheduled query rule per Azure catalog rule, with KQL that parses and binds', () => {
    // loadCatalogWithCorrelations(exampleModel()), bound once per worker (the plans above bound it already).
    const catalog = catalogOf(exampleModel());
    const azureRules = [
      ...catalog.rules.filter((r) => r.rule.logsource.product === 'azure' && r.rule.targets.includes('kql')),
      ...catalog.correlations.filter((c) => c.targets.includes('kql')),
    ];
    const rules = ofType(report, ':ScheduledQueryRule') as {
      ruleName: string;
      scopes: string[];
      evaluationFrequency: string;
      criteria: { allOf: { query: string; threshold: number }[] };
    }[];
    expect(rules).toHaveLength(azureRules.length);
    const correlationNames = new Set(catalog.correlations.map((c) => `guardrails-${c.id}`));
    for (const r of rules) {
      expect(r.scopes).toEqual(['<computed: id of audit-workspace>']);
      // A correlation runs once per window (its timespan; azure-password-spray: 30m); single-event rules every 5 minutes.
      expect(r.evaluationFrequency).toBe(correlationNames.has(r.ruleName) ? 'PT30M' : 'PT5M');
      expect(checkKql(r.criteria.allOf[0]!.query)).toEqual([]);
    }
    expect(rules.filter((r) => correlationNames.has(r.ruleName)).map((r) => r.ruleName)).toEqual(['guardrails-azure-password-spray']);
  });

  it('alerts from the Activity Log itself only on what blinds the queries; the rest are catalog rules', () => {
    const alerts = ofType(report, ':ActivityLogAlert') as { condition: { allOf: { field: string; equals: string }[] } }[];
    expect(alerts.map((a) => a.condition.allOf.find((c) => c.field === 'operationName')?.equals)).toEqual([
      'Microsoft.Insights/diagnosticSettings/delete',
      'Microsoft.OperationalInsights/workspaces/delete',
    ]);
    const ruleNames = (ofType(report, ':ScheduledQueryRule') as { ruleName: string }[]).map((r) => r.ruleName);
    // loadCatalog(exampleModel()): the same catalog for every id, loaded once.
    const catalog = catalogOf(exampleModel()).rules;
    for (const id of [
      'azure-resource-lock-deleted',
      'azure-policy-assignment-deleted-or-exempted',
      'azure-audit-log-store-deleted',
      'azure-alerting-disabled',
      'azure-alert-processing-rule-written',
      'azure-immutability-policy-changed',
      'azure-diagnostic-setting-deleted',
      'azure-conditional-access-policy-weakened',
      'azure-conditional-access-changed',
    ]) {
      expect(ruleNames).toContain(`guardrails-${id}`);
      expect(catalog.some((r) => r.rule.id === id)).toBe(true);
    }
    expect(ofType(report, ':ActionGroup')).toEqual([
      expect.objectContaining({ emailReceivers: [{ name: 'email-0', emailAddress: 'security-alerts@example.com', useCommonAlertSchema: true }] }),
    ]);
  });
});
