/**
 * Issue 14, Azure and GCP: the rules for VM extensions written by users, ROPC and CLI sign-ins to the
 * management APIs, offensive Entra tooling, Event Hubs deletion, SSH keys in GCE metadata, IAP SSH tunnels and
 * service account keys used from outside the trusted networks. Each is held to hand-written events in the
 * shape its vendor documents (the page is named beside each case), positive and negative, evaluated twice:
 * by the catalog rule (`loadCatalog`, what `guardrails detect` runs, after the same shape detection) and by the
 * independent evaluator of the query it deploys (KQL: kql-evaluator.ts on the Log Analytics row; Cloud Logging:
 * gcp-query-evaluator.ts on the LogEntry). Identifiers are placeholders: contoso.example users, 00000000-...
 * subscriptions, prod-app-1 projects; trusted addresses come from guardrails.example.yaml (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24), untrusted ones from 175.45.176.0/24.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import type { Target } from '../../../core/detection/rule.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { exampleModel } from '../../helpers/config.ts';
import { azureActivityRow } from '../../helpers/event-fixtures.ts';

interface Example {
  readonly why: string;
  readonly event: Record<string, unknown>;
}

interface Case {
  readonly rule: string;
  readonly target: Target;
  /** The vendor pages the events' shape and values are written from. */
  readonly sources: readonly string[];
  readonly positive: readonly Example[];
  readonly negative: readonly Example[];
}

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-rg/providers';
const UPN_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';
const OBJECT_ID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const AZURE_POWERSHELL = '1950a258-227b-4e31-a9cf-717495945fc2';
const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const GRAPH = '00000003-0000-0000-c000-000000000000';
const TEAMFILTRATION_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.3.00.30866 Chrome/80.0.3987.165 Electron/8.5.1 Safari/537.36';

const userClaims = { name: 'Adele Vance', [UPN_CLAIM]: 'adele@contoso.example', [OBJECT_ID_CLAIM]: '9b117c67-170e-4aed-9702-658b3fddc889', appid: AZURE_CLI };
// An app-only token: appid and the service principal's object id, no upn (Microsoft identity platform access token claims).
const appClaims = { appid: '3fa9c8e0-5b1c-4d6e-9f00-1a2b3c4d5e6f', [OBJECT_ID_CLAIM]: '6b6d44f0-b13a-46a0-bfde-161324d4c34d', idtyp: 'app' };

/** A SigninLogs row (Azure Monitor Logs reference, "SigninLogs"): AuthenticationProtocol none | oAuth2 | ropc | wsFederation | saml20 | deviceCode. */
function signinRow(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: 'SigninLogs',
    CreatedDateTime: '2026-03-02T10:15:00Z',
    OperationName: 'Sign-in activity',
    UserPrincipalName: 'adele@contoso.example',
    ClientAppUsed: 'Mobile Apps and Desktop clients',
    ResultType: '0',
    ...fields,
  };
}

/** A MicrosoftGraphActivityLogs row (Azure Monitor Logs reference, "MicrosoftGraphActivityLogs"). */
function graphRow(userAgent: string): Record<string, unknown> {
  return {
    Type: 'MicrosoftGraphActivityLogs',
    TimeGenerated: '2026-03-02T10:15:00Z',
    RequestMethod: 'GET',
    RequestUri: 'https://graph.microsoft.com/v1.0/users?$select=id,displayName,userPrincipalName',
    ResponseStatusCode: 200,
    IPAddress: '175.45.176.41',
    AppId: AZURE_POWERSHELL,
    UserId: '9b117c67-170e-4aed-9702-658b3fddc889',
    UserAgent: userAgent,
  };
}

/** A Cloud Audit Logs entry ("Cloud Audit Logs overview: audit log entry structure"; AuditLog reference). */
function auditEntry(log: 'activity' | 'data_access', resource: Record<string, unknown>, payload: Record<string, unknown>): Record<string, unknown> {
  return {
    logName: `projects/prod-app-1/logs/cloudaudit.googleapis.com%2F${log}`,
    resource,
    timestamp: '2026-03-02T10:15:00Z',
    severity: 'NOTICE',
    protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', ...payload },
  };
}

