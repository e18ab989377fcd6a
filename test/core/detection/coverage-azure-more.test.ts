/**
 * Issue 14, the Azure and Entra ID behaviours Stratus Red Team detonates that the catalog missed: App Service
 * publishing credentials and AI services keys read, disk SAS export, federated identity credentials added to a
 * managed identity or an app registration, Bastion shareable links, Key Vault deletion, guest invitations and
 * restricted management administrative units. Each rule is held to hand-written rows in the shape its vendor
 * documents (the pages are named beside each case), positive and negative, evaluated twice: by the catalog rule
 * (`loadCatalog`, what `guardrails detect` runs, after the same shape detection) and by the independent KQL
 * evaluator (kql-evaluator.ts) running the query the rule deploys. Identifiers are placeholders: contoso.example
 * users, 00000000-... subscriptions and tenants.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { exampleModel } from '../../helpers/config.ts';
import { AZURE_SUBSCRIPTION, azureActivityRow, type ExampleCase } from '../../helpers/event-fixtures.ts';

const SUB = `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/prod-rg/providers`;
const ACTIVITY_TABLE = 'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/azureactivity';
const ACTIVITY_SCHEMA = 'https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema';
const AUDIT_TABLE = 'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/auditlogs';
const AUDIT_ACTIVITIES = 'https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-audit-activities';
const AUDIT_DIAGNOSTIC = 'https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-azure-monitor-audit-log-schema';
const MODIFIED_PROPERTY = 'https://learn.microsoft.com/en-us/graph/api/resources/modifiedproperty';

/** A Microsoft.Graph modifiedProperty: displayName, oldValue, newValue, values as JSON text. */
const modified = (displayName: string, newValue: string, oldValue = '') => ({ displayName, oldValue, newValue });

/**
 * An AuditLogs row (Azure Monitor Logs reference, "AuditLogs"): OperationName is the activity display name of
 * "Microsoft Entra audit log activity reference"; Result success | failure; TargetResources carry
 * modifiedProperties.
 */
function auditRow(
  operation: string,
  category: string,
  service: string,
  result: string,
  target: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Type: 'AuditLogs',
    TimeGenerated: '2026-03-02T10:15:00Z',
    OperationName: operation,
    ActivityDisplayName: operation,
    Category: category,
    LoggedByService: service,
    Result: result,
    InitiatedBy: { user: { userPrincipalName: 'adele@contoso.example', ipAddress: '175.45.176.40' } },
    TargetResources: [{ modifiedProperties: [], ...target }],
    ...extra,
  };
}

const guest = {
  id: 'd042c4fe-5dd1-44a2-883a-eede6c10608f',
  displayName: 'Mallory',
  type: 'User',
  userPrincipalName: 'mallory_evil.example#EXT#@contoso.example',
};
const app = (properties: readonly Record<string, string>[]) => ({
  id: '7c4d1b1f-92b0-4a3e-8e7c-1d2f3a4b5c6d',
  displayName: 'payroll-sync',
  type: 'Application',
  modifiedProperties: properties,
});
const au = (properties: readonly Record<string, string>[]) => ({
  id: '5f0e3a7c-4b1d-4e2f-9a8b-7c6d5e4f3a2b',
  displayName: 'Tier0',
  type: 'AdministrativeUnit',
  modifiedProperties: properties,
});
const user = { id: '2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182', displayName: 'svc-backup', type: 'User', userPrincipalName: 'svc-backup@contoso.example' };

