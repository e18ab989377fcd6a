/**
 * Declared schemas of the Log Analytics tables our KQL reads: column name -> KQL scalar type, and the
 * page that documents each column. The KQL checker binds every compiled query against these, so a
 * misspelt column or a string-vs-dynamic slip fails a test instead of a scheduled query rule at deploy
 * time. The detection compiler sees none of this: it gets only {@link columnType}.
 *
 * Columns and types are copied from Microsoft Learn, "Azure Monitor Logs reference - <Table>"
 * (https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/<table in lower case>, the
 * source every column below carries): SigninLogs, AADNonInteractiveUserSignInLogs,
 * AADServicePrincipalSignInLogs, AuditLogs (ms.date 2026-08-27), MicrosoftGraphActivityLogs (2026-07-27),
 * AADManagedIdentitySignInLogs (Learn page as mirrored in 2026), AzureActivity (MicrosoftDocs/azure-reference-other
 * include, 2024-04-08). A column the reference does not list is left out on purpose, even where
 * workspaces have it (SigninLogs and AuditLogs list no TenantId): a detection should rely only on
 * documented columns.
 */

import { AAD_USER_RISK_EVENTS } from '../logsources/aad-user-risk-events.ts';

export type KqlType = 'string' | 'datetime' | 'dynamic' | 'int' | 'long' | 'bool' | 'real' | 'guid';

export type LogAnalyticsTable =
  | 'SigninLogs'
  | 'AADNonInteractiveUserSignInLogs'
  | 'AADServicePrincipalSignInLogs'
  | 'AADManagedIdentitySignInLogs'
  | 'AzureActivity'
  | 'AuditLogs'
  | 'MicrosoftGraphActivityLogs'
  | 'AADUserRiskEvents';

export type TableSchema = Readonly<Record<string, KqlType>>;

/** A declared column: its type, and the page that documents it. */
export interface DocumentedColumn {
  readonly type: KqlType;
  readonly source: string;
}

export interface DocumentedTable {
  /** The table's page in the Azure Monitor Logs table reference. */
  readonly source: string;
  readonly columns: Readonly<Record<string, DocumentedColumn>>;
}

/** The Azure Monitor Logs reference page of a table (Learn's URLs use the table name in lower case). */
export function tableReference(table: LogAnalyticsTable): string {
  return `https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/${table.toLowerCase()}`;
}

/** Grouped by type because most columns are strings; the few others are what a reader must notice. */
type ColumnsByType = Partial<Record<KqlType, readonly string[]>>;

/**
 * A table whose columns are all documented on its own reference page; `elsewhere` gives the page of a
 * column documented somewhere else (none is, today).
 */
function documented(table: LogAnalyticsTable, columns: ColumnsByType, elsewhere: Readonly<Record<string, string>> = {}): DocumentedTable {
  const source = tableReference(table);
  const out: Record<string, DocumentedColumn> = {};
  for (const [type, names] of Object.entries(columns) as [KqlType, readonly string[]][]) {
    for (const name of names) {
      if (name in out) throw new Error(`column ${name} declared twice`);
      out[name] = { type, source: elsewhere[name] ?? source };
    }
  }
  for (const name of Object.keys(elsewhere)) if (!(name in out)) throw new Error(`${table} declares no column ${name}`);
  return { source, columns: out };
}