const GCE_INSTANCE = { type: 'gce_instance', labels: { project_id: 'prod-app-1', zone: 'europe-west1-b', instance_id: '4567890123456789012' } };

/**
 * instances.setMetadata / projects.setCommonInstanceMetadata as Compute Engine logs them: the request's metadata
 * is redacted ("Compute Engine audit logging", Notes), the changed key names are in protoPayload.metadata
 * .instanceMetadataDelta / .projectMetadataDelta (addedMetadataKeys, modifiedMetadataKeys, deletedMetadataKeys:
 * Google Security Operations' Cloud Audit Logs field mapping; IAP Desktop's SetMetadataEvent and
 * SetCommonInstanceMetadataEvent read them from the last entry of the operation).
 */
function setMetadata(method: string, delta: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const project = method.includes('projects.');
  return auditEntry('activity', project ? { type: 'gce_project', labels: { project_id: 'prod-app-1' } } : GCE_INSTANCE, {
    serviceName: 'compute.googleapis.com',
    methodName: method,
    resourceName: project ? 'projects/prod-app-1' : 'projects/prod-app-1/zones/europe-west1-b/instances/web-1',
    authenticationInfo: { principalEmail: 'adele@contoso.example' },
    requestMetadata: { callerIp: '175.45.176.50', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/520.0.0 command/gcloud.compute.ssh' },
    request: { '@type': `type.googleapis.com/compute.${project ? 'projects.setCommonInstanceMetadata' : 'instances.setMetadata'}` },
    metadata: delta,
    ...extra,
  });
}

/**
 * An IAP TCP forwarding authorization: iap.googleapis.com AuthorizeUser, a Data Access entry on the gce_instance
 * ("Identity-Aware Proxy audit logging"; IAP Desktop's AuthorizeUserTunnelEvent reads the tunnel's destination
 * from requestMetadata.destinationAttributes.ip and .port, and tells it from IAP for web apps by resource.type).
 */
function iapTunnel(callerIp: string, port: string, extra: Record<string, unknown> = {}, resourceType = 'gce_instance'): Record<string, unknown> {
  return auditEntry(
    'data_access',
    { ...GCE_INSTANCE, type: resourceType },
    {
      serviceName: 'iap.googleapis.com',
      methodName: 'AuthorizeUser',
      authenticationInfo: { principalEmail: 'adele@contoso.example' },
      requestMetadata: {
        callerIp,
        callerSuppliedUserAgent: 'google-cloud-sdk gcloud/520.0.0 command/gcloud.compute.start-iap-tunnel',
        destinationAttributes: { ip: '10.132.0.7', port },
      },
      authorizationInfo: [
        {
          permission: 'iap.tunnelInstances.accessViaIAP',
          granted: true,
          resource: 'projects/123456789012/iap_tunnel/zones/europe-west1-b/instances/4567890123456789012',
        },
      ],
      ...extra,
    },
  );
}

/** A call authenticated as a service account (AuditLog reference, AuthenticationInfo.serviceAccountKeyName). */
function saCall(callerIp: string, keyName: string | undefined): Record<string, unknown> {
  return auditEntry(
    'activity',
    { type: 'pubsub_topic', labels: { project_id: 'prod-app-1', topic_id: 'exports' } },
    {
      serviceName: 'pubsub.googleapis.com',
      methodName: 'google.pubsub.v1.Publisher.CreateTopic',
      resourceName: 'projects/prod-app-1/topics/exports',
      authenticationInfo: {
        principalEmail: 'deployer@prod-app-1.iam.gserviceaccount.com',
        ...(keyName === undefined ? {} : { serviceAccountKeyName: keyName }),
      },
      requestMetadata: { callerIp, callerSuppliedUserAgent: 'google-cloud-sdk gcloud/520.0.0 command/gcloud.pubsub.topics.create' },
    },
  );
}
const KEY =
  '//iam.googleapis.com/projects/prod-app-1/serviceAccounts/deployer@prod-app-1.iam.gserviceaccount.com/keys/90f662482321f1ca8e82ea675b1a1c30c1fe681f';

const CASES: readonly Case[] = [
  {
    rule: 'azure-vm-extension-written-by-user',
    target: 'kql',
    sources: [
      'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/azureactivity',
      'https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema',
      'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/compute',
    ],
    positive: [
      {
        why: 'a user (UPN caller, upn claim) installs the Custom Script Extension on a VM',
        event: azureActivityRow(
          'MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE',
          'Success',
          'Microsoft.Compute/virtualMachines/vm-01/extensions/CustomScriptExtension',
          { caller: 'adele@contoso.example', claims: userClaims },
        ),
      },
      {
        why: 'a scale set extension written by a user',
        event: azureActivityRow(
          'MICROSOFT.COMPUTE/VIRTUALMACHINESCALESETS/EXTENSIONS/WRITE',
          'Succeeded',
          'Microsoft.Compute/virtualMachineScaleSets/web-vmss/extensions/CustomScript',
          { caller: 'adele@contoso.example', claims: userClaims },
        ),
      },
      {
        // "Schema from storage account and event hubs": no caller field; identity.claims carries the token, whose
        // name claim is the display name, so only the upn claim shows a user.
        why: 'diagnostic-setting record of a VMSS instance extension: Caller is the display name, the upn claim tells the user',
        event: {
          time: '2026-03-02T10:15:00.0000000Z',
          resourceId: `${SUB}/Microsoft.Compute/virtualMachineScaleSets/web-vmss/virtualMachines/3/extensions/VMAccessForLinux`,
          operationName: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/extensions/write',
          category: 'Administrative',
          resultType: 'Success',
          callerIpAddress: '175.45.176.40',
          correlationId: 'c776f9f4-36e5-4e0e-809b-c9b3c3fb62a8',
          identity: {
            authorization: { action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/extensions/write', scope: `${SUB}/Microsoft.Compute` },
            claims: userClaims,
          },
        },
      },
    ],
    negative: [
      {
        why: 'the same write by a service principal (object id caller, app-only claims)',
        event: azureActivityRow(
          'MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE',
          'Success',
          'Microsoft.Compute/virtualMachines/vm-01/extensions/AzureMonitorLinuxAgent',
          { caller: '6b6d44f0-b13a-46a0-bfde-161324d4c34d', claims: appClaims },
        ),
      },
      {
        why: 'the Start record of a user write, before it succeeded',
        event: azureActivityRow(
          'MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE',
          'Start',
          'Microsoft.Compute/virtualMachines/vm-01/extensions/CustomScriptExtension',
          { caller: 'adele@contoso.example', claims: userClaims },
        ),
      },
      {
        why: 'a user deleting an extension',
        event: azureActivityRow(
          'MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/DELETE',
          'Success',
          'Microsoft.Compute/virtualMachines/vm-01/extensions/CustomScriptExtension',
          { caller: 'adele@contoso.example', claims: userClaims },
        ),
      },
    ],
  },
  {
    rule: 'azure-event-hub-deleted',
    target: 'kql',
    sources: [
      'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/analytics',
      'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/azureactivity',
      'https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema',
    ],
    positive: [
      {
        why: 'an Event Hubs namespace deleted',
        event: azureActivityRow('MICROSOFT.EVENTHUB/NAMESPACES/DELETE', 'Success', 'Microsoft.EventHub/namespaces/siem-export', {
          caller: 'adele@contoso.example',
          claims: userClaims,
        }),
      },
      {
        why: 'diagnostic-setting record of an event hub deleted',
        event: {
          time: '2026-03-02T10:15:00.0000000Z',
          resourceId: `${SUB}/Microsoft.EventHub/namespaces/siem-export/eventhubs/insights-activity-logs`,
          operationName: 'Microsoft.EventHub/namespaces/eventhubs/Delete',
          category: 'Administrative',
          resultType: 'Succeeded',
          callerIpAddress: '175.45.176.40',
          identity: { claims: appClaims },
        },
      },
    ],
    negative: [
      {
        why: 'an event hub written, not deleted',
        event: azureActivityRow('MICROSOFT.EVENTHUB/NAMESPACES/EVENTHUBS/WRITE', 'Success', 'Microsoft.EventHub/namespaces/siem-export/eventhubs/x', {
          caller: 'adele@contoso.example',
          claims: userClaims,
        }),
      },
      {
        why: 'a namespace deletion that failed',
        event: azureActivityRow('MICROSOFT.EVENTHUB/NAMESPACES/DELETE', 'Failure', 'Microsoft.EventHub/namespaces/siem-export', {
          caller: 'adele@contoso.example',
          claims: userClaims,
        }),
      },
    ],
  },
  {
    rule: 'azure-ropc-signin-to-management',
    target: 'kql',
    sources: [
      'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/signinlogs',
      'https://learn.microsoft.com/en-us/graph/api/resources/signin',
      'https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in',
    ],
    positive: [
      {
        why: 'Connect-AzAccount -Credential: Azure PowerShell, ROPC, to Azure Resource Manager',
        event: signinRow({
          AppId: AZURE_POWERSHELL,
          AppDisplayName: 'Microsoft Azure PowerShell',
          ResourceDisplayName: 'Windows Azure Service Management API',
          ResourceIdentity: ARM,
          AuthenticationProtocol: 'ropc',
          IPAddress: '198.51.100.20',
        }),
      },
      {
        why: 'a failed ROPC attempt of some app for a Microsoft Graph token (a spray)',
        event: signinRow({
          AppId: '1b730954-1685-4b74-9bfd-dac224a7b894',
          ResourceDisplayName: 'Microsoft Graph',
          ResourceIdentity: GRAPH,
          AuthenticationProtocol: 'ropc',
          IPAddress: '175.45.176.60',
          ResultType: '50126',
        }),
      },
    ],
    negative: [
      {
        why: 'Azure PowerShell to Azure Resource Manager with an interactive browser sign-in',
        event: signinRow({
          AppId: AZURE_POWERSHELL,
          ResourceDisplayName: 'Windows Azure Service Management API',
          ResourceIdentity: ARM,
          AuthenticationProtocol: 'none',
          IPAddress: '175.45.176.60',
        }),
      },
      {
        why: 'ROPC by another app to Exchange Online',
        event: signinRow({
          AppId: '00000002-0000-0ff1-ce00-000000000000',
          ResourceDisplayName: 'Office 365 Exchange Online',
          ResourceIdentity: '00000002-0000-0ff1-ce00-000000000000',
          AuthenticationProtocol: 'ropc',
          IPAddress: '175.45.176.60',
        }),
      },
    ],
  },
  {
    rule: 'azure-cli-signin-to-graph-outside-trusted-locations',
    target: 'kql',
    sources: [
      'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/signinlogs',
      'https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in',
    ],
    positive: [
      {
        why: 'az ad user list: Azure CLI to Microsoft Graph from an untrusted address',
        event: signinRow({
          AppId: AZURE_CLI,
          AppDisplayName: 'Microsoft Azure CLI',
          ResourceDisplayName: 'Microsoft Graph',
          ResourceIdentity: GRAPH,
          IPAddress: '175.45.176.61',
        }),
      },
      {
        why: 'Azure PowerShell to Graph (by resource id only) from an untrusted IPv6 address',
        event: signinRow({ AppId: AZURE_POWERSHELL, ResourceIdentity: GRAPH, IPAddress: '2620:15c:0:200::1' }),
      },
    ],
    negative: [
      {
        why: 'the same sign-in from a trusted network',
        event: signinRow({ AppId: AZURE_CLI, ResourceDisplayName: 'Microsoft Graph', ResourceIdentity: GRAPH, IPAddress: '198.51.100.20' }),
      },
      {
        why: 'the Azure CLI to Azure Resource Manager (azure-cli-signin-outside-trusted-locations covers it)',
        event: signinRow({ AppId: AZURE_CLI, ResourceDisplayName: 'Windows Azure Service Management API', ResourceIdentity: ARM, IPAddress: '175.45.176.61' }),
      },
      {
        why: 'another app to Microsoft Graph from an untrusted address',
        event: signinRow({
          AppId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
          ResourceDisplayName: 'Microsoft Graph',
          ResourceIdentity: GRAPH,
          IPAddress: '175.45.176.61',
        }),
      },
    ],
  },
  {
    rule: 'azure-offensive-tool-signin',
    target: 'kql',
    sources: [
      'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/signinlogs',
      'https://github.com/SpecterOps/AzureHound/blob/main/constants/misc.go',
      'https://github.com/Flangvik/TeamFiltration/blob/main/TeamFiltration/TeamFiltration/Handlers/GlobalArgumentsHandler.cs',
    ],
    positive: [
      {
        why: 'AzureHound signing in as Azure PowerShell (its default client id) with its own user agent',
        event: signinRow({ AppId: AZURE_POWERSHELL, ResourceIdentity: GRAPH, UserAgent: 'azurehound/v2.6.0', IPAddress: '175.45.176.62' }),
      },
      {
        why: "a failed spray attempt with TeamFiltration's default user agent",
        event: signinRow({ AppId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', UserAgent: TEAMFILTRATION_UA, IPAddress: '175.45.176.63', ResultType: '50126' }),
      },
    ],
    negative: [
      {
        why: 'a current Teams desktop client',
        event: signinRow({
          AppId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
          UserAgent:
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.7.00.13456 Chrome/108.0.5359.215 Electron/22.3.27 Safari/537.36',
          IPAddress: '175.45.176.63',
        }),
      },
      {
        why: 'a generic scripting user agent',
        event: signinRow({ AppId: AZURE_CLI, UserAgent: 'python-requests/2.31.0', IPAddress: '175.45.176.63' }),
      },
    ],
  },
  {
    rule: 'azure-offensive-tool-graph-activity',
    target: 'kql',
    sources: [
      'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/microsoftgraphactivitylogs',
      'https://github.com/SpecterOps/AzureHound/blob/main/constants/misc.go',
      'https://github.com/Flangvik/TeamFiltration/blob/main/TeamFiltration/TeamFiltration/Handlers/GlobalArgumentsHandler.cs',
    ],
    positive: [
      { why: 'AzureHound listing users', event: graphRow('azurehound/v2.6.0') },
      { why: 'TeamFiltration enumerating through Graph', event: graphRow(TEAMFILTRATION_UA) },
    ],
    negative: [
      { why: 'the Azure PowerShell module', event: graphRow('AzurePowershell/v12.0.0 PSVersion/v7.4.1') },
      {
        why: 'a browser (Graph Explorer)',
        event: graphRow('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'),
      },
    ],
  },
  {
    rule: 'gcp-ssh-key-added-to-metadata',
    target: 'gcp',
    sources: [
      'https://cloud.google.com/compute/docs/logging/audit-logging',
      'https://docs.cloud.google.com/chronicle/docs/ingestion/default-parsers/gcp-cloudsql/',
      'https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog',
    ],
    positive: [
      {
        why: 'gcloud compute ssh adding a key to the instance',
        event: setMetadata(
          'v1.compute.instances.setMetadata',
          { instanceMetadataDelta: { addedMetadataKeys: ['ssh-keys'] } },
          { operation: { id: 'op-1', producer: 'compute.googleapis.com', last: true } },
        ),
      },
      {
        why: 'project-wide keys changed (beta API)',
        event: setMetadata('beta.compute.projects.setCommonInstanceMetadata', {
          projectMetadataDelta: { modifiedMetadataKeys: ['enable-oslogin', 'ssh-keys'] },
        }),
      },
    ],
    negative: [
      {
        why: 'a startup script added, no SSH keys',
        event: setMetadata('v1.compute.instances.setMetadata', { instanceMetadataDelta: { addedMetadataKeys: ['startup-script'] } }),
      },
      {
        why: 'SSH keys removed',
        event: setMetadata('v1.compute.instances.setMetadata', { instanceMetadataDelta: { deletedMetadataKeys: ['ssh-keys'] } }),
      },
      {
        why: 'a denied attempt',
        event: setMetadata(
          'v1.compute.projects.setCommonInstanceMetadata',
          { projectMetadataDelta: { addedMetadataKeys: ['ssh-keys'] } },
          { status: { code: 7, message: 'Required compute.projects.setCommonInstanceMetadata permission' } },
        ),
      },
    ],
  },
  {
    rule: 'gcp-iap-ssh-tunnel-outside-trusted-networks',
    target: 'gcp',
    sources: ['https://cloud.google.com/iap/docs/audit-log-howto', 'https://cloud.google.com/iap/docs/using-tcp-forwarding'],
    positive: [{ why: 'an SSH tunnel authorized for an untrusted address', event: iapTunnel('175.45.176.70', '22') }],
    negative: [
      { why: 'the same tunnel from a trusted network', event: iapTunnel('203.0.113.70', '22') },
      { why: 'an RDP tunnel', event: iapTunnel('175.45.176.70', '3389') },
      {
        why: 'a denied tunnel',
        event: iapTunnel('175.45.176.70', '22', { status: { code: 7, message: 'Permission iap.tunnelInstances.accessViaIAP denied' } }),
      },
      { why: 'IAP for a web app (not a gce_instance)', event: iapTunnel('175.45.176.70', '22', {}, 'gae_app') },
    ],
  },
  {
    rule: 'gcp-service-account-key-used-outside-trusted-networks',
    target: 'gcp',
    sources: [
      'https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog#authenticationinfo',
      'https://cloud.google.com/iam/docs/audit-logging/examples-service-accounts',
    ],
    positive: [
      { why: 'a key used from an untrusted address', event: saCall('175.45.176.80', KEY) },
      { why: 'a key used from an unlisted private address', event: saCall('10.20.30.40', KEY) },
    ],
    negative: [
      { why: 'a key used from a trusted network', event: saCall('198.51.100.80', KEY) },
      { why: 'the service account without a key (attached to a VM or impersonated)', event: saCall('175.45.176.80', undefined) },
      { why: 'a caller IP that is no address', event: saCall('gce-internal-ip', KEY) },
    ],
  },
];

const catalog = loadCatalog(exampleModel());

describe.each(CASES.map((c) => [c.rule, c] as const))('%s', (id, c) => {
  const r = catalog.find((rule) => rule.rule.id === id)!;
  const query = compileRule(r, c.target);
  const deployed = c.target === 'kql' ? (row: Record<string, unknown>) => compileKqlQuery(query as string, KQL_TABLES)(row) : compileGcpQuery(query as string);
  /** The event as the rule sees it (Azure diagnostic records become Log Analytics rows) and as the target reads it. */
  const judge = (event: Record<string, unknown>) => {
    const sourced = detectSource(event);
    expect(sourced && `${sourced.product}/${sourced.service}`).toBe(`${r.rule.logsource.product}/${r.rule.logsource.service}`);
    return [r.matches(sourced!.event), deployed(c.target === 'kql' ? sourced!.event : event)];
  };

  it('is in the catalog, deployed to its cloud, citing vendor pages', () => {
    expect(r, `${id} is in the catalog`).toBeDefined();
    expect(r.rule.targets).toEqual([c.target]);
    expect(r.rule.references.filter((u) => !u.startsWith('https://attack.mitre.org/')).length).toBeGreaterThan(0);
    expect(c.positive.length).toBeGreaterThan(0);
    expect(c.negative.length).toBeGreaterThan(0);
  });

  it.each(c.positive.map((e) => [e.why, e] as const))('fires: %s', (_why, e) => {
    expect(judge(e.event), `rule, ${c.target} query`).toEqual([true, true]);
  });

  it.each(c.negative.map((e) => [e.why, e] as const))('stays quiet: %s', (_why, e) => {
    expect(judge(e.event), `rule, ${c.target} query`).toEqual([false, false]);
  });
});
