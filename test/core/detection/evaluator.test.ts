import { describe, expect, it } from 'vitest';
import { RuleError } from '../../../core/detection/rule-error.ts';
import { parseRule } from '../../../core/detection/rule-loader.ts';
import { expand, inlineRule, matcher } from '../../helpers/rules.ts';

describe('field matching', () => {
  const event = {
    eventName: 'ConsoleLogin',
    userAgent: '[aws-cli/1.18.136 Python/3.8.5]',
    sourceIPAddress: '203.0.113.9',
    errorCode: null,
    count: 7,
    readOnly: false,
    resources: [{ ARN: 'arn:aws:s3:::a' }, { ARN: 'arn:aws:s3:::logs' }],
    userIdentity: { type: 'Root', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::1:role/BreakGlassAdmin' } } },
  };
  it.each<[string, Record<string, unknown>, boolean]>([
    ['equals, case-insensitive by default', { s: { eventName: 'consolelogin' }, condition: 's' }, true],
    ['equals |cased', { s: { 'eventName|cased': 'consolelogin' }, condition: 's' }, false],
    ['list = any', { s: { eventName: ['A', 'ConsoleLogin'] }, condition: 's' }, true],
    ['map = all keys', { s: { eventName: 'ConsoleLogin', 'userIdentity.type': 'IAMUser' }, condition: 's' }, false],
    ['list of maps = any map', { s: [{ eventName: 'X' }, { 'userIdentity.type': 'root' }], condition: 's' }, true],
    ['contains', { s: { 'userAgent|contains': 'AWS-CLI/' }, condition: 's' }, true],
    ['startswith sees the bracket', { s: { 'userAgent|startswith': 'aws-cli/' }, condition: 's' }, false],
    ['endswith', { s: { 'userAgent|endswith': 'python/3.8.5]' }, condition: 's' }, true],
    ['wildcard', { s: { userAgent: '*aws-cli/1.18*' }, condition: 's' }, true],
    ['escaped star is literal', { s: { userAgent: 'aws-cli\\*' }, condition: 's' }, false],
    ['re is case-sensitive (Sigma)', { s: { 'userAgent|re': 'AWS-CLI/1\\.\\d+' }, condition: 's' }, false],
    ['re|i, case-insensitive', { s: { 'userAgent|re|i': 'AWS-CLI/1\\.\\d+' }, condition: 's' }, true],
    ['re |cased', { s: { 'userAgent|re|cased': 'AWS-CLI' }, condition: 's' }, false],
    ['cidr', { s: { 'sourceIPAddress|cidr': '203.0.113.0/24' }, condition: 's' }, true],
    ['cidr placeholder', { s: { 'sourceIPAddress|cidr': '{{trustedNetworks.cidrs}}' }, condition: 's' }, true],
    ['complement placeholder', { s: { 'sourceIPAddress|cidr': '{{trustedNetworks.cidrs|complement}}' }, condition: 's' }, false],
    ['numbers compare as text', { s: { count: '7' }, condition: 's' }, true],
    ['booleans compare as text', { s: { readOnly: false }, condition: 's' }, true],
    ['array elements fan out', { s: { 'resources.ARN|endswith': ':logs' }, condition: 's' }, true],
    ['|all needs every value', { s: { 'userAgent|contains|all': ['aws-cli', 'python'] }, condition: 's' }, true],
    ['|all fails on one missing value', { s: { 'userAgent|contains|all': ['aws-cli', 'botocore'] }, condition: 's' }, false],
    ['exists true', { s: { 'userIdentity.type|exists': true }, condition: 's' }, true],
    ['a key holding null exists (as in every target language)', { s: { 'errorCode|exists': true }, condition: 's' }, true],
    ['null means absent or null: null', { s: { errorCode: null }, condition: 's' }, true],
    ['null means absent or null: absent', { s: { nothingHere: null }, condition: 's' }, true],
    ['null means absent or null: a value', { s: { eventName: null }, condition: 's' }, false],
    ['missing field: no match', { s: { 'nope|contains': 'x' }, condition: 's' }, false],
    ['not on a missing field is true', { s: { nope: 'x' }, condition: 'not s' }, true],
    ['wildcard ARN placeholder', { s: { 'userIdentity.sessionContext.sessionIssuer.arn': '{{breakGlass.aws.roleArns}}' }, condition: 's' }, true],
  ])('%s', (_name, detection, expected) => {
    expect(matcher(detection)(event)).toBe(expected);
  });

  it.each(['08.1.250.216', '255.18.064.253', 'lambda.amazonaws.com', 'AWS Internal', '', '203.0.113.0/24', '1.2.3'])(
    'cidr on %j is a non-match, never an error',
    (ip) => {
      const m = matcher({ s: { 'sourceIPAddress|cidr': ['0.0.0.0/0', '::/0'] }, condition: 's' });
      expect(m({ sourceIPAddress: ip })).toBe(false);
    },
  );

  it('matches IPv6 CIDRs and never mixes families', () => {
    const m = matcher({ s: { 'ip|cidr': '2001:db8::/32' }, condition: 's' });
    expect(m({ ip: '2001:DB8::1' })).toBe(true);
    expect(m({ ip: '32.1.13.184' })).toBe(false);
  });
});

describe('conditions', () => {
  const event = { a: '1', b: '2', c: '3' };
  it.each<[string, boolean]>([
    ['sel_a and sel_b or sel_x', true],
    ['sel_x and sel_b or sel_x', false],
    ['not sel_a or sel_b', true],
    ['not (sel_a or sel_x)', false],
    ['1 of sel_*', true],
    ['all of sel_*', false],
    ['all of sel_a*', true],
    ['1 of them and not sel_x', true],
    ['all of them', false],
    ['any of them', true],
  ])('%s', (condition, expected) => {
    expect(matcher({ sel_a: { a: '1' }, sel_b: { b: '2' }, sel_x: { a: 'x' }, condition })(event)).toBe(expected);
  });

  it.each<[string, RegExp]>([
    ['sel_a and', /ends too early/],
    ['sel_a sel_b', /unexpected "sel_b" after a complete condition/],
    ['(sel_a', /missing "\)"/],
    ['nope', /"nope" is not a selection \(have: sel_a, sel_b\)/],
    ['1 of foo*', /"foo\*" matches no selection/],
    ['sel_a & sel_b', /unexpected "&"/],
  ])('rejects %j', (condition, message) => {
    expect(() => expand(inlineRule({ sel_a: { a: '1' }, sel_b: { b: '2' }, condition }))).toThrow(message);
  });
});

describe('malformed rules are one line: file, YAML path, what is wrong', () => {
  const base = `id: bad-rule\ntitle: A bad rule\ndescription: Tests the loader's messages.\nlevel: low\ntags: [attack.t1059.009]\nlogsource: { product: aws, service: cloudtrail }\n`;
  it.each<[string, RegExp]>([
    [`${base}detection:\n  s: { eventName: X }\n`, /^bad-rule\.yml: detection \(line 8\): needs a condition/],
    [`${base}detection:\n  s: { eventName: X }\n  condition: s\nseverity: high\n`, /^bad-rule\.yml: severity \(line 10\): is not a rule field/],
    [`${base.replace('level: low', 'level: urgent')}detection: { s: { a: 1 }, condition: s }\n`, /^bad-rule\.yml: level \(line 4\): /],
    [
      `${base.replace('service: cloudtrail', 'service: vpcflow')}detection: { s: { a: 1 }, condition: s }\n`,
      /^bad-rule\.yml: logsource\.service: "vpcflow" is not a aws log source/,
    ],
    [`${base}detection:\n  s: [\n`, /^bad-rule\.yml: line \d+: /],
  ])('%#', (text, message) => {
    expect(() => parseRule(text, 'bad-rule.yml')).toThrow(message);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ s: { 'a|contians': 'x' }, condition: 's' }, /detection\.s\.a\|contians: unknown modifier "contians"/],
    [{ s: { 'a|contains|startswith': 'x' }, condition: 's' }, /combine at most one of/],
    [{ s: { 'a|cidr': '10.0.0.300/8' }, condition: 's' }, /\|cidr value 10\.0\.0\.300\/8/],
    [{ s: { 'a|re': '(' }, condition: 's' }, /not a valid regular expression/],
    [{ s: { a: '{{trustedNetworks.cidr}}' }, condition: 's' }, /unknown placeholder \{\{trustedNetworks\.cidr\}\}/],
    [{ s: { 'a|exists': 'yes' }, condition: 's' }, /\|exists takes true or false/],
    [{ s: { 'a|base64': 'x' }, condition: 's' }, /detection\.s\.a\|base64: \|base64 has no meaning for cloud logs/],
  ])('%#', (detection, message) => {
    let error: unknown;
    try {
      expand(inlineRule(detection));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as Error).message).toMatch(/^inline-test-rule\.yml: /);
    expect((error as Error).message).toMatch(message);
  });

  it('requires the file to be named after the id', () => {
    expect(() => parseRule(`${base}detection: { s: { a: 1 }, condition: s }\n`, 'other.yml')).toThrow(/must be named after the id: bad-rule\.yml/);
  });
});
