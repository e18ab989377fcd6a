/**
 * The AADUserRiskEvents Log Analytics table: Microsoft Entra ID Protection's user risk detections (the
 * Graph `riskDetection` resource that SigmaHQ's `service: riskdetection` rules are written against, with
 * its camelCase properties as PascalCase columns: riskEventType -> RiskEventType). Columns and types from
 * Microsoft Learn, "Azure Monitor Logs reference - AADUserRiskEvents"
 * (https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/aaduserriskevents); the Graph
 * resource is https://learn.microsoft.com/en-us/graph/api/resources/riskdetection.
 *
 * Declared here in the shape of targets/kql-tables.ts (`DocumentedTable`), which another part of the
 * code owns: to let the KQL checker bind queries on this table, add `AADUserRiskEvents` to its
 * `LogAnalyticsTable` union and `AAD_USER_RISK_EVENTS` to `KQL_TABLE_DOCS`.
 */
import type { DocumentedTable, KqlType } from '../targets/kql-tables.ts';

export const AAD_USER_RISK_EVENTS_TABLE = 'AADUserRiskEvents';
export const AAD_USER_RISK_EVENTS_REFERENCE = 'https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/aaduserriskevents';

const COLUMNS: Readonly<Record<string, KqlType>> = {
  Activity: 'string',
  ActivityDateTime: 'datetime',
  AdditionalInfo: 'dynamic',
  _BilledSize: 'real',
  CorrelationId: 'string',
  DetectedDateTime: 'datetime',
  DetectionTimingType: 'string',
  Id: 'string',
  IpAddress: 'string',
  _IsBillable: 'string',
  LastUpdatedDateTime: 'datetime',
  Location: 'dynamic',
  OperationName: 'string',
  RequestId: 'string',
  RiskDetail: 'string',
  RiskEventType: 'string',
  RiskLevel: 'string',
  RiskState: 'string',
  Source: 'string',
  SourceSystem: 'string',
  TenantId: 'string',
  TimeGenerated: 'datetime',
  TokenIssuerType: 'string',
  Type: 'string',
  UserDisplayName: 'string',
  UserId: 'string',
  UserPrincipalName: 'string',
};

export const AAD_USER_RISK_EVENTS: DocumentedTable = {
  source: AAD_USER_RISK_EVENTS_REFERENCE,
  columns: Object.fromEntries(Object.entries(COLUMNS).map(([name, type]) => [name, { type, source: AAD_USER_RISK_EVENTS_REFERENCE }])),
};
