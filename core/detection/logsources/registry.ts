/**
 * The log-source registry: everything the engine knows about each log source (product + service), in
 * one place, so the compilers, the evaluator's input side, the processing pipelines and the catalog read
 * the same facts:
 *
 * - its documented fields, each with the vendor page that documents it, and which of them hold objects
 *   or arrays (field-kinds.ts);
 * - where each target reads it: the Log Analytics table (kql), the CloudTrail log group or event bus
 *   (cloudwatch, eventbridge), the LogEntry stream (gcp);
 * - the envelope a target wraps it in (EventBridge puts the CloudTrail record under `detail`);
 * - the fields its vendor writes in one case only (cloudtrail-fields.ts, used by single-case.ts);
 * - for Azure, the diagnostic-setting (Event Hub / storage) path of each Log Analytics column
 *   (azure-diagnostic.ts reads it).
 *
 * Sources: CloudTrail fields from the CloudTrail record contents and userIdentity references; GCP from
 * Google's LogEntry and AuditLog references; the Azure tables from the Azure Monitor Logs table reference
 * (targets/kql-tables.ts, and aad-user-risk-events.ts for AADUserRiskEvents); the diagnostic paths from
 * Microsoft's diagnostic schemas cited on each source below.
 */
import { closest } from '../../config/did-you-mean.ts';
import type { Product, Target } from '../rule.ts';
import { KQL_TABLE_DOCS, type KqlType, type DocumentedTable } from '../targets/kql-tables.ts';
import { AAD_USER_RISK_EVENTS, AAD_USER_RISK_EVENTS_TABLE } from './aad-user-risk-events.ts';
import {
  CLOUDTRAIL_DETAIL_TYPES,
  CLOUDTRAIL_FIELDS,
  CLOUDTRAIL_RECORD_CONTENTS,
  CLOUDTRAIL_SINGLE_CASE,
  EVENTBRIDGE_CLOUDTRAIL_EVENTS,
  type SingleCase,
} from './cloudtrail-fields.ts';
import { ARRAY_KINDS, type DocumentedField, type FieldKind, type FieldTable, OBJECT_KINDS, OPEN_KINDS } from './field-kinds.ts';
import { AUDIT_LOG, GCP_ANY_CASE_UNDER, GCP_AUDIT_FIELDS, LOGGING_QUERY_LANGUAGE } from './gcp-audit-fields.ts';

/** How a target wraps the log record: the record sits under `path`, beside the envelope's own fields. */
export interface Envelope {
  readonly path: string;
  /** The envelope's event types that carry this log (EventBridge `detail-type`). */
  readonly detailTypes: readonly string[];
  readonly source: string;
}

export interface LogSource {
  readonly product: Product;
  readonly service: string;
  readonly title: string;
  /** The page that documents the log as a whole. */
  readonly source: string;
  /** Where each target that can read this log reads it. Its keys are the targets of the log source. */
  readonly tables: Readonly<Partial<Record<Target, string>>>;
  readonly envelopes: Readonly<Partial<Record<Target, Envelope>>>;
  /** Every documented path (dotted), with its kind and page. */
  readonly fields: FieldTable;
  /** Dotted paths whose value is an array, shortest first. */
  readonly arrays: readonly string[];
  /** Path prefixes under which names match ignoring case (Cloud Logging reads protoPayload names so). */
  readonly anyCaseUnder: readonly string[];
  /** Fields the vendor writes in one case only. */
  readonly singleCase: Readonly<Record<string, SingleCase>>;
  /** Azure only: the Log Analytics column -> the path(s) of the diagnostic-setting record holding it, first present wins. */
  readonly diagnostic?: Readonly<Record<string, string | readonly string[]>>;
  /** Azure only: the page documenting the diagnostic-setting record. */
  readonly diagnosticSource?: string;
  /** Azure only: the `category` of its diagnostic-setting records. */
  readonly diagnosticCategories?: readonly string[];
  /** Azure only: the KQL type of a column. */
  readonly columnType?: (column: string) => KqlType | undefined;
  /**
   * Fields whose vendor documents every value they take: an equality none of whose values is among them
   * can never match (field-check.ts refuses such a rule instead of compiling it).
   */
  readonly valueDomains?: Readonly<Record<string, ValueDomain>>;
}

