/**
 * What each Sigma construct means on events, pinned from rule text written here in SigmaHQ's layout
 * (never copied from SigmaHQ), parsed by the bulk loader (parseSigmaRule), expanded and run by the rule
 * engine. Sources: the Sigma modifiers appendix (sigma-specification specification/sigma-appendix-modifiers.md,
 * https://sigmahq.io/docs/basics/modifiers.html, "Spec" below) and pySigma (sigma/modifiers.py,
 * sigma/types.py, sigma/matching/compiler.py, "pySigma" below).
 */
import { describe, expect, it } from 'vitest';
import { compileExpr, type Predicate } from '../../../core/detection/evaluator.ts';
import { expandRule } from '../../../core/detection/expand.ts';
import type { PlaceholderValues } from '../../../core/detection/placeholders.ts';
import { parseSigmaRule } from '../../../core/detection/rule-loader.ts';

/** Hand-written placeholder values, so what a rule means does not depend on the example config. */
const VALUES: PlaceholderValues = {
  'trustedNetworks.cidrs': ['203.0.113.0/24', '2001:db8::/32'],
  'trustedNetworks.aws.vpcIds': ['vpc-0a1b2c3d4e5f60718'],
  'trustedNetworks.aws.vpcEndpointIds': ['vpce-0123456789abcdef0'],
  'breakGlass.aws.roleArns': ['arn:aws:iam::*:role/BreakGlass*'],
  'automation.aws.roleArns': ['arn:aws:iam::111122223333:role/github-actions-deploy'],
  'aws.organizationId': ['o-a1b2c3d4e5'],
  'aws.managementAccountId': ['111122223333'],
};

/** A Sigma rule whose `detection:` block is `detection` (YAML at column 0), as the engine runs it. */
function sigma(detection: string, values: PlaceholderValues = VALUES): Predicate {
  const body = detection
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  const text = `title: Sigma Construct Probe
id: 6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e
status: experimental
description: Pins what one Sigma construct means on events.
author: cloud-api-guardrails tests
date: 2025-01-15
tags:
    - attack.defense-evasion
logsource:
    product: aws
    service: cloudtrail
detection:
${body}
falsepositives:
    - Unknown
level: low
`;
  return compileExpr(expandRule(parseSigmaRule(text, 'probe.yml'), values));
}

const verdicts = (matches: Predicate, events: readonly unknown[]): boolean[] => events.map((e) => matches(e));

describe('wildcards: * any run, ? one character, \\ escapes (pySigma SigmaString)', () => {
  it('? in a plain value is exactly one character, any case', () => {
    const r = sigma(`
selection:
    eventName: 'Put?ucketPolicy'
condition: selection`);
    expect(
      verdicts(r, [{ eventName: 'PutBucketPolicy' }, { eventName: 'putbucketpolicy' }, { eventName: 'PutucketPolicy' }, { eventName: 'PutBBucketPolicy' }]),
    ).toEqual([true, true, false, false]);
  });
  it('* and ? together', () => {
    const r = sigma(`
selection:
    userIdentity.arn: 'arn:aws:iam::????????????:role/*Admin'
condition: selection`);
    expect(
      verdicts(
        r,
        [
          'arn:aws:iam::111122223333:role/OrgAdmin',
          'arn:aws:iam::111122223333:role/Admin',
          'arn:aws:iam::11112222333:role/Admin',
          'arn:aws:iam::111122223333:role/Admins',
        ].map((arn) => ({ userIdentity: { arn } })),
      ),
    ).toEqual([true, true, false, false]);
  });
  it('\\? and \\* are literal, \\\\ is one backslash, and a backslash before anything else stays', () => {
    const r = sigma(`
selection:
    requestParameters.policyName:
        - 'why\\?'
        - 'all\\*'
        - 'dom\\\\*'
        - 'C:\\Temp'
condition: selection`);
    const names = ['why?', 'whyX', 'all*', 'allX', 'dom\\users', 'dom\\', 'domX', 'C:\\Temp', 'C:Temp'];
    expect(
      verdicts(
        r,
        names.map((policyName) => ({ requestParameters: { policyName } })),
      ),
    ).toEqual([true, false, true, false, true, true, false, true, false]);
  });
  it('contains, startswith and endswith keep their values wildcards (pySigma only adds * around them)', () => {
    const contains = sigma(`
selection:
    userAgent|contains: 'cli/2.?.'
condition: selection`);
    expect(verdicts(contains, [{ userAgent: 'aws-cli/2.9.1 md/x' }, { userAgent: 'aws-cli/2.15.0' }, { userAgent: 'AWS-CLI/2.X.0' }])).toEqual([
      true,
      false,
      true,
    ]);
    const startswith = sigma(`
selection:
    userAgent|startswith: 'aws-*/2'
condition: selection`);
    expect(verdicts(startswith, [{ userAgent: 'aws-cli/2.15' }, { userAgent: 'aws-sdk-go/2' }, { userAgent: 'Boto3 aws-cli/2' }])).toEqual([true, true, false]);
    const endswith = sigma(`
selection:
    eventSource|endswith: '.amazonaws.co?'
condition: selection`);
    expect(verdicts(endswith, [{ eventSource: 's3.amazonaws.com' }, { eventSource: 's3.amazonaws.co' }, { eventSource: 's3.amazonaws.com.cn' }])).toEqual([
      true,
      false,
      false,
    ]);
  });
  it('a wildcard spans line breaks and ? is one code point', () => {
    const r = sigma(`
selection:
    requestParameters.note: 'a*b?c'
condition: selection`);
    expect(
      verdicts(
        r,
        ['a\nb\nc', 'ab😀c', 'abc'].map((note) => ({ requestParameters: { note } })),
      ),
    ).toEqual([true, true, false]);
  });
});

