/**
 * Azure diagnostic-setting records mapped onto Log Analytics rows. The AuditLogs mapping is checked
 * column by column against Microsoft's two references: the table
 * (https://learn.microsoft.com/azure/azure-monitor/reference/tables/auditlogs) and the diagnostic record
 * (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-azure-monitor-audit-log-schema),
 * whose top-level `category` is the log category (AuditLogs) and whose properties.category is the audit
 * category (RoleManagement, Policy, ...) that the table's Category column holds.
 */
import { describe, expect, it } from 'vitest';
import { diagnosticService, normalizeDiagnostic } from '../../../../core/detection/logsources/azure-diagnostic.ts';
import { detectSource } from '../../../../core/detection/logsources/detect-source.ts';
import { LOG_SOURCES } from '../../../../core/detection/logsources/registry.ts';
import { matcher } from '../../../helpers/rules.ts';

/** A diagnostic-setting audit record in the documented shape (values made up). */
const auditRecord = {
  time: '2026-03-12T16:02:15.5522137Z',
  resourceId: '/tenants/00000000-0000-0000-0000-000000000001/providers/Microsoft.aadiam',
  operationName: 'Add member to role',
  operationVersion: '1.0',
  category: 'AuditLogs',
  tenantId: '00000000-0000-0000-0000-000000000001',
  resultSignature: 'None',
  durationMs: 0,
  callerIpAddress: '<null>',
  correlationId: '11111111-1111-1111-1111-111111111111',
  identity: 'MS-PIM',
  Level: 4,
  location: 'global',
  properties: {
    id: 'Directory_11111111_ABCDE_123456789',
    category: 'RoleManagement',
    correlationId: '11111111-1111-1111-1111-111111111111',
    result: 'success',
    resultReason: '',
    activityDisplayName: 'Add member to role',
    activityDateTime: '2026-03-12T16:02:15.3303391+00:00',
    loggedByService: 'PIM',
    operationType: 'Assign',
    initiatedBy: { user: { userPrincipalName: 'admin@example.com' } },
    targetResources: [{ displayName: 'Global Administrator', modifiedProperties: [{ displayName: 'Role.DisplayName', newValue: '"Global Administrator"' }] }],
    additionalDetails: [{ key: 'RoleDefinitionOriginId', value: '62e90394-69f5-4237-9190-012177145e10' }],
  },
};

describe('AuditLogs from diagnostic records', () => {
  const row = normalizeDiagnostic(auditRecord, 'auditlogs');

  it.each([
    ['TimeGenerated', auditRecord.time],
    ['OperationName', 'Add member to role'],
    ['OperationVersion', '1.0'],
    ['Category', 'RoleManagement'],
    ['AADTenantId', auditRecord.tenantId],
    ['ResultSignature', 'None'],
    ['DurationMs', 0],
    ['Identity', 'MS-PIM'],
    ['Level', 4],
    ['Location', 'global'],
    ['ResourceId', auditRecord.resourceId],
    ['Id', auditRecord.properties.id],
    ['CorrelationId', auditRecord.correlationId],
    ['Result', 'success'],
    ['ResultReason', ''],
    ['ActivityDisplayName', 'Add member to role'],
    ['ActivityDateTime', auditRecord.properties.activityDateTime],
    ['AADOperationType', 'Assign'],
    ['LoggedByService', 'PIM'],
    ['InitiatedBy', auditRecord.properties.initiatedBy],
    ['TargetResources', auditRecord.properties.targetResources],
    ['AdditionalDetails', auditRecord.properties.additionalDetails],
  ])('%s', (column, value) => {
    expect(row[column]).toEqual(value);
  });

  it('takes Category from properties.category, never the log category', () => {
    expect(row['Category']).not.toBe('AuditLogs');
    const rule = matcher({ s: { Category: 'RoleManagement', LoggedByService: 'PIM' }, condition: 's' }, { product: 'azure', service: 'auditlogs' });
    expect(rule(detectSource(auditRecord)!.event)).toBe(true);
    const policy = { ...auditRecord, properties: { ...auditRecord.properties, category: 'Policy' } };
    expect(rule(detectSource(policy)!.event)).toBe(false);
  });

  it('reads the lower-case level and the properties correlation id when the top-level ones are missing', () => {
    const { Level: _level, correlationId: _id, ...rest } = auditRecord;
    const other = normalizeDiagnostic({ ...rest, level: 'Informational' }, 'auditlogs');
    expect(other['Level']).toBe('Informational');
    expect(other['CorrelationId']).toBe(auditRecord.properties.correlationId);
  });

  it('leaves out what the record does not carry', () => {
    expect(Object.hasOwn(row, 'ResultDescription')).toBe(false);
  });
});

describe('every diagnostic mapping', () => {
  it('fills only columns its table documents', () => {
    for (const source of LOG_SOURCES.filter((s) => s.diagnostic)) {
      for (const column of Object.keys(source.diagnostic!)) expect(source.columnType!(column), `${source.service}: ${column}`).toBeDefined();
      expect(source.diagnosticSource, source.service).toMatch(/^https:\/\//);
    }
  });

  it('tells the log source by the record category', () => {
    expect(diagnosticService({ category: 'SignInLogs' })).toBe('signinlogs');
    expect(diagnosticService({ category: 'Administrative' })).toBe('azureactivity');
    expect(diagnosticService({ category: 'AuditLogs' })).toBe('auditlogs');
    expect(diagnosticService({ category: 'MicrosoftGraphActivityLogs' })).toBe('graphactivity');
    expect(diagnosticService({ category: 'UserRiskEvents' })).toBe('riskdetection');
    expect(diagnosticService({ category: 'Unknown', properties: { activityDisplayName: 'x' } })).toBe('auditlogs');
    expect(diagnosticService({ category: 'Unknown' })).toBeUndefined();
  });

  it('maps an Identity Protection risk detection onto AADUserRiskEvents columns', () => {
    const record = {
      time: '2026-03-12T16:02:15Z',
      category: 'UserRiskEvents',
      operationName: 'User Risk Detection',
      properties: { id: 'abc', riskEventType: 'anonymizedIPAddress', riskLevel: 'medium', detectionTimingType: 'realtime', ipAddress: '203.0.113.7' },
    };
    const sourced = detectSource(record)!;
    expect(sourced.service).toBe('riskdetection');
    expect(sourced.event).toMatchObject({
      RiskEventType: 'anonymizedIPAddress',
      RiskLevel: 'medium',
      DetectionTimingType: 'realtime',
      IpAddress: '203.0.113.7',
    });
    expect(detectSource({ Type: 'AADUserRiskEvents', RiskEventType: 'x' })?.service).toBe('riskdetection');
    expect(detectSource({ RiskEventType: 'x', DetectionTimingType: 'offline' })?.service).toBe('riskdetection');
  });
});
