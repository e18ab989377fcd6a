/**
 * What each modifier and placeholder means, pinned from rule text: small rules written here as YAML,
 * parsed, expanded and run by the rule engine on hand-written events. Nothing looks at the expanded
 * form, so a change in meaning fails here even when the expansion changes with it. Each case cites its
 * source: detections/README.md ("README") or the Sigma specification, sigma-specification
 * Sigma_specification.md "Value modifiers" and "Wildcards" ("Sigma").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bindRules, compileRule } from '../../../core/detection/catalog.ts';
import { compileExpr, type Predicate } from '../../../core/detection/evaluator.ts';
import { expandRule } from '../../../core/detection/expand.ts';
import { placeholderValues, type PlaceholderValues } from '../../../core/detection/placeholders.ts';
import { RuleError } from '../../../core/detection/rule-error.ts';
import { parseRule } from '../../../core/detection/rule-loader.ts';
import { generatedRule } from '../../../core/detection/rule.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';

const exampleValues = placeholderValues(exampleModel());

/** A rule whose `detection:` block is `detection` (YAML, written at column 0), as the engine runs it. */
function rule(detection: string, values: PlaceholderValues = exampleValues): Predicate {
  const body = detection
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  const text = `id: meaning-probe
title: Meaning probe
description: Pins what a modifier or placeholder means.
level: low
tags: [attack.t1078]
logsource: { product: aws, service: cloudtrail }
targets: [cloudwatch]
detection:
${body}
`;
  return compileExpr(expandRule(parseRule(text, 'meaning-probe.yml'), values));
}

/** The rule's verdict on each event, for a compact expectation. */
const verdicts = (matches: Predicate, events: readonly unknown[]) => events.map((e) => matches(e));