describe('re: case-sensitive, with the i, m and s flags (Spec "Regular Expression")', () => {
  it('is case-sensitive by default', () => {
    const r = sigma(`
selection:
    eventName|re: '^Delete(Trail|Bucket)$'
condition: selection`);
    expect(verdicts(r, [{ eventName: 'DeleteTrail' }, { eventName: 'deletetrail' }, { eventName: 'DeleteTrails' }])).toEqual([true, false, false]);
  });
  it('|i makes it case-insensitive', () => {
    const r = sigma(`
selection:
    eventName|re|i: '^delete(trail|bucket)$'
condition: selection`);
    expect(verdicts(r, [{ eventName: 'DeleteTrail' }, { eventName: 'DELETEBUCKET' }, { eventName: 'StopLogging' }])).toEqual([true, true, false]);
  });
  it('|m lets ^ and $ match at line breaks', () => {
    const plain = sigma(`
selection:
    requestParameters.script|re: '^rm -rf /$'
condition: selection`);
    const multi = sigma(`
selection:
    requestParameters.script|re|m: '^rm -rf /$'
condition: selection`);
    const event = { requestParameters: { script: 'echo hi\nrm -rf /\necho bye' } };
    expect([plain(event), multi(event)]).toEqual([false, true]);
  });
  it('|s lets . match a line break', () => {
    const plain = sigma(`
selection:
    requestParameters.script|re: 'begin.+end'
condition: selection`);
    const dotAll = sigma(`
selection:
    requestParameters.script|re|s: 'begin.+end'
condition: selection`);
    const event = { requestParameters: { script: 'begin\nend' } };
    expect([plain(event), dotAll(event)]).toEqual([false, true]);
  });
  it('the flags combine, and pySigma spells them ignorecase, multiline, dotall too', () => {
    const r = sigma(`
selection:
    requestParameters.script|re|ignorecase|multiline|dotall: '^BEGIN.END$'
condition: selection`);
    expect(verdicts(r, [{ requestParameters: { script: 'x\nbegin\nend' } }, { requestParameters: { script: 'begin--end' } }])).toEqual([true, false]);
  });
});

