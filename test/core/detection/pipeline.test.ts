/**
 * Processing pipelines (core/detection/pipeline.ts, pipelines/*.yml): strict loading, one line per
 * problem; pySigma's item and condition semantics; and each shipped pipeline on Sigma rules written here
 * in SigmaHQ's style, bound and compiled like any rule, with every refusal's reason.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bindRules, compileRule } from '../../../core/detection/catalog.ts';
import { applyPipelines, loadPipelines, parsePipeline, type Pipeline } from '../../../core/detection/pipeline.ts';
import { ruleRefusal } from '../../helpers/rule-refusal.ts';
import { parseSigmaRule } from '../../../core/detection/rule-loader.ts';
import type { Rule } from '../../../core/detection/rule.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { compileGcpQuery as gcpQueryMatcher } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { inlineRule } from '../../helpers/rules.ts';

const shipped = loadPipelines();
const model = exampleModel();

/** A Sigma rule in SigmaHQ's layout. */
function sigma(logsource: Record<string, string>, detection: Record<string, unknown>, file = 'rules/cloud/test_rule.yml') {
  return parseSigmaRule(
    stringify({ title: 'Test rule written for this suite', id: '7d9f3c2e-0000-4000-8000-000000000001', status: 'test', logsource, detection, level: 'medium' }),
    file,
  );
}
const mapped = (logsource: Record<string, string>, detection: Record<string, unknown>, pipelines: readonly Pipeline[] = shipped): Rule =>
  applyPipelines(sigma(logsource, detection), pipelines);
const refusal = ruleRefusal;
const compiled = (rule: Rule, target: 'kql' | 'gcp' | 'cloudwatch' | 'eventbridge') => compileRule(bindRules([rule], model)[0]!, target);

describe('loading pipeline files', () => {
  it('loads the shipped pipelines, in priority then name order', () => {
    expect(shipped.map((p) => p.name)).toEqual(['sigmahq-azure', 'sigmahq-gcp-audit', 'sigmahq-google-workspace']);
    expect(shipped.every((p) => p.file.startsWith('pipelines/') || p.file.includes('pipelines'))).toBe(true);
  });

  const invalid = (yaml: string) => refusal(() => parsePipeline(yaml, 'my.yml'));

  it.each([
    [
      'an unknown key',
      'name: p\ntransformations:\n  - type: rule_failure\n    message: no\n    colour: red\n',
      'my.yml: transformations[0].colour (line 5): is not a pipeline key',
    ],
    ['an unknown type', 'name: p\ntransformations:\n  - type: drop_everything\n', 'my.yml: transformations[0].type (line 3): '],
    ['a missing message', 'name: p\ntransformations:\n  - type: rule_failure\n', 'my.yml: transformations[0].message'],
    ['no transformations', 'name: p\ntransformations: []\n', 'my.yml: transformations (line 2): '],
    ['a YAML error', 'name: [p\n', 'my.yml: line '],
    [
      'a bad regex',
      "name: p\ntransformations:\n  - type: field_name_mapping\n    mapping: { a: b }\n    field_name_conditions: [{ type: include_fields, mode: re, fields: ['(('] }]\n",
      'my.yml: transformations[0].field_name_conditions[0].fields[0] (line 5): is not a regular expression',
    ],
    [
      'a repeated id',
      'name: p\ntransformations:\n  - { id: x, type: rule_failure, message: a }\n  - { id: x, type: rule_failure, message: b }\n',
      'my.yml: transformations[1].id (line 4): "x" is also the id of transformations[0]',
    ],
    [
      'a log source the package does not read',
      'name: p\ntransformations:\n  - { type: change_logsource, product: azure, service: m365 }\n',
      'my.yml: transformations[0].service (line 3): azure/m365 is not a log source this package reads (known: aws/cloudtrail, ',
    ],
    [
      'a field condition on a rule-level item',
      'name: p\ntransformations:\n  - { type: rule_failure, message: a, field_name_conditions: [{ type: include_fields, fields: [x] }] }\n',
      'my.yml: transformations[0].field_name_conditions (line 3): is not a pipeline key',
    ],
    [
      'a detection_item_failure without field conditions',
      'name: p\ntransformations:\n  - { type: detection_item_failure, message: a }\n',
      'my.yml: transformations[0].field_name_conditions',
    ],
  ])('refuses %s in one line naming the file and the path', (_what, yaml, start) => {
    const message = invalid(yaml);
    expect(message.startsWith(start), message).toBe(true);
    expect(message).not.toContain('\n');
  });
});

