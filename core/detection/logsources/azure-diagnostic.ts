/**
 * Azure logs come in two shapes: Log Analytics tables (PascalCase columns, what KQL runs on and what
 * our Azure rules are written against) and diagnostic-setting / Event Hub records (`time`,
 * `operationName`, `properties.*`, camelCase). This maps the second onto the first so one rule serves
 * both. Which path fills which column is the registry's (registry.ts `diagnostic`, from Microsoft's
 * diagnostic schema of each log and the table's column reference); unmapped keys are dropped.
 */
import { LOG_SOURCES, logSource, type LogSource } from './registry.ts';

export type AzureService = 'signinlogs' | 'azureactivity' | 'auditlogs' | 'graphactivity' | 'riskdetection';

type Record_ = Record<string, unknown>;
const get = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record_)[key] : undefined), obj);

const AZURE_SOURCES: readonly LogSource[] = LOG_SOURCES.filter((s) => s.product === 'azure' && s.diagnostic);

/** Which table a diagnostic record belongs to, or undefined if it is not one of ours. */
export function diagnosticService(record: Record_): AzureService | undefined {
  const category = String(record['category'] ?? '');
  const byCategory = AZURE_SOURCES.find((s) => s.diagnosticCategories?.includes(category));
  if (byCategory) return byCategory.service as AzureService;
  // Entra audit records without their category: the audit payload's own keys.
  if (get(record, 'properties.activityDisplayName') !== undefined || get(record, 'properties.operationType') !== undefined) return 'auditlogs';
  return undefined;
}

export function normalizeDiagnostic(record: Record_, service: AzureService): Record_ {
  const row: Record_ = {};
  for (const [column, paths] of Object.entries(logSource('azure', service)?.diagnostic ?? {})) {
    for (const path of typeof paths === 'string' ? [paths] : paths) {
      const value = get(record, path);
      if (value === undefined) continue;
      row[column] = value;
      break;
    }
  }
  // Sign-in diagnostic records carry the error code in properties.status; LA's ResultType is that code as text.
  if (service === 'signinlogs') {
    const code = get(record, 'properties.status.errorCode');
    if (code !== undefined) row['ResultType'] = String(code);
  }
  return row;
}