describe('keywords: field-less values match anywhere in the event (Spec "Lists" of keywords)', () => {
  const event = {
    eventName: 'RunInstances',
    requestParameters: { userData: 'IyEvYmluL2Jhc2g=', tags: [{ key: 'Owner', value: 'Mallory-Miner' }] },
    responseElements: { count: 7 },
  };
  it('a list of strings: any of them, case-insensitive, as a substring of any string value at any depth', () => {
    const r = sigma(`
keywords:
    - 'xmrig'
    - 'mallory-MINER'
condition: keywords`);
    expect(r(event)).toBe(true);
    expect(r({ ...event, requestParameters: {} })).toBe(false);
  });
  it('a single string is one keyword', () => {
    const r = sigma(`
keywords: 'runinst'
condition: keywords`);
    expect(verdicts(r, [event, { eventName: 'StopInstances' }])).toEqual([true, false]);
  });
  it('keywords take wildcards', () => {
    const r = sigma(`
keywords:
    - 'Mallory-*er'
    - 'Iy?vYm'
condition: keywords`);
    expect(verdicts(r, [{ a: 'x Mallory-Miner y' }, { a: 'IyEvYm' }, { a: 'Mallory' }])).toEqual([true, true, false]);
  });
  it('keys, numbers and booleans are not searched, only string values', () => {
    const r = sigma(`
keywords:
    - 'owner'
    - '7'
    - 'true'
condition: keywords`);
    expect(verdicts(r, [{ owner: 'x', n: 7, b: true }, { note: 'the owner' }])).toEqual([false, true]);
  });
  it('|all: every keyword somewhere', () => {
    const r = sigma(`
keywords:
    '|all':
        - 'runinstances'
        - 'miner'
condition: keywords`);
    expect(verdicts(r, [event, { eventName: 'RunInstances' }])).toEqual([true, false]);
  });
  it('combine with field selections in the condition, and a list may mix maps and keywords', () => {
    const r = sigma(`
selection:
    eventName: RunInstances
keywords:
    - 'miner'
mixed:
    - eventSource: ec2.amazonaws.com
    - 'IyEv'
condition: selection and keywords and mixed`);
    expect(
      verdicts(r, [event, { ...event, eventName: 'StartInstances' }, { eventName: 'RunInstances', a: 'miner', eventSource: 'ec2.amazonaws.com' }]),
    ).toEqual([true, false, true]);
  });
});

describe('fieldref: equal to another field of the same event', () => {
  const r = sigma(`
selection:
    userIdentity.userName|fieldref: requestParameters.userName
condition: selection`);
  it('matches when both fields hold the same text, ignoring case', () => {
    expect(
      verdicts(r, [
        { userIdentity: { userName: 'alice' }, requestParameters: { userName: 'alice' } },
        { userIdentity: { userName: 'Alice' }, requestParameters: { userName: 'ALICE' } },
        { userIdentity: { userName: 'alice' }, requestParameters: { userName: 'bob' } },
      ]),
    ).toEqual([true, true, false]);
  });
  it('an absent or null field on either side is no match', () => {
    expect(
      verdicts(r, [
        { userIdentity: { userName: 'alice' } },
        { requestParameters: { userName: 'alice' } },
        {},
        { userIdentity: { userName: null }, requestParameters: { userName: null } },
      ]),
    ).toEqual([false, false, false, false]);
  });
  it('|cased compares case too; with neq it means "different"', () => {
    const cased = sigma(`
selection:
    userIdentity.userName|fieldref|cased: requestParameters.userName
condition: selection`);
    const different = sigma(`
selection:
    userIdentity.userName|fieldref|neq: requestParameters.userName
condition: selection`);
    const events = [
      { userIdentity: { userName: 'Alice' }, requestParameters: { userName: 'alice' } },
      { userIdentity: { userName: 'alice' }, requestParameters: { userName: 'alice' } },
      { userIdentity: { userName: 'alice' }, requestParameters: { userName: 'bob' } },
    ];
    expect(verdicts(cased, events)).toEqual([false, true, false]);
    expect(verdicts(different, events)).toEqual([false, false, true]);
  });
});