// Only the interactive table types LocationDetails, DeviceDetail, Status and ConditionalAccessPolicies
// as dynamic; the non-interactive, service principal and managed identity tables store them as JSON
// strings, so a query must parse_json() them before reading a property.
export const KQL_TABLE_DOCS: Readonly<Record<LogAnalyticsTable, DocumentedTable>> = {
  SigninLogs: documented('SigninLogs', {
    datetime: ['CreatedDateTime', 'TimeGenerated'],
    dynamic: [
      'Agent',
      'AppliedEventListeners',
      'ConditionalAccessPolicies',
      'DeviceDetail',
      'LocationDetails',
      'MfaDetail',
      'Status',
      'TokenProtectionStatusDetails',
    ],
    bool: ['FlaggedForReview', 'IsInteractive', 'IsRisky', 'IsTenantRestricted', 'IsThroughGlobalSecureAccess'],
    long: ['DurationMs'],
    real: ['_BilledSize'],
    string: [
      'AADTenantId',
      'AlternateSignInName',
      'AppDisplayName',
      'AppId',
      'AppliedConditionalAccessPolicies',
      'AppOwnerTenantId',
      'AuthenticationAppDeviceDetails',
      'AuthenticationAppPolicyEvaluationDetails',
      'AuthenticationContextClassReferences',
      'AuthenticationDetails',
      'AuthenticationMethodsUsed',
      'AuthenticationProcessingDetails',
      'AuthenticationProtocol',
      'AuthenticationRequirement',
      'AuthenticationRequirementPolicies',
      'AuthenticatorAppLocation',
      'AutonomousSystemNumber',
      'Category',
      'ClientAppUsed',
      'ClientCredentialType',
      'ClientSessionId',
      'ConditionalAccessAudiences',
      'ConditionalAccessStatus',
      'CorrelationId',
      'CrossTenantAccessType',
      'FederatedCredentialId',
      'GlobalSecureAccessIpAddress',
      'HomeTenantId',
      'HomeTenantName',
      'Id',
      'Identity',
      'IncomingTokenType',
      'IPAddress',
      'IPAddressFromResourceProvider',
      '_IsBillable',
      'Level',
      'Location',
      'NetworkLocationDetails',
      'OperationName',
      'OperationVersion',
      'OriginalRequestId',
      'OriginalTransferMethod',
      'ProcessingTimeInMilliseconds',
      'Resource',
      'ResourceDisplayName',
      'ResourceGroup',
      'ResourceId',
      'ResourceIdentity',
      'ResourceOwnerTenantId',
      'ResourceProvider',
      'ResourceServicePrincipalId',
      'ResourceTenantId',
      'ResultDescription',
      'ResultSignature',
      'ResultType',
      'RiskDetail',
      'RiskEventTypes',
      'RiskEventTypes_V2',
      'RiskLevel',
      'RiskLevelAggregated',
      'RiskLevelDuringSignIn',
      'RiskState',
      'RootActorID',
      'ServicePrincipalId',
      'ServicePrincipalName',
      'SessionId',
      'SessionLifetimePolicies',
      'SignInIdentifier',
      'SignInIdentifierType',
      'SourceAppClientId',
      'SourceSystem',
      'TokenIssuerName',
      'TokenIssuerType',
      'Type',
      'UniqueTokenIdentifier',
      'UserAgent',
      'UserDisplayName',
      'UserId',
      'UserPrincipalName',
      'UserType',
    ],
  }),

  AADNonInteractiveUserSignInLogs: documented('AADNonInteractiveUserSignInLogs', {
    datetime: ['CreatedDateTime', 'TimeGenerated'],
    dynamic: ['AppliedEventListeners'],
    bool: ['IsInteractive', 'IsRisky', 'IsTenantRestricted', 'IsThroughGlobalSecureAccess'],
    long: ['DurationMs'],
    real: ['_BilledSize'],
    string: [
      'AADTenantId',
      'Agent',
      'AlternateSignInName',
      'AppDisplayName',
      'AppId',
      'AppOwnerTenantId',
      'AuthenticationContextClassReferences',
      'AuthenticationDetails',
      'AuthenticationMethodsUsed',
      'AuthenticationProcessingDetails',
      'AuthenticationProtocol',
      'AuthenticationRequirement',
      'AuthenticationRequirementPolicies',
      'AutonomousSystemNumber',
      'Category',
      'ClientAppUsed',
      'ClientCredentialType',
      'ConditionalAccessPolicies',
      'ConditionalAccessStatus',
      'CorrelationId',
      'CrossTenantAccessType',
      'DeviceDetail',
      'FederatedCredentialId',
      'GlobalSecureAccessIpAddress',
      'HomeTenantId',
      'HomeTenantName',
      'Id',
      'Identity',
      'IncomingTokenType',
      'IPAddress',
      '_IsBillable',
      'Level',
      'Location',
      'LocationDetails',
      'MfaDetail',
      'NetworkLocationDetails',
      'OperationName',
      'OperationVersion',
      'OriginalRequestId',
      'OriginalTransferMethod',
      'ProcessingTimeInMs',
      'ResourceDisplayName',
      'ResourceGroup',
      'ResourceIdentity',
      'ResourceOwnerTenantId',
      'ResourceServicePrincipalId',
      'ResourceTenantId',
      'ResultDescription',
      'ResultSignature',
      'ResultType',
      'RiskDetail',
      'RiskEventTypes',
      'RiskEventTypes_V2',
      'RiskLevelAggregated',
      'RiskLevelDuringSignIn',
      'RiskState',
      'ServicePrincipalId',
      'SessionId',
      'SessionLifetimePolicies',
      'SignInEventTypes',
      'SignInIdentifierType',
      'SourceSystem',
      'Status',
      'TenantId',
      'TokenIssuerName',
      'TokenIssuerType',
      'TokenProtectionStatusDetails',
      'Type',
      'UniqueTokenIdentifier',
      'UserAgent',
      'UserDisplayName',
      'UserId',
      'UserPrincipalName',
      'UserType',
    ],
  }),

  AADServicePrincipalSignInLogs: documented('AADServicePrincipalSignInLogs', {
    datetime: ['CreatedDateTime', 'TimeGenerated'],
    long: ['DurationMs'],
    real: ['_BilledSize'],
    string: [
      'AADTenantId',
      'Agent',
      'AppId',
      'AppOwnerTenantId',
      'AuthenticationContextClassReferences',
      'AuthenticationProcessingDetails',
      'AutonomousSystemNumber',
      'Category',
      'ClientCredentialType',
      'ConditionalAccessAudiences',
      'ConditionalAccessPolicies',
      'ConditionalAccessStatus',
      'CorrelationId',
      'FederatedCredentialId',
      'Id',
      'Identity',
      'IPAddress',
      '_IsBillable',
      'Level',
      'Location',
      'LocationDetails',
      'NetworkLocationDetails',
      'OperationName',
      'OperationVersion',
      'ResourceDisplayName',
      'ResourceGroup',
      'ResourceIdentity',
      'ResourceOwnerTenantId',
      'ResourceServicePrincipalId',
      'ResultDescription',
      'ResultSignature',
      'ResultType',
      'ServicePrincipalCredentialKeyId',
      'ServicePrincipalCredentialThumbprint',
      'ServicePrincipalId',
      'ServicePrincipalName',
      'SessionId',
      'SourceSystem',
      'TenantId',
      'Type',
      'UniqueTokenIdentifier',
      'UserAgent',
    ],
  }),

  AADManagedIdentitySignInLogs: documented('AADManagedIdentitySignInLogs', {
    datetime: ['CreatedDateTime', 'TimeGenerated'],
    long: ['DurationMs'],
    real: ['_BilledSize'],
    string: [
      'AADTenantId',
      'Agent',
      'AppId',
      'AppOwnerTenantId',
      'AuthenticationContextClassReferences',
      'AuthenticationProcessingDetails',
      'Category',
      'ClientCredentialType',
      'ConditionalAccessPolicies',
      'ConditionalAccessStatus',
      'CorrelationId',
      'FederatedCredentialId',
      'Id',
      'Identity',
      'IPAddress',
      '_IsBillable',
      'Level',
      'Location',
      'LocationDetails',
      'ManagedServiceIdentity',
      'NetworkLocationDetails',
      'OperationName',
      'OperationVersion',
      'ResourceDisplayName',
      'ResourceGroup',
      'ResourceIdentity',
      'ResourceOwnerTenantId',
      'ResourceServicePrincipalId',
      'ResultDescription',
      'ResultSignature',
      'ResultType',
      'ServicePrincipalCredentialKeyId',
      'ServicePrincipalCredentialThumbprint',
      'ServicePrincipalId',
      'ServicePrincipalName',
      'SessionId',
      'SourceAppClientId',
      'SourceSystem',
      'TenantId',
      'Type',
      'UniqueTokenIdentifier',
      'UserAgent',
    ],
  }),

  // The string twins (Authorization, Claims, Properties) are legacy; queries should use the _d columns.
  AzureActivity: documented('AzureActivity', {
    datetime: ['EventSubmissionTimestamp', 'TimeGenerated'],
    dynamic: ['Authorization_d', 'Claims_d', 'Properties_d'],
    real: ['_BilledSize'],
    string: [
      'ActivityStatus',
      'ActivityStatusValue',
      'ActivitySubstatus',
      'ActivitySubstatusValue',
      'Authorization',
      'Caller',
      'CallerIpAddress',
      'Category',
      'CategoryValue',
      'Claims',
      'CorrelationId',
      'EventDataId',
      'Hierarchy',
      'HTTPRequest',
      '_IsBillable',
      'Level',
      'OperationId',
      'OperationName',
      'OperationNameValue',
      'Properties',
      'Resource',
      'ResourceGroup',
      'ResourceId',
      '_ResourceId',
      'ResourceProvider',
      'ResourceProviderValue',
      'SourceSystem',
      'SubscriptionId',
      '_SubscriptionId',
      'TenantId',
      'Type',
    ],
  }),

  AuditLogs: documented('AuditLogs', {
    datetime: ['ActivityDateTime', 'TimeGenerated'],
    dynamic: ['AdditionalDetails', 'InitiatedBy', 'TargetResources'],
    long: ['DurationMs'],
    real: ['_BilledSize'],
    string: [
      'AADOperationType',
      'AADTenantId',
      'ActivityDisplayName',
      'Category',
      'CorrelationId',
      'Id',
      'Identity',
      '_IsBillable',
      'Level',
      'Location',
      'LoggedByService',
      'OperationName',
      'OperationVersion',
      'Resource',
      'ResourceGroup',
      'ResourceId',
      'ResourceProvider',
      'Result',
      'ResultDescription',
      'ResultReason',
      'ResultSignature',
      'ResultType',
      'SourceSystem',
      'Type',
    ],
  }),

  MicrosoftGraphActivityLogs: documented('MicrosoftGraphActivityLogs', {
    datetime: ['TimeGenerated', 'TokenIssuedAt'],
    int: ['ClientAuthMethod', 'DurationMs', 'ResponseSizeBytes', 'ResponseStatusCode'],
    real: ['_BilledSize'],
    string: [
      'AadTenantId',
      'ApiVersion',
      'AppId',
      'ATContent',
      'ATContentH',
      'ATContentP',
      'ClientRequestId',
      'DeviceId',
      'IdentityProvider',
      'IPAddress',
      '_IsBillable',
      'Location',
      'OperationId',
      'RequestId',
      'RequestMethod',
      'RequestUri',
      'Roles',
      'Scopes',
      'ServicePrincipalId',
      'SessionId',
      'SignInActivityId',
      'SourceSystem',
      'TenantId',
      'Type',
      'UniqueTokenId',
      'UserAgent',
      'UserId',
      'Wids',
    ],
  }),
  // Entra ID Protection risk detections (Sigma's riskdetection); declared beside the log-source registry.
  AADUserRiskEvents: AAD_USER_RISK_EVENTS,
};

/** Column name -> type per table, without the sources: what the KQL checker and the oracles bind against. */
export const KQL_TABLES: Readonly<Record<LogAnalyticsTable, TableSchema>> = Object.fromEntries(
  Object.entries(KQL_TABLE_DOCS).map(([table, { columns }]) => [table, Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, c.type]))]),
) as Record<LogAnalyticsTable, TableSchema>;

/** The declared type of a column, or undefined where the table has no such column: all the compiler reads. */
export function columnType(table: LogAnalyticsTable, column: string): KqlType | undefined {
  return Object.hasOwn(KQL_TABLE_DOCS[table].columns, column) ? KQL_TABLE_DOCS[table].columns[column]!.type : undefined;
}