describe('item semantics (pySigma)', () => {
  const pipeline = (transformations: unknown[], priority = 0): Pipeline =>
    parsePipeline(stringify({ name: `p${priority}`, priority, transformations }), 'p.yml');
  const cloudtrail = { product: 'aws', service: 'cloudtrail' };

  it('maps field names in keys, keeps modifiers, maps fieldref values, leaves keywords', () => {
    const p = pipeline([{ type: 'field_name_mapping', mapping: { src: 'sourceIPAddress', other: 'eventSource' } }]);
    const rule = mapped(cloudtrail, { s: { 'src|cidr': '10.0.0.0/8', 'x|fieldref': 'other' }, k: ['keyword'], condition: 's or k' }, [p]);
    expect(rule.detection).toEqual({ s: { 'sourceIPAddress|cidr': '10.0.0.0/8', 'x|fieldref': 'eventSource' }, k: ['keyword'], condition: 's or k' });
  });

  it('applies items only when their log-source conditions hold (and, or, not)', () => {
    const p = pipeline([
      {
        type: 'field_name_mapping',
        mapping: { a: 'eventName' },
        rule_conditions: [
          { type: 'logsource', product: 'aws' },
          { type: 'logsource', service: 'nope' },
        ],
      },
      {
        type: 'field_name_mapping',
        mapping: { a: 'eventSource' },
        rule_conditions: [
          { type: 'logsource', product: 'aws' },
          { type: 'logsource', service: 'nope' },
        ],
        rule_cond_op: 'or',
      },
      { type: 'field_name_mapping', mapping: { b: 'userAgent' }, rule_conditions: [{ type: 'logsource', product: 'gcp' }], rule_cond_not: true },
    ]);
    expect(mapped(cloudtrail, { s: { a: 1, b: 2 }, condition: 's' }, [p]).detection['s']).toEqual({ eventSource: 1, userAgent: 2 });
  });

  it('maps only the fields its field conditions select (include, exclude, regex from the start)', () => {
    const p = pipeline([
      { type: 'field_name_prefix_mapping', mapping: { 'x.': 'requestParameters.' }, field_name_conditions: [{ type: 'exclude_fields', fields: ['x.keep'] }] },
      {
        type: 'field_name_prefix_mapping',
        mapping: { 'y.': 'responseElements.' },
        camel_case_rest: true,
        field_name_conditions: [{ type: 'include_fields', mode: 're', fields: ['y\\.a'] }],
      },
    ]);
    const d = mapped(cloudtrail, { s: { 'x.one': 1, 'x.keep': 2, 'y.a_b.c_d': 3, 'z.y.a': 4 }, condition: 's' }, [p]).detection['s'];
    expect(d).toEqual({ 'requestParameters.one': 1, 'x.keep': 2, 'responseElements.aB.cD': 3, 'z.y.a': 4 });
  });

  it('runs lower priorities first, each item on the rule as the previous left it', () => {
    const second = pipeline(
      [{ type: 'field_name_mapping', mapping: { mid: 'eventName' }, rule_conditions: [{ type: 'logsource', product: 'aws', service: 'cloudtrail' }] }],
      20,
    );
    const first = pipeline(
      [
        { type: 'field_name_mapping', mapping: { start: 'mid' } },
        { type: 'change_logsource', product: 'aws', service: 'cloudtrail' },
      ],
      5,
    );
    expect(mapped({ product: 'mine' }, { s: { start: 'x' }, condition: 's' }, [second, first]).detection['s']).toEqual({ eventName: 'x' });
  });

  it('adds a condition that "them" does not count, to each condition of the list form', () => {
    const p = pipeline([{ id: 'only-iam', type: 'add_condition', conditions: { eventSource: 'iam.amazonaws.com' } }]);
    const rule = mapped(cloudtrail, { a: { eventName: 'CreateUser' }, b: { eventName: 'DeleteUser' }, condition: '1 of them' }, [p]);
    expect(rule.detection['condition']).toBe('(1 of them) and _only_iam');
    const r = bindRules([rule], model)[0]!;
    expect(r.matches({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' })).toBe(true);
    expect(r.matches({ eventSource: 'sts.amazonaws.com', eventName: 'CreateUser' })).toBe(false);
  });

  it('refuses two keys mapped onto one in a selection', () => {
    const p = pipeline([{ type: 'field_name_mapping', mapping: { a: 'eventName', b: 'eventName' } }]);
    expect(refusal(() => mapped(cloudtrail, { s: { a: 1, b: 2 }, condition: 's' }, [p]))).toBe(
      'rules/cloud/test_rule.yml: detection.s.b: a pipeline maps two keys of this selection to eventName; write them as two selections',
    );
  });

  it('refuses a rule whose log source is still unknown after every pipeline', () => {
    expect(refusal(() => mapped({ product: 'm365', service: 'exchange' }, { s: { a: 1 }, condition: 's' }))).toMatch(
      /^rules\/cloud\/test_rule\.yml: logsource: m365\/exchange is not a log source this package reads, and no pipeline maps it to one \(known: aws\/cloudtrail, /,
    );
    expect(refusal(() => mapped({ category: 'process_creation' }, { s: { a: 1 }, condition: 's' }))).toMatch(
      /logsource: \(no product\)\/\(no service\) is not a log source/,
    );
  });

  it('keeps a rule of this package a Rule, with the mapped log source', () => {
    const native = inlineRule({ s: { 'eventName|cased': 'A' }, condition: 's' });
    expect(applyPipelines(native, shipped)).toEqual(native);
  });
});

describe('sigmahq-gcp-audit', () => {
  const gcp = { product: 'gcp', service: 'gcp.audit' };

  it('maps the ECS names onto LogEntry / AuditLog fields, bodies in lowerCamelCase', () => {
    const rule = mapped(gcp, {
      selection_method: { 'gcp.audit.method_name|endswith': ['.firewalls.insert', '.firewalls.patch'] },
      selection_config: { 'gcp.audit.request.source_ranges': '0.0.0.0/0', 'gcp.audit.request.direction': 'INGRESS' },
      filter: { 'gcp.audit.authentication_info.principal_email|endswith': '@example.iam.gserviceaccount.com' },
      condition: 'all of selection_* and not filter',
    });
    expect(rule.detection).toMatchObject({
      selection_method: { 'protoPayload.methodName|endswith': ['.firewalls.insert', '.firewalls.patch'] },
      selection_config: { 'protoPayload.request.sourceRanges': '0.0.0.0/0', 'protoPayload.request.direction': 'INGRESS' },
      filter: { 'protoPayload.authenticationInfo.principalEmail|endswith': '@example.iam.gserviceaccount.com' },
    });
    const query = compiled(rule, 'gcp') as string;
    const matches = gcpQueryMatcher(query);
    const entry = (principalEmail: string) => ({
      logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
      protoPayload: {
        methodName: 'v1.compute.firewalls.insert',
        authenticationInfo: { principalEmail },
        request: { sourceRanges: ['0.0.0.0/0'], direction: 'INGRESS' },
      },
    });
    expect(matches(entry('someone@example.com'))).toBe(true);
    expect(matches(entry('deployer@example.iam.gserviceaccount.com'))).toBe(false);
  });

  it('maps the older data.protoPayload names', () => {
    expect(mapped(gcp, { s: { 'data.protoPayload.methodName': 'SetIamPolicy' }, condition: 's' }).detection['s']).toEqual({
      'protoPayload.methodName': 'SetIamPolicy',
    });
  });

  it('refuses an ECS name it has no LogEntry field for', () => {
    expect(refusal(() => mapped(gcp, { s: { 'gcp.audit.labels.team': 'x' }, condition: 's' }))).toBe(
      'rules/cloud/test_rule.yml: detection.s.gcp.audit.labels.team: gcp.audit.labels.team: is an Elastic (ECS) gcp.audit field this pipeline has no LogEntry field for (pipeline sigmahq-gcp-audit (pipelines/sigmahq-gcp-audit.yml))',
    );
  });
});

describe('sigmahq-google-workspace', () => {
  it('runs Admin audit rules on the shared Cloud Audit Logs, restricted to admin.googleapis.com', () => {
    const rule = mapped(
      { product: 'gcp', service: 'google_workspace.admin' },
      { selection: { eventName: ['GRANT_ADMIN_PRIVILEGE', 'GRANT_DELEGATED_ADMIN_PRIVILEGES'] }, condition: 'selection' },
    );
    expect(rule.logsource).toEqual({ product: 'gcp', service: 'gcp.audit' });
    const matches = gcpQueryMatcher(compiled(rule, 'gcp') as string);
    const entry = (serviceName: string) => ({ protoPayload: { serviceName, metadata: { event: [{ eventName: 'GRANT_ADMIN_PRIVILEGE' }] } } });
    expect(matches(entry('admin.googleapis.com'))).toBe(true);
    expect(matches(entry('login.googleapis.com'))).toBe(false);
    expect(bindRules([rule], model)[0]!.matches(entry('admin.googleapis.com'))).toBe(true);
  });

  it('takes product google_workspace too, and Login audit rules', () => {
    const rule = mapped(
      { product: 'google_workspace', service: 'google_workspace.login' },
      { s: { 'protoPayload.metadata.event.eventName': 'suspicious_login' }, condition: 's' },
    );
    expect(rule.detection['_workspace_login_service']).toEqual({ 'protoPayload.serviceName': 'login.googleapis.com' });
  });

  it('refuses Reports API parameters, which Cloud Logging keeps as name/value elements', () => {
    expect(
      refusal(() =>
        mapped(
          { product: 'gcp', service: 'google_workspace.admin' },
          { s: { eventName: 'ENFORCE_STRONG_AUTHENTICATION', new_value: 'false' }, condition: 's' },
        ),
      ),
    ).toMatch(
      /^rules\/cloud\/test_rule\.yml: detection\.s\.new_value: new_value: is a Reports API event parameter; in Cloud Logging a parameter is one element/,
    );
  });

  it('refuses applications whose audit logs are not shared with Google Cloud', () => {
    expect(
      refusal(() =>
        mapped({ product: 'gcp', service: 'google_workspace.drive' }, { s: { 'protoPayload.metadata.event.eventName': 'change_acl_editors' }, condition: 's' }),
      ),
    ).toMatch(
      /^rules\/cloud\/test_rule\.yml: logsource: this Google Workspace application's audit log is not shared with Google Cloud \(only the Admin, Enterprise Groups, Login, OAuth Token and SAML audit logs are/,
    );
  });
});

describe('sigmahq-azure', () => {
  const azure = (service: string) => ({ product: 'azure', service });

  it('maps activitylogs onto AzureActivity', () => {
    const rule = mapped(azure('activitylogs'), {
      selection: { operationName: 'MICROSOFT.AUTHORIZATION/ELEVATEACCESS/ACTION', 'properties.requestbody|contains': 'x' },
      condition: 'selection',
    });
    expect(rule.logsource).toEqual(azure('azureactivity'));
    const kql = compiled(rule, 'kql') as string;
    expect(kql).toBe(
      'AzureActivity\n| where OperationNameValue =~ "MICROSOFT.AUTHORIZATION/ELEVATEACCESS/ACTION" and tostring(Properties_d.requestbody) contains "x"',
    );
    expect(checkKql(kql)).toEqual([]);
  });

  it('refuses Office 365 and CloudTrail field names in activitylogs rules', () => {
    expect(refusal(() => mapped(azure('activitylogs'), { s: { Operation: 'Add member to role.', Workload: 'AzureActiveDirectory' }, condition: 's' }))).toMatch(
      /detection\.s\.Operation: Operation: is a field of the Office 365 Management Activity API, not of the Azure Activity Log/,
    );
    expect(refusal(() => mapped(azure('activitylogs'), { s: { eventSource: 'AzureActiveDirectory' }, condition: 's' }))).toMatch(/is a CloudTrail field name/);
  });

  it("maps auditlogs' portal names Status and OperationType to the Result and AADOperationType columns", () => {
    const rule = mapped(azure('auditlogs'), { s: { Status: 'Success', OperationType: 'add' }, d: { 'properties.status': 'failure' }, condition: 's or d' });
    expect(rule.detection['s']).toEqual({ Result: 'Success', AADOperationType: 'add' });
    expect(rule.detection['d']).toEqual({ Result: 'failure' });
    expect(compiled(mapped(azure('auditlogs'), { s: { Status: 'failure' }, condition: 's' }), 'kql')).toMatch(/\bResult =~ "failure"/);
  });

  it('maps auditlogs: properties.message to ActivityDisplayName, properties.* and any case to the columns', () => {
    const rule = mapped(azure('auditlogs'), {
      selection: {
        category: 'RoleManagement',
        'properties.message': 'Add eligible member to role',
        'properties.targetResources|contains': 'Admin',
        loggedbyservice: 'PIM',
      },
      condition: 'selection',
    });
    expect(rule.detection['selection']).toEqual({
      Category: 'RoleManagement',
      ActivityDisplayName: 'Add eligible member to role',
      'TargetResources|contains': 'Admin',
      LoggedByService: 'PIM',
    });
    expect(checkKql(compiled(rule, 'kql') as string)).toEqual([]);
  });

  it('maps signinlogs diagnostic paths and refuses properties.message there', () => {
    expect(
      mapped(azure('signinlogs'), {
        s: { 'properties.location.countryOrRegion': 'XX', ipaddress: '203.0.113.9', 'deviceDetail.isCompliant': false },
        condition: 's',
      }).detection['s'],
    ).toEqual({
      'LocationDetails.countryOrRegion': 'XX',
      IPAddress: '203.0.113.9',
      'DeviceDetail.isCompliant': false,
    });
    expect(refusal(() => mapped(azure('signinlogs'), { s: { 'properties.message': 'Device Code' }, condition: 's' }))).toMatch(
      /properties\.message: sign-in records have no message/,
    );
  });

  it('runs riskdetection rules on AADUserRiskEvents', () => {
    const rule = mapped(azure('riskdetection'), { selection: { riskEventType: 'anonymizedIPAddress' }, condition: 'selection' });
    expect(compiled(rule, 'kql')).toBe('AADUserRiskEvents\n| where RiskEventType =~ "anonymizedIPAddress"');
  });

  it('refuses PIM alert rules, with where PIM activity is instead', () => {
    for (const service of ['pim', 'rolemanagementalerts']) {
      expect(refusal(() => mapped(azure(service), { s: { riskEventType: 'staleSignInAlertIncident' }, condition: 's' }))).toMatch(
        /logsource: PIM security alerts are not exported to any Log Analytics table .*AuditLogs with LoggedByService "PIM"/,
      );
    }
  });

  it('leaves a field no column matches for the compile-time check to refuse', () => {
    const rule = mapped(azure('auditlogs'), { s: { 'properties.nothing': 'x' }, condition: 's' });
    expect(() => compiled(rule, 'kql')).toThrow(/azure\/auditlogs has no field nothing/);
  });
});
