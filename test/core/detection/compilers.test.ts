import { describe, expect, it } from 'vitest';
import { compileCloudWatchPattern } from '../../../core/detection/compilers/cloudwatch.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { compileEventPattern } from '../../../core/detection/compilers/eventbridge.ts';
import { compileGcpQuery } from '../../../core/detection/compilers/gcp-logging.ts';
import { compileKql } from '../../../core/detection/compilers/kql.ts';
import { kqlTableFor } from '../../../core/detection/logsources/kql-table-for.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { expand, inlineRule } from '../../helpers/rules.ts';

const aws = (detection: Record<string, unknown>) => {
  const rule = inlineRule(detection);
  return { rule, expr: expand(rule) };
};
const signin = (detection: Record<string, unknown>) => {
  const rule = inlineRule(detection, { product: 'azure', service: 'signinlogs' });
  return { rule, expr: expand(rule) };
};
const gcp = (detection: Record<string, unknown>) => {
  const rule = inlineRule(detection, { product: 'gcp', service: 'gcp.audit' });
  return { rule, expr: expand(rule) };
};

function compileError(fn: () => unknown): CompileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    return error as CompileError;
  }
  throw new Error('compiled');
}

describe('CloudWatch filter patterns', () => {
  it('compiles the CIS root-usage shape', () => {
    const { rule, expr } = aws({
      root: { 'userIdentity.type|cased': 'Root' },
      invoked: { 'userIdentity.invokedBy|exists': true },
      service: { 'eventType|cased': 'AwsServiceEvent' },
      condition: 'root and not invoked and not service',
    });
    expect(compileCloudWatchPattern(rule, expr)).toBe(
      '{ (($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && (($.eventType != "AwsServiceEvent") || ($.eventType NOT EXISTS) || ($.eventType IS NULL))) }',
    );
  });

  it('turns text modifiers into end wildcards', () => {
    const { rule, expr } = aws({ s: { 'errorCode|cased|endswith': 'UnauthorizedOperation', 'eventName|cased|startswith': 'Delete' }, condition: 's' });
    expect(compileCloudWatchPattern(rule, expr)).toBe('{ (($.errorCode = "*UnauthorizedOperation") && ($.eventName = "Delete*")) }');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['case-insensitive text', { s: { eventName: 'StopLogging' }, condition: 's' }, /case-sensitive; mark eventName \|cased/],
    ['CIDR', { s: { 'sourceIPAddress|cidr': '203.0.113.0/24' }, condition: 's' }, /no CIDR matching\. Deploy it as an EventBridge rule instead/],
    ['regex', { s: { 'userAgent|re|cased': 'x' }, condition: 's' }, /regexes are a small subset/],
    ['inner wildcard', { s: { 'userAgent|cased': 'a*b' }, condition: 's' }, /only allowed at the start or end/],
  ])('refuses %s', (_name, detection, message) => {
    const { rule, expr } = aws(detection);
    const error = compileError(() => compileCloudWatchPattern(rule, expr));
    expect(error.message).toMatch(/^rule inline-test-rule cannot compile to cloudwatch: /);
    expect(error.message).toMatch(message);
  });
});