/** Every value a field takes (compared ignoring case, as a rule's equality is by default), and the page. */
export interface ValueDomain {
  readonly values: readonly string[];
  readonly source: string;
}

/** A dynamic column is an open object, or an open array where listed; other columns (JSON text included) are scalars. */
const kindOfColumn = (type: KqlType, array: boolean): FieldKind => (type !== 'dynamic' ? 'scalar' : array ? 'open-objects' : 'open');

/** Declares a table's columns as fields. */
function tableFields(table: DocumentedTable, arrays: readonly string[]): FieldTable {
  return Object.fromEntries(
    Object.entries(table.columns).map(([name, column]): [string, DocumentedField] => [
      name,
      { kind: kindOfColumn(column.type, arrays.includes(name)), source: column.source },
    ]),
  );
}

function azureSource(
  service: string,
  title: string,
  tableName: string,
  table: DocumentedTable,
  arrays: readonly string[],
  diagnostic: Readonly<Record<string, string | readonly string[]>>,
  diagnosticCategories: readonly string[],
  diagnosticSchema: string,
  valueDomains: Readonly<Record<string, ValueDomain>> = {},
): LogSource {
  return {
    product: 'azure',
    service,
    title,
    source: table.source,
    tables: { kql: tableName },
    envelopes: {},
    fields: tableFields(table, arrays),
    arrays,
    anyCaseUnder: [],
    singleCase: {},
    diagnostic,
    diagnosticCategories,
    diagnosticSource: diagnosticSchema,
    columnType: (column) => (Object.hasOwn(table.columns, column) ? table.columns[column]!.type : undefined),
    valueDomains,
  };
}

const SIGNIN_DIAGNOSTIC_SCHEMA = 'https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-azure-monitor-sign-ins-log-schema';
const AUDIT_DIAGNOSTIC_SCHEMA = 'https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-azure-monitor-audit-log-schema';
const ACTIVITY_DIAGNOSTIC_SCHEMA = 'https://learn.microsoft.com/en-us/azure/azure-monitor/platform/activity-log-schema';
const GRAPH_DIAGNOSTIC_SCHEMA = 'https://learn.microsoft.com/en-us/graph/microsoft-graph-activity-logs-overview';
const RISK_DIAGNOSTIC_SCHEMA = 'https://learn.microsoft.com/en-us/entra/id-protection/howto-export-risk-data';

/** Activity Log categories (Azure Monitor activity log schema); Entra audit categories are others. */
const ACTIVITY_CATEGORIES = ['Administrative', 'ServiceHealth', 'ResourceHealth', 'Alert', 'Autoscale', 'Recommendation', 'Security', 'Policy'];

