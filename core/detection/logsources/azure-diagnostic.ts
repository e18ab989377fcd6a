/**
 * Azure logs come in two shapes: Log Analytics tables (PascalCase columns, what KQL runs on and what
 * our Azure rules are written against) and diagnostic-setting / Event Hub records (`time`,
 * `operationName`, `properties.*`, camelCase). This maps the second onto the first so one rule serves
 * both. The mapping follows Microsoft's column reference for each table; unmapped keys are dropped.
 */
export type AzureService = 'signinlogs' | 'azureactivity' | 'auditlogs' | 'graphactivity';

type Record_ = Record<string, unknown>;
const get = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record_)[key] : undefined), obj);

/** LA column <- diagnostic path, per table. */
const MAPPINGS: Record<AzureService, Record<string, string>> = {
  signinlogs: {
    TimeGenerated: 'time',
    CreatedDateTime: 'properties.createdDateTime',
    Category: 'category',
    OperationName: 'operationName',
    ResultType: 'resultType',
    ResultSignature: 'resultSignature',
    CorrelationId: 'correlationId',
    AppId: 'properties.appId',
    AppDisplayName: 'properties.appDisplayName',
    ResourceDisplayName: 'properties.resourceDisplayName',
    ResourceIdentity: 'properties.resourceId',
    IPAddress: 'properties.ipAddress',
    UserAgent: 'properties.userAgent',
    UserPrincipalName: 'properties.userPrincipalName',
    UserId: 'properties.userId',
    ClientAppUsed: 'properties.clientAppUsed',
    AuthenticationProtocol: 'properties.authenticationProtocol',
    AuthenticationRequirement: 'properties.authenticationRequirement',
    ConditionalAccessStatus: 'properties.conditionalAccessStatus',
    ConditionalAccessPolicies: 'properties.conditionalAccessPolicies',
    DeviceDetail: 'properties.deviceDetail',
    LocationDetails: 'properties.location',
    Status: 'properties.status',
    RiskLevelDuringSignIn: 'properties.riskLevelDuringSignIn',
    IsInteractive: 'properties.isInteractive',
  },
  azureactivity: {
    TimeGenerated: 'time',
    OperationNameValue: 'operationName',
    CategoryValue: 'category',
    ActivityStatusValue: 'resultType',
    CallerIpAddress: 'callerIpAddress',
    Caller: 'identity.claims.name',
    CorrelationId: 'correlationId',
    ResourceId: 'resourceId',
    Level: 'level',
    Properties_d: 'properties',
    Claims_d: 'identity.claims',
    Authorization_d: 'identity.authorization',
  },
  auditlogs: {
    TimeGenerated: 'time',
    OperationName: 'operationName',
    Category: 'category',
    Result: 'properties.result',
    ResultDescription: 'resultDescription',
    ActivityDisplayName: 'properties.activityDisplayName',
    LoggedByService: 'properties.loggedByService',
    InitiatedBy: 'properties.initiatedBy',
    TargetResources: 'properties.targetResources',
    AdditionalDetails: 'properties.additionalDetails',
    CorrelationId: 'correlationId',
  },
  graphactivity: {
    TimeGenerated: 'time',
    RequestUri: 'properties.requestUri',
    RequestMethod: 'properties.requestMethod',
    ResponseStatusCode: 'properties.responseStatusCode',
    UserAgent: 'properties.userAgent',
    IPAddress: 'properties.ipAddress',
    AppId: 'properties.appId',
    UserId: 'properties.userId',
    ServicePrincipalId: 'properties.servicePrincipalId',
  },
};

/** Activity Log categories (Azure Monitor activity log schema); Entra audit categories are others. */
const ACTIVITY_CATEGORIES = new Set(['Administrative', 'ServiceHealth', 'ResourceHealth', 'Alert', 'Autoscale', 'Recommendation', 'Security', 'Policy']);

/** Which table a diagnostic record belongs to, or undefined if it is not one of ours. */
export function diagnosticService(record: Record_): AzureService | undefined {
  const category = String(record['category'] ?? '');
  if (category === 'SignInLogs') return 'signinlogs';
  if (category === 'MicrosoftGraphActivityLogs') return 'graphactivity';
  if (ACTIVITY_CATEGORIES.has(category)) return 'azureactivity';
  if (category === 'AuditLogs' || get(record, 'properties.activityDisplayName') !== undefined || get(record, 'properties.operationType') !== undefined)
    return 'auditlogs';
  return undefined;
}

export function normalizeDiagnostic(record: Record_, service: AzureService): Record_ {
  const row: Record_ = {};
  for (const [column, path] of Object.entries(MAPPINGS[service])) {
    const value = get(record, path);
    if (value !== undefined) row[column] = value;
  }
  // Sign-in diagnostic records carry the error code in properties.status; LA's ResultType is that code as text.
  if (service === 'signinlogs') {
    const code = get(record, 'properties.status.errorCode');
    if (code !== undefined) row['ResultType'] = String(code);
  }
  return row;
}