describe('plain values (equals)', () => {
  const r = rule(`
sel:
  eventName: GetObject
condition: sel`);
  // README "modifier | meaning": (none) is equals; "cased ... The default is case-insensitive, as in Sigma".
  it('match the whole value, ignoring case', () => {
    expect(verdicts(r, [{ eventName: 'GetObject' }, { eventName: 'GETOBJECT' }, { eventName: 'getobject' }])).toEqual([true, true, true]);
  });
  it('do not match a part of the value, another value, or an absent or null field', () => {
    expect(verdicts(r, [{ eventName: 'GetObjectAcl' }, { eventName: 'xGetObject' }, { eventName: 'PutObject' }, {}, { eventName: null }])).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  // README "Selections": "A list means any of them. All keys in one map must hold (AND). A list of maps means any of the maps."
  it('a list is OR, keys of a map are AND, a list of maps is OR', () => {
    const list = rule(`
sel:
  eventName: [GetObject, PutObject]
  eventSource: s3.amazonaws.com
condition: sel`);
    expect(
      verdicts(list, [
        { eventName: 'PutObject', eventSource: 's3.amazonaws.com' },
        { eventName: 'PutObject', eventSource: 'ec2.amazonaws.com' },
        { eventName: 'DeleteObject', eventSource: 's3.amazonaws.com' },
      ]),
    ).toEqual([true, false, false]);
    const maps = rule(`
sel:
  - eventName: GetObject
  - eventSource: ec2.amazonaws.com
condition: sel`);
    expect(
      verdicts(maps, [{ eventName: 'GetObject' }, { eventSource: 'ec2.amazonaws.com' }, { eventName: 'PutObject', eventSource: 's3.amazonaws.com' }]),
    ).toEqual([true, true, false]);
  });
  // README "Field paths are dotted. Where an array appears along the path, a match on any element counts."
  it('dotted paths reach nested fields, and any element of an array counts', () => {
    const nested = rule(`
sel:
  userIdentity.sessionContext.sessionIssuer.userName: Admin
condition: sel`);
    expect(nested({ userIdentity: { sessionContext: { sessionIssuer: { userName: 'admin' } } } })).toBe(true);
    expect(nested({ userIdentity: { sessionContext: [{ sessionIssuer: { userName: 'Other' } }, { sessionIssuer: { userName: 'Admin' } }] } })).toBe(true);
    expect(nested({ userIdentity: { userName: 'Admin' } })).toBe(false);
  });
});

describe('wildcards', () => {
  // README "`*` in a plain value is a wildcard; write `\*` for a literal star"; Sigma "Wildcards": `*` is any run of characters, empty included.
  it('* matches any run of characters, the empty run included', () => {
    const r = rule(`
sel:
  eventName: Get*Policy
condition: sel`);
    expect(
      verdicts(r, [
        { eventName: 'GetBucketPolicy' },
        { eventName: 'GetPolicy' },
        { eventName: 'getkeypolicy' },
        { eventName: 'GetBucketAcl' },
        { eventName: 'xGetPolicy' },
      ]),
    ).toEqual([true, true, true, false, false]);
  });
  it('\\* is a literal star beside a wildcard', () => {
    const r = rule(`
sel:
  requestParameters.actions: '*:\\*'
condition: sel`);
    expect(verdicts(r, [{ requestParameters: { actions: 's3:*' } }, { requestParameters: { actions: 's3:GetObject' } }])).toEqual([true, false]);
  });
  // README and Sigma "Wildcards": `\*` is a literal star, also when it is the value's only star.
  it('\\* alone is a literal star', () => {
    const r = rule(`
sel:
  requestParameters.actions: 's3:\\*'
condition: sel`);
    expect(verdicts(r, [{ requestParameters: { actions: 's3:*' } }, { requestParameters: { actions: 's3:GetObject' } }])).toEqual([true, false]);
  });
  // Sigma "Wildcards": `?` matches exactly one character.
  it('? matches exactly one character', () => {
    const r = rule(`
sel:
  eventName: Get?bject
condition: sel`);
    expect(verdicts(r, [{ eventName: 'GetObject' }, { eventName: 'Getbject' }, { eventName: 'GetOObject' }])).toEqual([true, false, false]);
  });
  // Sigma "Escaping": `\?` is a literal question mark.
  it('\\? is a literal question mark', () => {
    const r = rule(`
sel:
  eventName: 'Get\\?bject'
condition: sel`);
    expect(verdicts(r, [{ eventName: 'Get?bject' }, { eventName: 'GetObject' }])).toEqual([true, false]);
  });
});

describe('contains, startswith, endswith', () => {
  // README: "contains, startswith, endswith | substring tests", case-insensitive by default.
  it('contains: the value anywhere in the field, any case', () => {
    const r = rule(`
sel:
  userAgent|contains: aws-cli/
condition: sel`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2.15.0 Python/3.11.6' }, { userAgent: '[AWS-CLI/2.15.0]' }, { userAgent: 'Boto3/1.34' }, {}])).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
  it('startswith: the field begins with the value', () => {
    const r = rule(`
sel:
  userAgent|startswith: aws-cli/
condition: sel`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2.15.0' }, { userAgent: 'AWS-CLI/2' }, { userAgent: '[aws-cli/2.15.0]' }])).toEqual([true, true, false]);
  });
  it('endswith: the field ends with the value', () => {
    const r = rule(`
sel:
  eventSource|endswith: .amazonaws.com
condition: sel`);
    expect(verdicts(r, [{ eventSource: 's3.amazonaws.com' }, { eventSource: 'S3.AMAZONAWS.COM' }, { eventSource: 's3.amazonaws.com.evil' }])).toEqual([
      true,
      true,
      false,
    ]);
  });
  // Sigma: contains only puts `*` around the value (pySigma SigmaContainsModifier), so its own wildcards stay wildcards.
  it('a wildcard inside contains is a wildcard; an escaped one is literal text', () => {
    const r = rule(`
sel:
  userAgent|contains: 'cli*2'
condition: sel`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2.15' }, { userAgent: 'aws-cli*2' }, { userAgent: 'aws-cli/3' }])).toEqual([true, true, false]);
    const literal = rule(`
sel:
  userAgent|contains: 'cli\\*'
condition: sel`);
    expect(verdicts(literal, [{ userAgent: 'aws-cli*x' }, { userAgent: 'aws-cli/2' }])).toEqual([true, false]);
  });
});

describe('re', () => {
  // README: "re | regular expression (RE2 subset)"; Sigma "re": the value is a regular expression, found anywhere in the field unless anchored.
  it('matches a regular expression anywhere in the field unless anchored', () => {
    const r = rule(`
sel:
  userAgent|re: 'aws-cli/2\\.\\d+'
condition: sel`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2.15.0' }, { userAgent: '[aws-cli/2.15.0]' }, { userAgent: 'aws-cli/1.29' }])).toEqual([true, true, false]);
    const anchored = rule(`
sel:
  userAgent|re: '^aws-cli/'
condition: sel`);
    expect(verdicts(anchored, [{ userAgent: 'aws-cli/2' }, { userAgent: '[aws-cli/2' }])).toEqual([true, false]);
  });
  it('with |cased, sees case', () => {
    const r = rule(`
sel:
  eventName|re|cased: '^Get[A-Z]'
condition: sel`);
    expect(verdicts(r, [{ eventName: 'GetObject' }, { eventName: 'getObject' }, { eventName: 'Getobject' }])).toEqual([true, false, false]);
  });
  // Sigma "re": case-sensitive unless `|re|i`.
  it('is case-sensitive without |cased', () => {
    const r = rule(`
sel:
  eventName|re: '^Get[A-Z]'
condition: sel`);
    expect(verdicts(r, [{ eventName: 'GetObject' }, { eventName: 'getobject' }])).toEqual([true, false]);
  });
  it('with |i, ignores case', () => {
    const r = rule(`
sel:
  eventName|re|i: '^Get[A-Z]'
condition: sel`);
    expect(verdicts(r, [{ eventName: 'GetObject' }, { eventName: 'getobject' }, { eventName: 'xgetobject' }])).toEqual([true, true, false]);
  });
  it('rejects an invalid regular expression with the rule and the key', () => {
    expect(() =>
      rule(`
sel:
  eventName|re: '(['
condition: sel`),
    ).toThrow(/detection\.sel\.eventName\|re: \|re value is not a valid regular expression/);
  });
});

describe('cidr', () => {
  // README: "cidr | the value is a valid IP address in one of the CIDRs. Anything else is a non-match."
  const r = rule(`
sel:
  sourceIPAddress|cidr: [203.0.113.0/24, '2001:db8::/32']
condition: sel`);
  it('IPv4: the first and last address of the range match, one below and one above do not', () => {
    expect(
      verdicts(
        r,
        ['203.0.113.0', '203.0.113.255', '203.0.112.255', '203.0.114.0'].map((ip) => ({ sourceIPAddress: ip })),
      ),
    ).toEqual([true, true, false, false]);
  });
  it('IPv6: the first and last address of the prefix match, the neighbours do not', () => {
    const ips = ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::', '2001:DB8::1'];
    expect(
      verdicts(
        r,
        ips.map((ip) => ({ sourceIPAddress: ip })),
      ),
    ).toEqual([true, true, false, false, true]);
  });
  it('a value that is not an IP address is a non-match, never an error: a service name, a CIDR, garbage, absent, null, a number', () => {
    const values = ['ec2.amazonaws.com', '203.0.113.0/24', 'not an ip', '203.0.113', '203.0.113.256', '', null, 7];
    expect(verdicts(r, [...values.map((v) => ({ sourceIPAddress: v })), {}])).toEqual(values.map(() => false).concat(false));
  });
  it('an IPv4 address never matches an IPv6 range and the reverse', () => {
    const v6only = rule(`
sel:
  sourceIPAddress|cidr: '::/0'
condition: sel`);
    expect(verdicts(v6only, [{ sourceIPAddress: '203.0.113.7' }, { sourceIPAddress: '::ffff:203.0.113.7' }])).toEqual([false, true]);
  });
  it('a value that is not a CIDR is a rule error naming the key', () => {
    expect(() =>
      rule(`
sel:
  sourceIPAddress|cidr: 203.0.113.5/24
condition: sel`),
    ).toThrow(/detection\.sel\.sourceIPAddress\|cidr: \|cidr value 203\.0\.113\.5\/24: .*host bits set/);
  });
});

describe('exists and null', () => {
  // README: "exists | true (the key is present, even when it holds null) or false".
  it('exists: true is "the key is present", null included', () => {
    const r = rule(`
sel:
  errorCode|exists: true
condition: sel`);
    expect(verdicts(r, [{ errorCode: 'AccessDenied' }, { errorCode: '' }, { errorCode: null }, {}])).toEqual([true, true, true, false]);
  });
  it('exists: false is "the key is absent"', () => {
    const r = rule(`
sel:
  errorCode|exists: false
condition: sel`);
    expect(verdicts(r, [{ errorCode: 'AccessDenied' }, { errorCode: null }, {}])).toEqual([false, false, true]);
  });
  // README: "`field: null` means the field is absent or holds JSON null."
  it('field: null is "absent or JSON null", and not the empty string', () => {
    const r = rule(`
sel:
  userIdentity.invokedBy: null
condition: sel`);
    expect(
      verdicts(r, [
        { userIdentity: {} },
        { userIdentity: { invokedBy: null } },
        {},
        { userIdentity: { invokedBy: '' } },
        { userIdentity: { invokedBy: 'support.amazonaws.com' } },
      ]),
    ).toEqual([true, true, true, false, false]);
  });
  it('null cannot sit in a list, and exists takes only true or false', () => {
    expect(() =>
      rule(`
sel:
  errorCode: [AccessDenied, null]
condition: sel`),
    ).toThrow(/null can only stand alone/);
    expect(() =>
      rule(`
sel:
  errorCode|exists: yes
condition: sel`),
    ).toThrow(/\|exists takes true or false/);
  });
});

describe('all and cased', () => {
  // README: "all | every listed value must match, instead of any".
  it('all: every value must match (contains|all)', () => {
    const r = rule(`
sel:
  userAgent|contains|all: [aws-cli/, 'exec-env/CloudShell']
condition: sel`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2.15 md/exec-env/CloudShell' }, { userAgent: 'aws-cli/2.15' }, { userAgent: 'exec-env/CloudShell' }])).toEqual([
      true,
      false,
      false,
    ]);
  });
  it('without all, any value is enough', () => {
    const r = rule(`
sel:
  userAgent|contains: [aws-cli/, 'exec-env/CloudShell']
condition: sel`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2.15' }, { userAgent: 'exec-env/CloudShell' }, { userAgent: 'Boto3' }])).toEqual([true, true, false]);
  });
  it('all on cidr: the address must be in every listed range', () => {
    const r = rule(`
sel:
  sourceIPAddress|cidr|all: [203.0.113.0/24, 203.0.113.128/25]
condition: sel`);
    expect(verdicts(r, [{ sourceIPAddress: '203.0.113.200' }, { sourceIPAddress: '203.0.113.7' }])).toEqual([true, false]);
  });
  // README: "cased | case-sensitive. The default is case-insensitive, as in Sigma."
  it('cased: case must match exactly, for equals and for substring tests', () => {
    const eq = rule(`
sel:
  eventName|cased: GetObject
condition: sel`);
    expect(verdicts(eq, [{ eventName: 'GetObject' }, { eventName: 'getobject' }, { eventName: 'GETOBJECT' }])).toEqual([true, false, false]);
    const sw = rule(`
sel:
  userAgent|startswith|cased: aws-cli/
condition: sel`);
    expect(verdicts(sw, [{ userAgent: 'aws-cli/2' }, { userAgent: 'AWS-CLI/2' }])).toEqual([true, false]);
  });
  it('at most one of gt/gte/lt/lte/fieldref/contains/startswith/endswith/re/cidr/exists per key', () => {
    expect(() =>
      rule(`
sel:
  userAgent|contains|startswith: aws
condition: sel`),
    ).toThrow(/combine at most one of gt\/gte\/lt\/lte\/fieldref\/contains\/startswith\/endswith\/re\/cidr\/exists \(got contains, startswith\)/);
  });
});

describe('conditions', () => {
  // README "Condition": and, or, not, parentheses, 1 of / all of; not binds tightest, then and, then or.
  const r = rule(`
sel_a:
  eventName: A
sel_b:
  eventSource: b
filter:
  errorCode|exists: true
condition: sel_a or sel_b and not filter`);
  it('not binds tighter than and, and than or', () => {
    // sel_a or (sel_b and (not filter))
    expect(verdicts(r, [{ eventName: 'A', errorCode: 'x' }, { eventSource: 'b' }, { eventSource: 'b', errorCode: 'x' }])).toEqual([true, true, false]);
  });
  it('1 of sel_* and all of them', () => {
    const one = rule(`
sel_a:
  eventName: A
sel_b:
  eventSource: b
condition: 1 of sel_*`);
    const every = rule(`
sel_a:
  eventName: A
sel_b:
  eventSource: b
condition: all of them`);
    expect(verdicts(one, [{ eventName: 'A' }, { eventSource: 'b' }, {}])).toEqual([true, true, false]);
    expect(verdicts(every, [{ eventName: 'A' }, { eventName: 'A', eventSource: 'b' }])).toEqual([false, true]);
  });
});

describe('placeholders', () => {
  // README "Placeholders": "A value that is exactly `{{name}}` expands to that list". Hand-written values,
  // so what the rule means does not depend on the example config.
  const values: PlaceholderValues = {
    'trustedNetworks.cidrs': ['203.0.113.0/24', '2001:db8::/32'],
    'trustedNetworks.aws.vpcIds': ['vpc-0a1b2c3d4e5f60718'],
    'trustedNetworks.aws.vpcEndpointIds': ['vpce-0123456789abcdef0'],
    'breakGlass.aws.roleArns': ['arn:aws:iam::*:role/BreakGlass*'],
    'automation.aws.roleArns': ['arn:aws:iam::111122223333:role/github-actions-deploy'],
    'aws.organizationId': ['o-a1b2c3d4e5'],
    'aws.managementAccountId': ['111122223333'],
  };
  /** One rule per placeholder: the key it is used on, events it must match and events it must not. */
  const cases: Record<string, { key: string; field: string; yes: unknown[]; no: unknown[] }> = {
    'trustedNetworks.cidrs': {
      key: 'sourceIPAddress|cidr',
      field: 'sourceIPAddress',
      yes: ['203.0.113.0', '203.0.113.255', '2001:db8::1'],
      no: ['203.0.114.0', '8.8.8.8', 'ec2.amazonaws.com'],
    },
    'trustedNetworks.aws.vpcIds': { key: 'vpcId', field: 'vpcId', yes: ['vpc-0a1b2c3d4e5f60718', 'VPC-0A1B2C3D4E5F60718'], no: ['vpc-0ffffffffffffffff'] },
    'trustedNetworks.aws.vpcEndpointIds': { key: 'vpcEndpointId', field: 'vpcEndpointId', yes: ['vpce-0123456789abcdef0'], no: ['vpce-0fffffffffffffff0'] },
    // A config value's `*` keeps its wildcard meaning once expanded (README: `*` in a plain value is a wildcard).
    'breakGlass.aws.roleArns': {
      key: 'userIdentity.sessionContext.sessionIssuer.arn',
      field: 'userIdentity.sessionContext.sessionIssuer.arn',
      yes: ['arn:aws:iam::444455556666:role/BreakGlassAdmin', 'arn:aws:iam::111122223333:role/BreakGlass'],
      no: ['arn:aws:iam::444455556666:role/Admin', 'arn:aws:iam::444455556666:role/ops/Admin'],
    },
    'automation.aws.roleArns': {
      key: 'userIdentity.sessionContext.sessionIssuer.arn',
      field: 'userIdentity.sessionContext.sessionIssuer.arn',
      yes: ['arn:aws:iam::111122223333:role/github-actions-deploy'],
      no: ['arn:aws:iam::444455556666:role/github-actions-deploy'],
    },
    'aws.organizationId': { key: 'requestParameters.organizationId', field: 'requestParameters.organizationId', yes: ['o-a1b2c3d4e5'], no: ['o-zzzzzzzzzz'] },
    'aws.managementAccountId': { key: 'recipientAccountId', field: 'recipientAccountId', yes: ['111122223333'], no: ['444455556666'] },
  };
  const eventWith = (field: string, value: unknown) => field.split('.').reduceRight<unknown>((inner, k) => ({ [k]: inner }), value);

  it('every placeholder the engine offers is pinned here and listed in detections/README.md', () => {
    const offered = Object.keys(placeholderValues(exampleModel())).sort();
    expect(Object.keys(cases).sort()).toEqual(offered);
    expect(Object.keys(values).sort()).toEqual(offered);
    const readme = readFileSync('detections/README.md', 'utf8');
    for (const name of offered) expect(readme, name).toContain(`{{${name}}}`);
  });

  it.each(Object.entries(cases))('{{%s}} expands to its list', (name, c) => {
    const r = rule(
      `
sel:
  ${c.key}: '{{${name}}}'
condition: sel`,
      values,
    );
    expect(
      verdicts(
        r,
        c.yes.map((v) => eventWith(c.field, v)),
      ),
      'listed values',
    ).toEqual(c.yes.map(() => true));
    expect(
      verdicts(
        r,
        c.no.map((v) => eventWith(c.field, v)),
      ),
      'other values',
    ).toEqual(c.no.map(() => false));
  });

  // README: "`{{trustedNetworks.cidrs|complement}}` is every address outside the trusted networks."
  it('{{trustedNetworks.cidrs|complement}} is every address outside the trusted networks, both families', () => {
    const r = rule(
      `
sel:
  sourceIPAddress|cidr: '{{trustedNetworks.cidrs|complement}}'
condition: sel`,
      values,
    );
    const ips = [
      '203.0.113.0',
      '203.0.113.255',
      '203.0.112.255',
      '203.0.114.0',
      '0.0.0.0',
      '255.255.255.255',
      '2001:db8::',
      '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db9::',
      'ec2.amazonaws.com',
    ];
    expect(
      verdicts(
        r,
        ips.map((ip) => ({ sourceIPAddress: ip })),
      ),
    ).toEqual([false, false, true, true, true, true, false, true, true, false]);
  });

  it('an empty list matches nothing', () => {
    const r = rule(
      `
sel:
  userIdentity.arn: '{{breakGlass.aws.roleArns}}'
condition: sel`,
      { ...values, 'breakGlass.aws.roleArns': [] },
    );
    expect(verdicts(r, [{ userIdentity: { arn: 'arn:aws:iam::1:role/BreakGlass' } }, { userIdentity: {} }])).toEqual([false, false]);
  });

  it('only a value that is exactly a placeholder expands; an unknown one is a rule error listing the known', () => {
    const partial = rule(
      `
sel:
  note: 'see {{aws.organizationId}}'
condition: sel`,
      values,
    );
    expect(partial({ note: 'see {{aws.organizationId}}' })).toBe(true);
    expect(partial({ note: 'see o-a1b2c3d4e5' })).toBe(false);
    expect(() =>
      rule(
        `
sel:
  x: '{{aws.accountIds}}'
condition: sel`,
        values,
      ),
    ).toThrow(RuleError);
    expect(() =>
      rule(
        `
sel:
  x: '{{aws.accountIds}}'
condition: sel`,
        values,
      ),
    ).toThrow(/unknown placeholder \{\{aws\.accountIds\}\} \(known: \{\{trustedNetworks\.cidrs\}\}/);
  });
});

describe('negation in the compiled GCP queries', () => {
  // Logging query language: a comparison on a field the entry lacks fails, `!=` included, so
  // `f!="x"` drops entries without f while `NOT f="x"` keeps them; a rule's `not` must keep them.
  const probe = bindRules(
    [
      generatedRule(
        {
          id: 'gcp-negation-probe',
          title: 'GCP negation probe',
          description: 'Negated equality on a field that may be absent.',
          level: 'low',
          tags: ['attack.t1078'],
          logsource: { product: 'gcp', service: 'gcp.audit' },
          detection: {
            sel: { 'protoPayload.methodName': 'SetIamPolicy' },
            filter: { 'protoPayload.authenticationInfo.principalEmail': 'ci@example.com' },
            condition: 'sel and not filter',
          },
          targets: ['gcp'],
        },
        'rule-meaning.test.ts',
      ),
    ],
    exampleModel(),
  )[0]!;
  const query = compileRule(probe, 'gcp') as string;
  const matches = compileGcpQuery(query);
  const entry = (principal?: string) => ({
    protoPayload: { methodName: 'SetIamPolicy', ...(principal ? { authenticationInfo: { principalEmail: principal } } : {}) },
  });

  it('an entry without the negated field matches, as the rule says', () => {
    expect(probe.matches(entry())).toBe(true);
    expect(matches(entry()), query).toBe(true);
  });
  it('other values match and the excluded value does not', () => {
    expect([matches(entry('alice@example.com')), matches(entry('CI@example.com')), matches(entry('ci@example.com'))]).toEqual([true, false, false]);
  });
  it('is written NOT f="x", never f!="x"', () => {
    expect(query).toMatch(/NOT \(?protoPayload\.authenticationInfo\.principalEmail="ci@example\.com"/);
    expect(query).not.toContain('!=');
  });
});
