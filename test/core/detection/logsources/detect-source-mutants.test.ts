/**
 * Which log source detectSource (logsources/detect-source.ts) gives a record, shape by shape: each test
 * pins one condition of the detection (the CloudTrail keys, the Cloud Audit Logs payload tests, the Log
 * Analytics columns of each Azure table, the diagnostic-setting shape), with the record that holds only
 * that condition and the record that misses it. Written against the surviving mutants of the first
 * StrykerJS run of core/detection/logsources.
 */
import { describe, expect, it } from 'vitest';
import { detectSource } from '../../../../core/detection/logsources/detect-source.ts';

const serviceOf = (value: unknown): string | undefined => {
  const found = detectSource(value);
  return found ? `${found.product}/${found.service}` : undefined;
};

describe('values that are not records', () => {
  it('are no log source: null, a string, a function and an array, whatever keys they carry', () => {
    const cloudtrailKeys = { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', eventVersion: '1.08' };
    expect(detectSource(null)).toBeUndefined();
    expect(detectSource('eventSource')).toBeUndefined();
    expect(detectSource(Object.assign(() => undefined, cloudtrailKeys))).toBeUndefined();
    expect(detectSource(Object.assign([], cloudtrailKeys))).toBeUndefined();
    // The same keys on a plain object are a CloudTrail record.
    expect(serviceOf({ ...cloudtrailKeys })).toBe('aws/cloudtrail');
  });
});

describe('CloudTrail records', () => {
  const record = { eventVersion: '1.05', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', userIdentity: { type: 'IAMUser' } };

  it('are aws/cloudtrail, the record itself as the event', () => {
    const found = detectSource(record);
    expect(found).toEqual({ product: 'aws', service: 'cloudtrail', event: record });
    expect(found?.event).toBe(record);
  });

  it('need eventSource and eventName, and eventVersion or userIdentity', () => {
    expect(serviceOf({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: {} })).toBe('aws/cloudtrail');
    expect(serviceOf({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventVersion: '1.08' })).toBe('aws/cloudtrail');
    // Neither eventVersion nor userIdentity.
    expect(serviceOf({ eventSource: 's3.amazonaws.com', eventName: 'GetObject' })).toBeUndefined();
    // eventName missing: eventSource alone is not enough.
    expect(serviceOf({ eventSource: 's3.amazonaws.com', eventVersion: '1.08', userIdentity: {} })).toBeUndefined();
    // eventSource missing.
    expect(serviceOf({ eventName: 'GetObject', eventVersion: '1.08', userIdentity: {} })).toBeUndefined();
    // eventVersion and userIdentity without the event keys.
    expect(serviceOf({ eventVersion: '1.08', userIdentity: {} })).toBeUndefined();
  });
});

describe('Cloud Audit Logs entries', () => {
  it('are gcp/gcp.audit by the payload type alone, the entry itself as the event', () => {
    const entry = { protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog' } };
    const found = detectSource(entry);
    expect(found).toEqual({ product: 'gcp', service: 'gcp.audit', event: entry });
    expect(found?.event).toBe(entry);
  });

  it('are gcp/gcp.audit by a cloudaudit log name alone', () => {
    expect(serviceOf({ logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity', protoPayload: {} })).toBe('gcp/gcp.audit');
  });

  it('are gcp/gcp.audit by methodName and serviceName alone (GKE audit entries)', () => {
    expect(serviceOf({ protoPayload: { methodName: 'io.k8s.core.v1.pods.create', serviceName: 'k8s.io' } })).toBe('gcp/gcp.audit');
    expect(serviceOf({ protoPayload: { methodName: 'io.k8s.core.v1.pods.create' } })).toBeUndefined();
    expect(serviceOf({ protoPayload: { serviceName: 'k8s.io' } })).toBeUndefined();
  });

  it('need an object protoPayload: other payloads and other log names are not audit entries', () => {
    expect(serviceOf({ protoPayload: { '@type': 'type.googleapis.com/google.cloud.Other' }, logName: 'projects/p/logs/syslog' })).toBeUndefined();
    // A text payload is no AuditLog, even under an audit log name.
    expect(serviceOf({ protoPayload: 'AuditLog', logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity' })).toBeUndefined();
    expect(serviceOf({ protoPayload: null, logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity' })).toBeUndefined();
    // The audit log name without any payload.
    expect(serviceOf({ logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity' })).toBeUndefined();
  });
});

describe('Log Analytics rows without a Type, by their columns', () => {
  it('are signinlogs with AppId and IPAddress and any one of ClientAppUsed, CreatedDateTime, AuthenticationRequirement', () => {
    const base = { AppId: 'a', IPAddress: '192.0.2.1' };
    const row = { ...base, ClientAppUsed: 'Browser' };
    expect(detectSource(row)).toEqual({ product: 'azure', service: 'signinlogs', event: row });
    expect(serviceOf({ ...base, CreatedDateTime: '2026-01-01T00:00:00Z' })).toBe('azure/signinlogs');
    expect(serviceOf({ ...base, AuthenticationRequirement: 'singleFactorAuthentication' })).toBe('azure/signinlogs');
    expect(serviceOf(base)).toBeUndefined();
    expect(serviceOf({ AppId: 'a', ClientAppUsed: 'Browser' })).toBeUndefined();
    expect(serviceOf({ IPAddress: '192.0.2.1', ClientAppUsed: 'Browser' })).toBeUndefined();
    expect(serviceOf({ ClientAppUsed: 'Browser', CreatedDateTime: '2026-01-01T00:00:00Z' })).toBeUndefined();
  });

  it('are azureactivity with OperationNameValue or CategoryValue', () => {
    const row = { OperationNameValue: 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE' };
    expect(detectSource(row)).toEqual({ product: 'azure', service: 'azureactivity', event: row });
    expect(serviceOf({ CategoryValue: 'Administrative' })).toBe('azure/azureactivity');
  });

  it('are graphactivity with RequestUri and RequestMethod, though they also carry AppId and IPAddress', () => {
    const row = { RequestUri: 'https://graph.microsoft.com/v1.0/users', RequestMethod: 'GET', AppId: 'a', IPAddress: '192.0.2.1' };
    expect(detectSource(row)).toEqual({ product: 'azure', service: 'graphactivity', event: row });
    expect(serviceOf({ RequestUri: 'https://graph.microsoft.com/v1.0/users' })).toBeUndefined();
    expect(serviceOf({ RequestMethod: 'GET' })).toBeUndefined();
  });

  it('are auditlogs with OperationName and LoggedByService, or OperationName and InitiatedBy', () => {
    const row = { OperationName: 'Add member to role', LoggedByService: 'PIM' };
    expect(detectSource(row)).toEqual({ product: 'azure', service: 'auditlogs', event: row });
    expect(serviceOf({ OperationName: 'Add member to role', InitiatedBy: {} })).toBe('azure/auditlogs');
    expect(serviceOf({ OperationName: 'Add member to role' })).toBeUndefined();
    expect(serviceOf({ LoggedByService: 'PIM' })).toBeUndefined();
    expect(serviceOf({ InitiatedBy: {} })).toBeUndefined();
  });

  it('are azure rows by their Type first, else nothing when Type is not a table of ours', () => {
    expect(serviceOf({ Type: 'SigninLogs' })).toBe('azure/signinlogs');
    expect(serviceOf({ Type: 'Syslog' })).toBeUndefined();
  });
});

describe('Azure diagnostic-setting records', () => {
  it('are normalised to the Log Analytics row of their category', () => {
    const record = { category: 'Administrative', operationName: 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE', time: '2026-01-01T00:00:00Z' };
    expect(detectSource(record)).toEqual({
      product: 'azure',
      service: 'azureactivity',
      event: { TimeGenerated: '2026-01-01T00:00:00Z', OperationNameValue: 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE', CategoryValue: 'Administrative' },
    });
  });

  it('need a category and operationName or properties', () => {
    // properties without operationName is enough.
    expect(detectSource({ category: 'SignInLogs', properties: { appId: 'a' } })).toEqual({
      product: 'azure',
      service: 'signinlogs',
      event: { Category: 'SignInLogs', AppId: 'a' },
    });
    // A category alone is not a record.
    expect(detectSource({ category: 'AuditLogs' })).toBeUndefined();
    // Audit payload keys without a category are not one either.
    expect(detectSource({ operationName: 'Add member to role', properties: { activityDisplayName: 'Add member to role' } })).toBeUndefined();
    expect(detectSource({ properties: { activityDisplayName: 'Add member to role' } })).toBeUndefined();
  });

  it('of a category that is none of ours are no log source', () => {
    expect(detectSource({ category: 'StorageRead', operationName: 'GetBlob' })).toBeUndefined();
  });
});
