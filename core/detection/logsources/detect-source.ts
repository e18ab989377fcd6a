/**
 * Which cloud and log source an event comes from, by its shape, so `guardrails detect` can read a mixed
 * directory. Azure diagnostic-shape records are normalised to Log Analytics columns on the way. The
 * Log Analytics table names (the `Type` column) are the registry's (registry.ts).
 */
import type { Product } from '../rule.ts';
import { diagnosticService, normalizeDiagnostic, type AzureService } from './azure-diagnostic.ts';
import { LOG_SOURCES } from './registry.ts';

export interface SourcedEvent {
  readonly product: Product;
  readonly service: string;
  /** The event as rules see it (normalised where needed). */
  readonly event: Record<string, unknown>;
}

const has = (o: Record<string, unknown>, a: string, b?: string) => o[a] !== undefined && (b === undefined || o[b] !== undefined);

export function detectSource(value: unknown): SourcedEvent | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  if (has(event, 'eventSource', 'eventName') && (has(event, 'eventVersion') || has(event, 'userIdentity'))) {
    return { product: 'aws', service: 'cloudtrail', event };
  }
  const payload = event['protoPayload'];
  const p = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined;
  // Cloud Audit Logs (and GKE audit entries, which share the AuditLog payload without always naming it).
  if (
    p &&
    (String(p['@type'] ?? '').includes('AuditLog') ||
      String(event['logName'] ?? '').includes('cloudaudit.googleapis.com') ||
      has(p, 'methodName', 'serviceName'))
  ) {
    return { product: 'gcp', service: 'gcp.audit', event };
  }
  const la = logAnalyticsService(event);
  if (la) return { product: 'azure', service: la, event };
  if (has(event, 'category') && (has(event, 'operationName') || has(event, 'properties'))) {
    const service = diagnosticService(event);
    if (service) return { product: 'azure', service, event: normalizeDiagnostic(event, service) };
  }
  return undefined;
}

/** The Azure log source of each Log Analytics table, from the registry. */
const SERVICE_OF_TABLE = new Map(LOG_SOURCES.filter((s) => s.product === 'azure' && s.tables.kql).map((s) => [s.tables.kql!, s.service as AzureService]));

/** Log Analytics rows, by their `Type` (the table name), else by columns only their table has. */
function logAnalyticsService(row: Record<string, unknown>): AzureService | undefined {
  const byType = typeof row['Type'] === 'string' ? SERVICE_OF_TABLE.get(row['Type']) : undefined;
  if (byType) return byType;
  if (has(row, 'AppId', 'IPAddress') && (has(row, 'ClientAppUsed') || has(row, 'CreatedDateTime') || has(row, 'AuthenticationRequirement')))
    return 'signinlogs';
  if (has(row, 'OperationNameValue') || has(row, 'CategoryValue')) return 'azureactivity';
  if (has(row, 'RequestUri', 'RequestMethod')) return 'graphactivity';
  if (has(row, 'RiskEventType', 'DetectionTimingType')) return 'riskdetection';
  if (has(row, 'OperationName', 'LoggedByService') || has(row, 'OperationName', 'InitiatedBy')) return 'auditlogs';
  return undefined;
}
