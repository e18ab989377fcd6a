/**
 * The log-source registry against the sources it is built from: every Azure table's columns as
 * targets/kql-tables.ts (or aad-user-risk-events.ts) declares them, the CloudTrail and LogEntry fields
 * with their pages, the targets of each product, and how field paths resolve.
 */
import { describe, expect, it } from 'vitest';
import { TARGETS_FOR_PRODUCT } from '../../../../core/detection/catalog.ts';
import { AAD_USER_RISK_EVENTS } from '../../../../core/detection/logsources/aad-user-risk-events.ts';
import { kqlTableFor } from '../../../../core/detection/logsources/kql-table-for.ts';
import { LOG_SOURCES, logSource, lookupField, nearestField, servicesOf } from '../../../../core/detection/logsources/registry.ts';
import { PRODUCTS, SERVICES } from '../../../../core/detection/rule.ts';
import { KQL_TABLE_DOCS } from '../../../../core/detection/targets/kql-tables.ts';

const cloudtrail = logSource('aws', 'cloudtrail')!;
const audit = logSource('gcp', 'gcp.audit')!;

describe('the log-source registry', () => {
  it('has every log source a catalog rule can name, once', () => {
    const names = LOG_SOURCES.map((s) => `${s.product}/${s.service}`);
    expect(new Set(names).size).toBe(names.length);
    // The rule schema's SERVICES (what a catalog rule may name, each collected by a control of the kit) are
    // the registry's log sources but one: riskdetection (AADUserRiskEvents) is read for Sigma rules brought
    // with --rules, but the kit's Entra diagnostic setting does not export UserRiskEvents (Entra ID P2).
    for (const [product, services] of Object.entries(SERVICES)) {
      for (const service of services) expect(logSource(product, service), `${product}/${service}`).toBeDefined();
    }
    const catalog = new Set(Object.entries(SERVICES).flatMap(([product, services]) => services.map((s) => `${product}/${s}`)));
    expect(names.filter((n) => !catalog.has(n))).toEqual(['azure/riskdetection']);
    expect(servicesOf('azure')).toContain('riskdetection');
  });

  it('gives every field a kind and an https page', () => {
    for (const source of LOG_SOURCES) {
      expect(source.source).toMatch(/^https:\/\//);
      for (const [path, field] of Object.entries(source.fields)) expect(field.source, `${source.service} ${path}`).toMatch(/^https:\/\//);
    }
  });

  it('declares each Azure table with exactly its documented columns, dynamic ones open', () => {
    const tables = { ...KQL_TABLE_DOCS, AADUserRiskEvents: AAD_USER_RISK_EVENTS } as const;
    for (const source of LOG_SOURCES.filter((s) => s.product === 'azure')) {
      const table = tables[source.tables.kql as keyof typeof tables];
      expect(Object.keys(source.fields).sort(), source.service).toEqual(Object.keys(table.columns).sort());
      for (const [column, { type }] of Object.entries(table.columns)) {
        expect(source.columnType!(column)).toBe(type);
        const kind = source.fields[column]!.kind;
        expect(kind, column).toBe(type !== 'dynamic' ? 'scalar' : source.arrays.includes(column) ? 'open-objects' : 'open');
      }
    }
  });

  it('reads AADUserRiskEvents for riskdetection, in the shape the KQL compiler takes', () => {
    const table = kqlTableFor('riskdetection');
    expect(table.name).toBe('AADUserRiskEvents');
    expect(table.columnType('RiskEventType')).toBe('string');
    expect(table.columnType('Location')).toBe('dynamic');
    expect(table.columnType('riskEventType')).toBeUndefined();
    expect(kqlTableFor('auditlogs').arrays).toEqual(['TargetResources', 'TargetResources.modifiedProperties', 'AdditionalDetails']);
    expect(() => kqlTableFor('cloudtrail')).toThrow(/no Log Analytics table for log source cloudtrail/);
  });

  it('gives each product the targets that read its log sources', () => {
    expect(TARGETS_FOR_PRODUCT).toEqual({ aws: ['cloudwatch', 'eventbridge'], azure: ['kql'], gcp: ['gcp'] });
    expect(Object.keys(TARGETS_FOR_PRODUCT).sort()).toEqual([...PRODUCTS].sort());
  });

  it('records the EventBridge envelope of CloudTrail records and the fields AWS writes in one case', () => {
    expect(cloudtrail.envelopes.eventbridge).toMatchObject({ path: 'detail', detailTypes: expect.arrayContaining(['AWS API Call via CloudTrail']) });
    expect(Object.keys(cloudtrail.singleCase).sort()).toEqual(['awsRegion', 'eventCategory', 'eventName', 'eventSource', 'eventType', 'userIdentity.type']);
    expect(cloudtrail.arrays).toEqual(['resources']);
  });

  it('resolves documented paths, paths inside free-form objects, and nothing else', () => {
    expect(lookupField(cloudtrail, 'eventName')).toMatchObject({ known: true, kind: 'scalar' });
    expect(lookupField(cloudtrail, 'userIdentity')).toMatchObject({ known: true, kind: 'object' });
    expect(lookupField(cloudtrail, 'userIdentity.sessionContext.sessionIssuer.type')).toMatchObject({ known: true, kind: 'scalar' });
    expect(lookupField(cloudtrail, 'requestParameters.policyDocument.Statement')).toMatchObject({ known: true, kind: 'inside-open' });
    expect(lookupField(cloudtrail, 'userIdentity.nope')).toMatchObject({ known: false });
    expect(lookupField(cloudtrail, 'eventName.first')).toEqual({ known: false, detail: 'eventName holds a value, not fields' });
    expect(lookupField(cloudtrail, 'EventName')).toMatchObject({ known: false, nearest: 'eventName' });
    expect(lookupField(audit, 'protoPayload.request.sink.exclusions')).toMatchObject({ known: true, kind: 'inside-open' });
    expect(lookupField(audit, 'jsonPayload.anything')).toMatchObject({ known: true, kind: 'inside-open' });
    expect(lookupField(audit, 'protoPayload.authorizationInfo')).toMatchObject({ known: true, kind: 'objects' });
  });

  it('matches names under protoPayload ignoring case, as Cloud Logging reads them, and only there', () => {
    expect(lookupField(audit, 'protoPayload.requestMetadata.callerIP')).toMatchObject({ known: true, path: 'protoPayload.requestMetadata.callerIp' });
    expect(lookupField(audit, 'protoPayload.MethodName')).toMatchObject({ known: true, path: 'protoPayload.methodName' });
    expect(lookupField(audit, 'LogName')).toMatchObject({ known: false, nearest: 'logName' });
  });

  it('suggests a near field only when the name is a slip', () => {
    expect(nearestField(cloudtrail, 'sourceIpAddress')).toBe('sourceIPAddress');
    expect(nearestField(cloudtrail, 'eventNmae')).toBe('eventName');
    expect(nearestField(cloudtrail, 'ModifiedProperties')).toBeUndefined();
  });
});