const CASES: readonly ExampleCase[] = [
  {
    rule: 'azure-app-service-publishing-credentials-read',
    sources: [ACTIVITY_TABLE, 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/web-and-mobile'],
    positive: [
      {
        why: 'the publishing profile downloaded (az webapp deployment list-publishing-profiles)',
        event: azureActivityRow('MICROSOFT.WEB/SITES/PUBLISHXML/ACTION', 'Success', 'Microsoft.Web/sites/payroll'),
      },
      {
        why: "the app's security-sensitive settings, publishing credentials included, listed",
        event: azureActivityRow('MICROSOFT.WEB/SITES/CONFIG/LIST/ACTION', 'Succeeded', 'Microsoft.Web/sites/payroll/config/publishingcredentials'),
      },
    ],
    negative: [
      {
        why: 'the publishing profile request refused',
        event: azureActivityRow('MICROSOFT.WEB/SITES/PUBLISHXML/ACTION', 'Failure', 'Microsoft.Web/sites/payroll'),
      },
      {
        why: "the app's configuration updated, not read",
        event: azureActivityRow('MICROSOFT.WEB/SITES/CONFIG/WRITE', 'Success', 'Microsoft.Web/sites/payroll/config/web'),
      },
    ],
  },
  {
    rule: 'azure-ai-services-keys-listed',
    sources: [ACTIVITY_TABLE, 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/ai-machine-learning'],
    positive: [
      {
        why: 'the keys of an AI Foundry account listed',
        event: azureActivityRow('MICROSOFT.COGNITIVESERVICES/ACCOUNTS/LISTKEYS/ACTION', 'Success', 'Microsoft.CognitiveServices/accounts/contoso-foundry'),
      },
    ],
    negative: [
      {
        why: 'the listing refused (local authentication disabled or no permission)',
        event: azureActivityRow('MICROSOFT.COGNITIVESERVICES/ACCOUNTS/LISTKEYS/ACTION', 'Failure', 'Microsoft.CognitiveServices/accounts/contoso-foundry'),
      },
      {
        why: 'an AI services account deleted',
        event: azureActivityRow('MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DELETE', 'Success', 'Microsoft.CognitiveServices/accounts/contoso-foundry'),
      },
    ],
  },
  {
    rule: 'azure-disk-sas-access-granted',
    sources: [ACTIVITY_TABLE, ACTIVITY_SCHEMA, 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/compute'],
    positive: [
      {
        why: 'a SAS URI granted on a managed disk',
        event: azureActivityRow('MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION', 'Succeeded', 'Microsoft.Compute/disks/vm-01-osdisk'),
      },
      {
        why: 'a SAS URI granted on a snapshot',
        event: azureActivityRow('MICROSOFT.COMPUTE/SNAPSHOTS/BEGINGETACCESS/ACTION', 'Success', 'Microsoft.Compute/snapshots/vm-01-snap'),
      },
      {
        // "Azure Activity Log event schema", the storage account / event hub record: operationName in the
        // provider's casing, resultType, category.
        why: 'the diagnostic-setting record of a disk SAS grant',
        event: {
          time: '2026-03-02T10:15:00.0000000Z',
          resourceId: `${SUB}/Microsoft.Compute/disks/vm-01-osdisk`,
          operationName: 'Microsoft.Compute/disks/beginGetAccess/action',
          category: 'Administrative',
          resultType: 'Success',
          callerIpAddress: '175.45.176.40',
          correlationId: 'c776f9f4-36e5-4e0e-809b-c9b3c3fb62a8',
          identity: { claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'adele@contoso.example' } },
        },
      },
    ],
    negative: [
      {
        why: 'the SAS URI revoked (endGetAccess)',
        event: azureActivityRow('MICROSOFT.COMPUTE/DISKS/ENDGETACCESS/ACTION', 'Success', 'Microsoft.Compute/disks/vm-01-osdisk'),
      },
      {
        why: 'the Start record, before the grant succeeded',
        event: azureActivityRow('MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION', 'Start', 'Microsoft.Compute/disks/vm-01-osdisk'),
      },
    ],
  },
  {
    rule: 'azure-managed-identity-federated-credential-written',
    sources: [ACTIVITY_TABLE, 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/identity'],
    positive: [
      {
        why: 'a federated identity credential added to a user-assigned identity',
        event: azureActivityRow(
          'MICROSOFT.MANAGEDIDENTITY/USERASSIGNEDIDENTITIES/FEDERATEDIDENTITYCREDENTIALS/WRITE',
          'Success',
          'Microsoft.ManagedIdentity/userAssignedIdentities/deployer/federatedIdentityCredentials/attacker-oidc',
        ),
      },
    ],
    negative: [
      {
        why: 'a federated identity credential deleted',
        event: azureActivityRow(
          'MICROSOFT.MANAGEDIDENTITY/USERASSIGNEDIDENTITIES/FEDERATEDIDENTITYCREDENTIALS/DELETE',
          'Success',
          'Microsoft.ManagedIdentity/userAssignedIdentities/deployer/federatedIdentityCredentials/old-ci',
        ),
      },
      {
        why: 'the write refused',
        event: azureActivityRow(
          'MICROSOFT.MANAGEDIDENTITY/USERASSIGNEDIDENTITIES/FEDERATEDIDENTITYCREDENTIALS/WRITE',
          'Failure',
          'Microsoft.ManagedIdentity/userAssignedIdentities/deployer/federatedIdentityCredentials/attacker-oidc',
        ),
      },
    ],
  },
  {
    rule: 'azure-bastion-shareable-link',
    sources: [ACTIVITY_TABLE, 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/networking'],
    positive: [
      {
        why: 'shareable links created',
        event: azureActivityRow('MICROSOFT.NETWORK/BASTIONHOSTS/CREATESHAREABLELINKS/ACTION', 'Success', 'Microsoft.Network/bastionHosts/hub-bastion'),
      },
      {
        why: 'the existing links read back',
        event: azureActivityRow('MICROSOFT.NETWORK/BASTIONHOSTS/GETSHAREABLELINKS/ACTION', 'Succeeded', 'Microsoft.Network/bastionHosts/hub-bastion'),
      },
    ],
    negative: [
      {
        why: 'shareable links deleted',
        event: azureActivityRow('MICROSOFT.NETWORK/BASTIONHOSTS/DELETESHAREABLELINKS/ACTION', 'Success', 'Microsoft.Network/bastionHosts/hub-bastion'),
      },
      {
        why: 'the creation refused',
        event: azureActivityRow('MICROSOFT.NETWORK/BASTIONHOSTS/CREATESHAREABLELINKS/ACTION', 'Failure', 'Microsoft.Network/bastionHosts/hub-bastion'),
      },
    ],
  },
  {
    rule: 'azure-key-vault-deleted',
    sources: [ACTIVITY_TABLE, 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/security'],
    positive: [{ why: 'a key vault deleted', event: azureActivityRow('MICROSOFT.KEYVAULT/VAULTS/DELETE', 'Success', 'Microsoft.KeyVault/vaults/storage-cmk') }],
    negative: [
      { why: 'a key vault created or updated', event: azureActivityRow('MICROSOFT.KEYVAULT/VAULTS/WRITE', 'Success', 'Microsoft.KeyVault/vaults/storage-cmk') },
      {
        why: 'the deletion refused (a resource lock)',
        event: azureActivityRow('MICROSOFT.KEYVAULT/VAULTS/DELETE', 'Failure', 'Microsoft.KeyVault/vaults/storage-cmk'),
      },
    ],
  },
  {
    rule: 'azure-guest-user-invited',
    sources: [AUDIT_TABLE, AUDIT_ACTIVITIES, AUDIT_DIAGNOSTIC],
    positive: [
      {
        why: 'an external user invited (Invited Users, UserManagement)',
        event: auditRow('Invite external user', 'UserManagement', 'Invited Users', 'success', guest, {
          AdditionalDetails: [{ key: 'invitedUserEmailAddress', value: 'mallory@evil.example' }],
        }),
      },
      { why: 'the invitation redeemed', event: auditRow('Redeem external user invite', 'UserManagement', 'B2B Auth', 'success', guest) },
      {
        // "Interpret the audit logs schema in Azure Monitor": the activity is operationName, the rest under properties.
        why: 'the diagnostic-setting record of an invitation',
        event: {
          time: '2026-03-02T10:15:00.0000000Z',
          resourceId: '/tenants/00000000-0000-0000-0000-000000000001/providers/Microsoft.aadiam',
          operationName: 'Invite external user',
          operationVersion: '1.0',
          category: 'AuditLogs',
          tenantId: '00000000-0000-0000-0000-000000000001',
          resultSignature: 'None',
          properties: {
            id: 'Directory_1a2b3c4d',
            category: 'UserManagement',
            activityDisplayName: 'Invite external user',
            loggedByService: 'Invited Users',
            result: 'success',
            initiatedBy: { user: { userPrincipalName: 'adele@contoso.example' } },
            targetResources: [guest],
          },
        },
      },
    ],
    negative: [
      { why: 'an invitation that failed', event: auditRow('Invite external user', 'UserManagement', 'Invited Users', 'failure', guest) },
      { why: 'a member user created in the directory', event: auditRow('Add user', 'UserManagement', 'Core Directory', 'success', user) },
    ],
  },
  {
    rule: 'azure-application-federated-credential-added',
    sources: [
      AUDIT_TABLE,
      AUDIT_ACTIVITIES,
      MODIFIED_PROPERTY,
      'https://stratus-red-team.cloud/attack-techniques/entra-id/entra-id.persistence.backdoor-application-fic/',
    ],
    positive: [
      {
        why: 'an app update whose Included Updated Properties name FederatedIdentityCredentials',
        event: auditRow(
          'Update application',
          'ApplicationManagement',
          'Core Directory',
          'success',
          app([
            modified('FederatedIdentityCredentials', '[{"Issuer":"https://attacker.example","Subject":"backdoor"}]', '[]'),
            modified('Included Updated Properties', '"FederatedIdentityCredentials"'),
          ]),
        ),
      },
    ],
    negative: [
      {
        why: 'an app update that changed only the display name',
        event: auditRow(
          'Update application',
          'ApplicationManagement',
          'Core Directory',
          'success',
          app([modified('DisplayName', '["payroll-sync-v2"]', '["payroll-sync"]'), modified('Included Updated Properties', '"DisplayName"')]),
        ),
      },
      {
        why: 'the same federated credential update that failed',
        event: auditRow(
          'Update application',
          'ApplicationManagement',
          'Core Directory',
          'failure',
          app([modified('Included Updated Properties', '"FederatedIdentityCredentials"')]),
        ),
      },
      {
        why: 'FederatedIdentityCredentials named on another activity (a service principal update)',
        event: auditRow(
          'Update service principal',
          'ApplicationManagement',
          'Core Directory',
          'success',
          app([modified('Included Updated Properties', '"FederatedIdentityCredentials"')]),
        ),
      },
    ],
  },
  {
    rule: 'azure-restricted-management-au-member-added',
    sources: [
      AUDIT_TABLE,
      AUDIT_ACTIVITIES,
      MODIFIED_PROPERTY,
      'https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/admin-units-restricted-management',
    ],
    positive: [
      {
        why: 'a user added to a restricted management administrative unit',
        event: auditRow('Add member to restricted management administrative unit', 'AdministrativeUnit', 'Core Directory', 'success', user),
      },
      {
        why: 'a role assigned over a restricted management administrative unit',
        event: auditRow('Add member to role scoped over Restricted Management Administrative Unit', 'RoleManagement', 'Core Directory', 'success', user),
      },
      {
        why: 'an administrative unit created with IsMemberManagementRestricted = true',
        event: auditRow(
          'Add administrative unit',
          'AdministrativeUnit',
          'Core Directory',
          'success',
          au([modified('DisplayName', '["Tier0"]'), modified('IsMemberManagementRestricted', '[true]')]),
        ),
      },
    ],
    negative: [
      {
        why: 'a user added to an ordinary administrative unit',
        event: auditRow('Add member to administrative unit', 'AdministrativeUnit', 'Core Directory', 'success', user),
      },
      {
        why: 'an ordinary administrative unit created (IsMemberManagementRestricted false)',
        event: auditRow(
          'Add administrative unit',
          'AdministrativeUnit',
          'Core Directory',
          'success',
          au([modified('DisplayName', '["Sales"]'), modified('IsMemberManagementRestricted', '[false]')]),
        ),
      },
      {
        why: 'the restricted unit membership change that failed',
        event: auditRow('Add member to restricted management administrative unit', 'AdministrativeUnit', 'Core Directory', 'failure', user),
      },
    ],
  },
];

const catalog = loadCatalog(exampleModel());

describe.each(CASES.map((c) => [c.rule, c] as const))('%s', (id, c) => {
  const r = catalog.find((rule) => rule.rule.id === id)!;
  const deployed = compileKqlQuery(compileRule(r, 'kql') as string, KQL_TABLES);
  /** The event as the rule sees it (diagnostic records become Log Analytics rows) and as the deployed query reads it. */
  const judge = (event: Record<string, unknown>) => {
    const sourced = detectSource(event);
    expect(sourced && `${sourced.product}/${sourced.service}`).toBe(`${r.rule.logsource.product}/${r.rule.logsource.service}`);
    return [r.matches(sourced!.event), deployed(sourced!.event)];
  };

  it('is in the catalog, deployed to KQL, citing vendor pages', () => {
    expect(r, `${id} is in the catalog`).toBeDefined();
    expect(r.rule.targets).toEqual(['kql']);
    expect(r.rule.references.filter((u) => !u.startsWith('https://attack.mitre.org/')).length).toBeGreaterThan(0);
    expect(c.sources.length).toBeGreaterThan(0);
  });

  it.each(c.positive.map((e) => [e.why, e] as const))('fires: %s', (_why, e) => {
    expect(judge(e.event), 'rule, kql query').toEqual([true, true]);
  });

  it.each(c.negative.map((e) => [e.why, e] as const))('stays quiet: %s', (_why, e) => {
    expect(judge(e.event), 'rule, kql query').toEqual([false, false]);
  });
});