describe('EventBridge patterns', () => {
  it('nests fields under detail with case-insensitive matchers', () => {
    const { rule, expr } = aws({ s: { eventName: 'StopLogging', 'userIdentity.type|cased': 'Root', 'userAgent|startswith': 'aws-cli/' }, condition: 's' });
    expect(compileEventPattern(rule, expr)).toEqual({
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Service Event via CloudTrail'],
      detail: {
        eventName: [{ 'equals-ignore-case': 'StopLogging' }],
        userIdentity: { type: ['Root'] },
        userAgent: [{ prefix: { 'equals-ignore-case': 'aws-cli/' } }],
      },
    });
  });

  it('negations match absent fields too, and OR of ANDs becomes $or', () => {
    const { rule, expr } = aws({
      a: { 'eventName|cased': 'X' },
      b: { 'eventSource|cased': 'y' },
      err: { 'errorCode|cased': 'AccessDenied' },
      condition: '(a or b) and not err',
    });
    expect(compileEventPattern(rule, expr)['detail']).toEqual({
      $or: [
        { eventName: ['X'], errorCode: [{ exists: false }, { 'anything-but': ['AccessDenied'] }] },
        { eventSource: ['y'], errorCode: [{ exists: false }, { 'anything-but': ['AccessDenied'] }] },
      ],
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a negated CIDR',
      { s: { 'sourceIPAddress|cidr': '{{trustedNetworks.cidrs}}' }, condition: 'not s' },
      /cannot negate a CIDR match; use the \{\{trustedNetworks\.cidrs\|complement\}\} placeholder/,
    ],
    ['a regex', { s: { 'userAgent|re': 'x' }, condition: 's' }, /no regular expressions/],
    ['case-insensitive contains', { s: { 'userAgent|contains': 'exec-env/CloudShell' }, condition: 's' }, /wildcard, which is case-sensitive/],
    [
      'two conditions on one field',
      { s: { 'userAgent|cased|startswith': 'a', 'userAgent|cased|endswith': 'b' }, condition: 's' },
      /two conditions on userAgent/,
    ],
  ])('refuses %s', (_name, detection, message) => {
    const { rule, expr } = aws(detection);
    expect(compileError(() => compileEventPattern(rule, expr)).message).toMatch(message);
  });

  it('refuses patterns over 4,096 characters', () => {
    const many = Array.from({ length: 300 }, (_, i) => `203.0.${i >> 8}.${i & 255}/32`);
    const { rule, expr } = aws({ s: { 'sourceIPAddress|cidr': many }, condition: 's' });
    expect(compileError(() => compileEventPattern(rule, expr)).message).toMatch(/over EventBridge's 4096/);
  });
});

describe('KQL', () => {
  it('compiles every modifier to a query that parses and binds', () => {
    const { rule, expr } = signin({
      app: { AppId: ['04b07795-8ddb-461a-bbee-02f9e1bf7b46', '1950a258-227b-4e31-a9cf-717495945fc2'] },
      outside: { 'IPAddress|cidr': '{{trustedNetworks.cidrs|complement}}' },
      agent: { 'UserAgent|contains|cased': 'python', 'UserPrincipalName|endswith': '@example.com', 'AppDisplayName|re': '^Azure (CLI|PowerShell)$' },
      country: { 'LocationDetails.countryOrRegion': 'US', ResultType: '0', 'AuthenticationProtocol|exists': true },
      condition: 'app and outside and (agent or not country)',
    });
    const kql = compileKql(rule, expr, kqlTableFor('signinlogs'));
    expect(kql).toMatch(
      /^SigninLogs\n\| where AppId in~ \("04b07795-8ddb-461a-bbee-02f9e1bf7b46", "1950a258-227b-4e31-a9cf-717495945fc2"\) and \(coalesce\(ipv4_is_in_any_range\(IPAddress, dynamic\(\["0\.0\.0\.0\/1",/,
    );
    expect(kql).toContain('UserAgent contains_cs "python"');
    expect(kql).toContain('tostring(LocationDetails.countryOrRegion) =~ "US"');
    expect(checkKql(kql)).toEqual([]);
  });

  it('tests fields inside arrays with mv-apply counts, so "any element" and negation stay exact', () => {
    const rule = inlineRule(
      {
        upd: { OperationName: 'Update conditional access policy' },
        weak: { 'TargetResources.modifiedProperties.newValue|contains': 'enabledForReportingButNotEnforced' },
        condition: 'upd and not weak',
      },
      { product: 'azure', service: 'auditlogs' },
    );
    const kql = compileKql(rule, expand(rule), kqlTableFor('auditlogs'));
    expect(kql).toBe(
      [
        'AuditLogs',
        '| mv-apply _a1_0 = TargetResources on (mv-apply _a1_1 = _a1_0.modifiedProperties on (summarize _m1 = countif(tostring(_a1_1.newValue) contains "enabledForReportingButNotEnforced")) | summarize _m1 = sum(_m1))',
        '| where OperationName =~ "Update conditional access policy" and not(_m1 > 0)',
      ].join('\n'),
    );
    expect(checkKql(kql)).toEqual([]);
  });

  it('names the unknown column', () => {
    const { rule, expr } = signin({ s: { Nope: 'x' }, condition: 's' });
    expect(compileError(() => compileKql(rule, expr, kqlTableFor('signinlogs'))).message).toMatch(/SigninLogs has no column "Nope"/);
  });
});

describe('GCP logging queries', () => {
  it('uses exact = only where case and text allow, regexes otherwise', () => {
    const { rule, expr } = gcp({
      s: {
        'protoPayload.methodName|cased': 'google.iam.admin.v1.CreateServiceAccountKey',
        'protoPayload.requestMetadata.callerSuppliedUserAgent|contains|all': ['command/gcloud.', 'environment/devshell'],
      },
      ip: { 'protoPayload.requestMetadata.callerIp|cidr': ['203.0.113.0/24', '2001:db8::/32'] },
      condition: 's and not ip',
    });
    expect(compileGcpQuery(rule, expr)).toBe(
      '(protoPayload.methodName=~"^google\\\\.iam\\\\.admin\\\\.v1\\\\.CreateServiceAccountKey$" AND (protoPayload.requestMetadata.callerSuppliedUserAgent=~"(?i)command/gcloud\\\\." AND protoPayload.requestMetadata.callerSuppliedUserAgent=~"(?i)environment/devshell")) AND NOT ((ip_in_net(protoPayload.requestMetadata.callerIp, "203.0.113.0/24") OR ip_in_net(protoPayload.requestMetadata.callerIp, "2001:db8::/32")))',
    );
  });
});