describe('gt, gte, lt, lte: numbers (Spec "Numeric Modifiers")', () => {
  const over = (mod: string, bound: number) =>
    sigma(`
selection:
    requestParameters.maxCount|${mod}: ${bound}
condition: selection`);
  const at = (value: unknown) => ({ requestParameters: { maxCount: value } });
  it('compare numbers, at and around the bound', () => {
    const values = [9, 10, 11];
    expect(verdicts(over('gt', 10), values.map(at))).toEqual([false, false, true]);
    expect(verdicts(over('gte', 10), values.map(at))).toEqual([false, true, true]);
    expect(verdicts(over('lt', 10), values.map(at))).toEqual([true, false, false]);
    expect(verdicts(over('lte', 10), values.map(at))).toEqual([true, true, false]);
  });
  it('a string that is a decimal number compares numerically (not as text: "9" > "10" as text)', () => {
    expect(verdicts(over('gt', 10), ['9', '100', '10.5', '-20', '1e3'].map(at))).toEqual([false, true, true, false, true]);
  });
  it('anything else never matches: other text, booleans, objects, null, absent', () => {
    expect(verdicts(over('lt', 10), [...['', 'five', '0x5', true, { n: 1 }, null].map(at), {}])).toEqual([false, false, false, false, false, false, false]);
  });
  it('fractional bounds and negative values', () => {
    expect(verdicts(over('lte', -1.5), [-2, -1.5, -1, '-1.50'].map(at))).toEqual([true, true, false, true]);
  });
});

