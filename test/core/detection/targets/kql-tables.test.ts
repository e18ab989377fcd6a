/**
 * Every declared Log Analytics column names the page that documents it: the table's page in the Azure
 * Monitor Logs table reference, whose address is the table name in lower case. The type map the checker
 * binds against and the compiler's column lookup are both derived from these documented columns.
 */
import { describe, expect, it } from 'vitest';
import { kqlTableFor } from '../../../../core/detection/logsources/kql-table-for.ts';
import { columnType, KQL_TABLE_DOCS, KQL_TABLES, type LogAnalyticsTable } from '../../../../core/detection/targets/kql-tables.ts';

const REFERENCE = /^https:\/\/learn\.microsoft\.com\/en-us\/azure\/azure-monitor\/reference\/tables\/([a-z]+)$/;
const tables = Object.entries(KQL_TABLE_DOCS) as [LogAnalyticsTable, (typeof KQL_TABLE_DOCS)[LogAnalyticsTable]][];

describe('KQL table schemas carry their sources', () => {
  it('declares the eight tables the detections read', () => {
    expect(tables.map(([name]) => name).sort()).toEqual([
      'AADManagedIdentitySignInLogs',
      'AADNonInteractiveUserSignInLogs',
      'AADServicePrincipalSignInLogs',
      'AADUserRiskEvents',
      'AuditLogs',
      'AzureActivity',
      'MicrosoftGraphActivityLogs',
      'SigninLogs',
    ]);
  });

  it.each(tables)('every column of %s has its table reference page as source', (table, doc) => {
    expect(doc.source).toMatch(REFERENCE);
    expect(REFERENCE.exec(doc.source)![1]).toBe(table.toLowerCase());
    const columns = Object.entries(doc.columns);
    expect(columns.length).toBeGreaterThan(20);
    for (const [name, column] of columns) {
      expect(column.source, `${table}.${name}`).toMatch(REFERENCE);
      expect(REFERENCE.exec(column.source)![1], `${table}.${name}`).toBe(table.toLowerCase());
    }
  });

  it.each(tables)('the type map and the column lookup of %s are the documented types', (table, doc) => {
    expect(KQL_TABLES[table]).toEqual(Object.fromEntries(Object.entries(doc.columns).map(([name, c]) => [name, c.type])));
    for (const [name, c] of Object.entries(doc.columns)) expect(columnType(table, name)).toBe(c.type);
    expect(columnType(table, 'NoSuchColumn')).toBeUndefined();
    expect(columnType(table, 'constructor')).toBeUndefined();
  });

  it("the compiler's table for a log source answers column types and nothing else of the schema", () => {
    const table = kqlTableFor('auditlogs');
    expect(Object.keys(table).sort()).toEqual(['arrays', 'columnType', 'name']);
    expect(table.name).toBe('AuditLogs');
    expect(table.columnType('TargetResources')).toBe('dynamic');
    expect(table.columnType('OperationName')).toBe('string');
    expect(table.columnType('TenantId')).toBeUndefined();
  });
});
