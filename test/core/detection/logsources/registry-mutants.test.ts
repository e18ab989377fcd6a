/**
 * The registry's lookups (logsources/registry.ts): the names and services it lists, how lookupField
 * resolves a path (case-insensitively only under anyCaseUnder prefixes, inside open objects, below a
 * value), and fieldIgnoringCase. Two hand-made sources hold fields that differ only in case, which no
 * registry source has, to pin that an exact spelling wins and that an ambiguous name resolves to none.
 * Written against the surviving mutants of the first StrykerJS run of core/detection/logsources.
 */
import { describe, expect, it } from 'vitest';
import type { FieldTable } from '../../../../core/detection/logsources/field-kinds.ts';
import { fieldIgnoringCase, type LogSource, logSource, logSourceNames, lookupField, servicesOf } from '../../../../core/detection/logsources/registry.ts';

const cloudtrail = logSource('aws', 'cloudtrail')!;
const gcp = logSource('gcp', 'gcp.audit')!;
const auditlogs = logSource('azure', 'auditlogs')!;
const signinlogs = logSource('azure', 'signinlogs')!;
const page = 'https://example.com/fields';
const withFields = (base: LogSource, fields: FieldTable): LogSource => ({ ...base, fields });

describe('the names the registry lists', () => {
  it('are product/service of every log source, in registry order', () => {
    expect(logSourceNames()).toEqual([
      'aws/cloudtrail',
      'gcp/gcp.audit',
      'azure/signinlogs',
      'azure/azureactivity',
      'azure/auditlogs',
      'azure/graphactivity',
      'azure/riskdetection',
    ]);
  });

  it('give each product only its own services', () => {
    expect(servicesOf('aws')).toEqual(['cloudtrail']);
    expect(servicesOf('gcp')).toEqual(['gcp.audit']);
    expect(servicesOf('azure')).toEqual(['signinlogs', 'azureactivity', 'auditlogs', 'graphactivity', 'riskdetection']);
  });
});

describe('lookupField', () => {
  it('resolves names ignoring case under protoPayload only', () => {
    expect(lookupField(gcp, 'protoPayload.MethodName')).toMatchObject({ known: true, path: 'protoPayload.methodName' });
    expect(lookupField(gcp, 'resource.TYPE')).toEqual({ known: false, nearest: 'resource.type' });
    // A source without anyCaseUnder prefixes resolves no name ignoring case, nested or top-level.
    expect(lookupField(cloudtrail, 'userIdentity.TYPE')).toEqual({ known: false, nearest: 'userIdentity.type' });
    expect(lookupField(cloudtrail, 'eventname')).toEqual({ known: false, nearest: 'eventName' });
  });

  it('prefers the exact spelling under protoPayload when another field differs only in case', () => {
    const source = withFields(gcp, {
      protoPayload: { kind: 'object', source: page },
      'protoPayload.Foo': { kind: 'scalar', source: page },
      'protoPayload.foo': { kind: 'scalar', source: page },
    });
    expect(lookupField(source, 'protoPayload.foo')).toEqual({ known: true, path: 'protoPayload.foo', kind: 'scalar', source: page });
  });

  it('gives a path inside an open object as written, every key after the open one kept', () => {
    expect(lookupField(auditlogs, 'InitiatedBy.user.userPrincipalName')).toMatchObject({
      known: true,
      path: 'InitiatedBy.user.userPrincipalName',
      kind: 'inside-open',
    });
  });

  it('says why a path below a value or a list of values names no field', () => {
    expect(lookupField(cloudtrail, 'eventName.x')).toEqual({ known: false, detail: 'eventName holds a value, not fields' });
    expect(lookupField(gcp, 'protoPayload.resourceLocation.currentLocations.x')).toEqual({
      known: false,
      detail: 'protoPayload.resourceLocation.currentLocations holds a list of values, not fields',
    });
  });

  it('says only that the field is unknown when no name is near', () => {
    expect(lookupField(cloudtrail, 'qqqqqqqqqqqqqqqqqqqq')).toStrictEqual({ known: false });
  });
});

describe('fieldIgnoringCase', () => {
  it('finds the one field spelled so ignoring case', () => {
    expect(fieldIgnoringCase(signinlogs, 'appid')).toBe('AppId');
    expect(fieldIgnoringCase(signinlogs, 'AppId')).toBe('AppId');
    expect(fieldIgnoringCase(signinlogs, 'qqqqqqqq')).toBeUndefined();
  });

  it('finds none when two fields are spelled so', () => {
    const source = withFields(signinlogs, { Name: { kind: 'scalar', source: page }, name: { kind: 'scalar', source: page } });
    expect(fieldIgnoringCase(source, 'NAME')).toBeUndefined();
  });
});