describe('neq: not equal; a missing field matches (pySigma SigmaNegateModifier: the item becomes NOT)', () => {
  it('one value: anything but it, an absent or null field included', () => {
    const r = sigma(`
selection:
    eventName: ConsoleLogin
filter:
    responseElements.ConsoleLogin|neq: Success
condition: selection and filter`);
    expect(
      verdicts(r, [
        { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' } },
        { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'success' } },
        { eventName: 'ConsoleLogin' },
        { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: null } },
      ]),
    ).toEqual([true, false, true, true]);
  });
  it('a list: none of them (not (a or b))', () => {
    const r = sigma(`
selection:
    eventName|neq:
        - GetObject
        - HeadObject
condition: selection`);
    expect(verdicts(r, [{ eventName: 'PutObject' }, { eventName: 'GetObject' }, { eventName: 'headobject' }])).toEqual([true, false, false]);
  });
  it('combines with other modifiers, and with numbers', () => {
    const notCli = sigma(`
selection:
    userAgent|contains|neq: aws-cli
condition: selection`);
    expect(verdicts(notCli, [{ userAgent: 'Boto3/1.34' }, { userAgent: '[aws-cli/2]' }])).toEqual([true, false]);
    const notSeven = sigma(`
selection:
    responseElements.count|neq: 7
condition: selection`);
    expect(verdicts(notSeven, [{ responseElements: { count: 8 } }, { responseElements: { count: 7 } }, { responseElements: { count: '7' } }])).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('expand: %name% placeholders from the config', () => {
  it('%trustedNetworks.cidrs% with cidr expands to the trusted networks', () => {
    const r = sigma(`
selection:
    sourceIPAddress|cidr|expand: '%trustedNetworks.cidrs%'
condition: not selection`);
    expect(
      verdicts(
        r,
        ['203.0.113.9', '2001:db8::1', '198.51.100.7'].map((sourceIPAddress) => ({ sourceIPAddress })),
      ),
    ).toEqual([false, false, true]);
  });
  it('a placeholder inside text is replaced in place, each config value a variant, and config wildcards stay wildcards', () => {
    const r = sigma(`
selection:
    userIdentity.arn|expand: 'arn:aws:sts::%aws.managementAccountId%:assumed-role/*'
breakglass:
    userIdentity.sessionContext.sessionIssuer.arn|expand: '%breakGlass.aws.roleArns%'
condition: selection or breakglass`);
    expect(
      verdicts(r, [
        { userIdentity: { arn: 'arn:aws:sts::111122223333:assumed-role/Ops/alice' } },
        { userIdentity: { arn: 'arn:aws:sts::444455556666:assumed-role/Ops/alice' } },
        { userIdentity: { sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::444455556666:role/BreakGlassAdmin' } } } },
      ]),
    ).toEqual([true, false, true]);
  });
  it('without expand, %name% is plain text', () => {
    const r = sigma(`
selection:
    requestParameters.note: '%aws.organizationId%'
condition: selection`);
    expect(verdicts(r, [{ requestParameters: { note: '%aws.organizationId%' } }, { requestParameters: { note: 'o-a1b2c3d4e5' } }])).toEqual([true, false]);
  });
  it('an empty config list matches nothing', () => {
    const r = sigma(
      `
selection:
    userIdentity.arn|expand: '%breakGlass.aws.roleArns%'
condition: selection`,
      { ...VALUES, 'breakGlass.aws.roleArns': [] },
    );
    expect(r({ userIdentity: { arn: 'arn:aws:iam::1:role/BreakGlass' } })).toBe(false);
  });
  it('an unknown placeholder is one line naming it and the known ones', () => {
    expect(() =>
      sigma(`
selection:
    IpAddress|expand: '%Admins_Workstations%'
condition: selection`),
    ).toThrow(
      /^probe\.yml: detection\.selection\.IpAddress\|expand: unknown placeholder %Admins_Workstations% \(known: %trustedNetworks\.cidrs%, %trustedNetworks\.aws\.vpcIds%/,
    );
  });
});

describe('objects compare as their compact JSON text, as KQL tostring() of a dynamic value does', () => {
  const event = { requestParameters: { policy: { Effect: 'Allow', Action: '*' } }, resources: [{ ARN: 'arn:aws:s3:::a', tags: { env: 'prod' } }] };
  it('contains on an object reads its JSON text', () => {
    const r = sigma(`
selection:
    requestParameters.policy|contains: '"Effect":"Allow"'
condition: selection`);
    expect(verdicts(r, [event, { requestParameters: { policy: { Effect: 'Deny' } } }])).toEqual([true, false]);
  });
  it('equals, wildcards and re read the same text', () => {
    const equals = sigma(`
selection:
    requestParameters.policy: '{"effect":"allow","action":"\\*"}'
condition: selection`);
    const wildcard = sigma(`
selection:
    resources.tags: '{"env":"*"}'
condition: selection`);
    const regex = sigma(`
selection:
    requestParameters.policy|re: '"Action":"\\*"'
condition: selection`);
    expect([equals(event), wildcard(event), regex(event)]).toEqual([true, true, true]);
  });
  it('an array along the path still fans out to its elements (any element counts)', () => {
    const r = sigma(`
selection:
    resources.ARN|endswith: ':::a'
condition: selection`);
    expect(r(event)).toBe(true);
  });
});

describe('all, null, exists, cidr, 1 of / all of, condition lists keep working', () => {
  it('contains|all needs every value', () => {
    const r = sigma(`
selection:
    userAgent|contains|all:
        - aws-cli/
        - exec-env/CloudShell
condition: selection`);
    expect(verdicts(r, [{ userAgent: 'aws-cli/2 md/exec-env/CloudShell' }, { userAgent: 'aws-cli/2' }])).toEqual([true, false]);
  });
  it('null is absent or null; exists is presence', () => {
    const nul = sigma(`
selection:
    errorCode: null
condition: selection`);
    const exists = sigma(`
selection:
    errorCode|exists: true
condition: selection`);
    const events = [{}, { errorCode: null }, { errorCode: 'AccessDenied' }];
    expect(verdicts(nul, events)).toEqual([true, true, false]);
    expect(verdicts(exists, events)).toEqual([false, true, true]);
  });
  it('cidr, 1 of and all of', () => {
    const r = sigma(`
selection_ip:
    sourceIPAddress|cidr: 198.51.100.0/24
selection_name:
    eventName: GetSecretValue
condition: 1 of selection_*`);
    const every = sigma(`
selection_ip:
    sourceIPAddress|cidr: 198.51.100.0/24
selection_name:
    eventName: GetSecretValue
condition: all of selection_*`);
    const events = [{ sourceIPAddress: '198.51.100.4' }, { eventName: 'GetSecretValue' }, { sourceIPAddress: '198.51.100.4', eventName: 'GetSecretValue' }, {}];
    expect(verdicts(r, events)).toEqual([true, true, true, false]);
    expect(verdicts(every, events)).toEqual([false, false, true, false]);
  });
  it('a list of conditions is their OR, and selection names may hold dashes', () => {
    const r = sigma(`
selection-a:
    eventName: StopLogging
selection-b:
    eventName: DeleteTrail
condition:
    - selection-a
    - selection-b`);
    expect(verdicts(r, [{ eventName: 'StopLogging' }, { eventName: 'DeleteTrail' }, { eventName: 'UpdateTrail' }])).toEqual([true, true, false]);
  });
});