export const LOG_SOURCES: readonly LogSource[] = [
  {
    product: 'aws',
    service: 'cloudtrail',
    title: 'AWS CloudTrail records (management, data and network activity events)',
    source: CLOUDTRAIL_RECORD_CONTENTS,
    // CloudWatch metric filters read the organization trail's log group; EventBridge reads the default bus.
    tables: { cloudwatch: 'CloudTrail', eventbridge: 'CloudTrail' },
    envelopes: { eventbridge: { path: 'detail', detailTypes: CLOUDTRAIL_DETAIL_TYPES, source: EVENTBRIDGE_CLOUDTRAIL_EVENTS } },
    fields: CLOUDTRAIL_FIELDS,
    arrays: arraysOf(CLOUDTRAIL_FIELDS),
    anyCaseUnder: [],
    singleCase: CLOUDTRAIL_SINGLE_CASE,
  },
  {
    product: 'gcp',
    service: 'gcp.audit',
    title: 'Google Cloud Audit Logs (LogEntry with an AuditLog payload), Google Workspace audit logs shared with Google Cloud included',
    source: AUDIT_LOG,
    tables: { gcp: 'LogEntry' },
    envelopes: {},
    fields: GCP_AUDIT_FIELDS,
    arrays: arraysOf(GCP_AUDIT_FIELDS),
    anyCaseUnder: GCP_ANY_CASE_UNDER,
    singleCase: {},
  },
  azureSource(
    'signinlogs',
    'Microsoft Entra interactive sign-ins',
    'SigninLogs',
    KQL_TABLE_DOCS.SigninLogs,
    ['ConditionalAccessPolicies', 'AuthenticationDetails', 'AuthenticationProcessingDetails', 'AppliedEventListeners'],
    {
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
    ['SignInLogs'],
    SIGNIN_DIAGNOSTIC_SCHEMA,
  ),
  azureSource(
    'azureactivity',
    'Azure Activity Log (control-plane operations on subscriptions)',
    'AzureActivity',
    KQL_TABLE_DOCS.AzureActivity,
    [],
    {
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
    ACTIVITY_CATEGORIES,
    ACTIVITY_DIAGNOSTIC_SCHEMA,
  ),
  azureSource(
    'auditlogs',
    'Microsoft Entra audit logs (directory changes; PIM activity is logged here with LoggedByService "PIM")',
    'AuditLogs',
    KQL_TABLE_DOCS.AuditLogs,
    ['TargetResources', 'TargetResources.modifiedProperties', 'AdditionalDetails'],
    {
      // Microsoft Entra "Interpret the audit logs schema in Azure Monitor": the top-level `category` of a
      // diagnostic record is the log category (AuditLogs); the audit category (RoleManagement, Policy, ...)
      // that the AuditLogs table's Category column holds is properties.category.
      TimeGenerated: 'time',
      OperationName: 'operationName',
      OperationVersion: 'operationVersion',
      Category: 'properties.category',
      AADTenantId: 'tenantId',
      ResultSignature: 'resultSignature',
      ResultDescription: 'resultDescription',
      DurationMs: 'durationMs',
      Identity: 'identity',
      Level: ['level', 'Level'],
      Location: 'location',
      ResourceId: 'resourceId',
      Id: 'properties.id',
      CorrelationId: ['correlationId', 'properties.correlationId'],
      Result: 'properties.result',
      ResultReason: 'properties.resultReason',
      ActivityDisplayName: 'properties.activityDisplayName',
      ActivityDateTime: 'properties.activityDateTime',
      AADOperationType: 'properties.operationType',
      LoggedByService: 'properties.loggedByService',
      InitiatedBy: 'properties.initiatedBy',
      TargetResources: 'properties.targetResources',
      AdditionalDetails: 'properties.additionalDetails',
    },
    ['AuditLogs'],
    AUDIT_DIAGNOSTIC_SCHEMA,
    {
      // directoryAudit.result (operationResult): "success, failure, timeout, unknownFutureValue".
      Result: { values: ['success', 'failure', 'timeout', 'unknownFutureValue'], source: 'https://learn.microsoft.com/graph/api/resources/directoryaudit' },
    },
  ),
  azureSource(
    'graphactivity',
    'Microsoft Graph activity logs',
    'MicrosoftGraphActivityLogs',
    KQL_TABLE_DOCS.MicrosoftGraphActivityLogs,
    [],
    {
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
    ['MicrosoftGraphActivityLogs'],
    GRAPH_DIAGNOSTIC_SCHEMA,
  ),
  azureSource(
    'riskdetection',
    'Microsoft Entra ID Protection user risk detections (Graph riskDetection)',
    AAD_USER_RISK_EVENTS_TABLE,
    AAD_USER_RISK_EVENTS,
    [],
    {
      // Diagnostic-setting category UserRiskEvents: Log Analytics columns from properties.* (camelCase).
      TimeGenerated: 'time',
      OperationName: 'operationName',
      Id: 'properties.id',
      RiskEventType: 'properties.riskEventType',
      RiskLevel: 'properties.riskLevel',
      RiskState: 'properties.riskState',
      RiskDetail: 'properties.riskDetail',
      Source: 'properties.source',
      DetectionTimingType: 'properties.detectionTimingType',
      Activity: 'properties.activity',
      IpAddress: 'properties.ipAddress',
      Location: 'properties.location',
      UserId: 'properties.userId',
      UserDisplayName: 'properties.userDisplayName',
      UserPrincipalName: 'properties.userPrincipalName',
      AdditionalInfo: 'properties.additionalInfo',
      CorrelationId: 'properties.correlationId',
      RequestId: 'properties.requestId',
      TokenIssuerType: 'properties.tokenIssuerType',
      ActivityDateTime: 'properties.activityDateTime',
      DetectedDateTime: 'properties.detectedDateTime',
      LastUpdatedDateTime: 'properties.lastUpdatedDateTime',
    },
    ['UserRiskEvents'],
    RISK_DIAGNOSTIC_SCHEMA,
  ),
];

function arraysOf(fields: FieldTable): string[] {
  return Object.entries(fields)
    .filter(([, f]) => ARRAY_KINDS.has(f.kind))
    .map(([path]) => path)
    .sort((a, b) => a.split('.').length - b.split('.').length || a.localeCompare(b));
}

const BY_KEY = new Map(LOG_SOURCES.map((s) => [`${s.product}/${s.service}`, s]));

/** The log source of a product and service, or undefined if the engine does not read it. */
export function logSource(product: string, service: string): LogSource | undefined {
  return BY_KEY.get(`${product}/${service}`);
}

/** `product/service` of every log source, for messages. */
export function logSourceNames(): string[] {
  return LOG_SOURCES.map((s) => `${s.product}/${s.service}`);
}

/** The services of a product, in registry order. */
export function servicesOf(product: string): string[] {
  return LOG_SOURCES.filter((s) => s.product === product).map((s) => s.service);
}

/** Every target that reads some log source of the product. */
export function targetsOfProduct(product: string): Target[] {
  return [...new Set(LOG_SOURCES.filter((s) => s.product === product).flatMap((s) => Object.keys(s.tables) as Target[]))];
}

/** What the registry says about a field path of a log source. */
export type FieldLookup =
  | {
      readonly known: true;
      /** The path as the registry spells it (names under anyCaseUnder prefixes resolved). */
      readonly path: string;
      /** The kind of the path itself; `open` below an open object (nothing is known of it). */
      readonly kind: FieldKind | 'inside-open';
      readonly source: string;
    }
  | {
      readonly known: false;
      /** Why, when a documented prefix rules the path out (`eventName holds a value, not fields`). */
      readonly detail?: string;
      /** The closest documented path, when the name looks like a slip. */
      readonly nearest?: string;
    };

/** Resolves a dotted path against the source's documented fields. */
export function lookupField(source: LogSource, path: string): FieldLookup {
  const keys = path.split('.');
  const anyCase = (prefix: string) => source.anyCaseUnder.some((p) => prefix === p || prefix.startsWith(`${p}.`));
  let resolved = '';
  let last: DocumentedField | undefined;
  for (const [i, key] of keys.entries()) {
    if (last && OPEN_KINDS.has(last.kind)) {
      return { known: true, path: [resolved, ...keys.slice(i)].join('.'), kind: 'inside-open', source: last.source };
    }
    if (last && !OBJECT_KINDS.has(last.kind)) {
      return { known: false, detail: `${resolved} holds ${last.kind === 'scalars' ? 'a list of values' : 'a value'}, not fields` };
    }
    const candidate = resolved ? `${resolved}.${key}` : key;
    let found = source.fields[candidate];
    let name = candidate;
    if (!found && resolved && anyCase(resolved)) {
      const lower = candidate.toLowerCase();
      const match = Object.keys(source.fields).find((f) => f.toLowerCase() === lower);
      if (match) {
        found = source.fields[match];
        name = match;
      }
    }
    if (!found) {
      const nearest = nearestField(source, path);
      return nearest ? { known: false, nearest } : { known: false };
    }
    resolved = name;
    last = found;
  }
  return { known: true, path: resolved, kind: last!.kind, source: last!.source };
}

/** The documented path closest to `path` (edit distance, ignoring case), when it is close enough to be a slip. */
export function nearestField(source: LogSource, path: string): string | undefined {
  return closest(path, Object.keys(source.fields));
}

/** The field of the log source whose name equals `name` ignoring case (a top-level column, say), if exactly one does. */
export function fieldIgnoringCase(source: LogSource, name: string): string | undefined {
  const lower = name.toLowerCase();
  const matches = Object.keys(source.fields).filter((f) => f.toLowerCase() === lower);
  return matches.length === 1 ? matches[0] : undefined;
}

/** The page that says why names under protoPayload match ignoring case, for messages. */
export const ANY_CASE_SOURCE = LOGGING_QUERY_LANGUAGE;
