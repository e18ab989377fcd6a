/** The Log Analytics table each Azure log source is queried in. */
import type { KqlTable } from '../compilers/kql.ts';
import { columnType, type LogAnalyticsTable } from '../targets/kql-tables.ts';

const TABLE_OF_SERVICE: Record<string, LogAnalyticsTable> = {
  signinlogs: 'SigninLogs',
  azureactivity: 'AzureActivity',
  auditlogs: 'AuditLogs',
  graphactivity: 'MicrosoftGraphActivityLogs',
};

/** Dynamic columns (and paths inside them) that hold arrays, per the tables' documented shapes. */
const ARRAY_PATHS: Partial<Record<LogAnalyticsTable, readonly string[]>> = {
  AuditLogs: ['TargetResources', 'TargetResources.modifiedProperties', 'AdditionalDetails'],
  SigninLogs: ['ConditionalAccessPolicies', 'AuthenticationDetails', 'AuthenticationProcessingDetails', 'AppliedEventListeners'],
};

export function kqlTableFor(service: string): KqlTable {
  const name = TABLE_OF_SERVICE[service];
  if (!name) throw new Error(`no Log Analytics table for log source ${service}`);
  return { name, columnType: (column) => columnType(name, column), arrays: ARRAY_PATHS[name] ?? [] };
}
