import { describe, expect, it } from 'vitest';
import {
  EVENT_PATTERN_DEFAULT_MAX_LENGTH,
  EVENT_PATTERN_MAX_LENGTH_CEILING,
  matchesEventPattern,
  validateEventPattern,
} from '../../../../core/detection/targets/eventbridge-pattern-evaluator.ts';

const detail = (fields: Record<string, unknown>) => ({ source: 'aws.ec2', detail: fields });

// EventBridge User Guide, "Amazon EventBridge event patterns": sample events and the patterns the
// docs say match them.
describe('the docs example events and event patterns', () => {
  const ec2 = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
  };

  it('matches EC2 instance-termination events', () => {
    const pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } };
    expect(matchesEventPattern(pattern, ec2)).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2, detail: { state: 'running' } })).toBe(false);
  });

  it('ORs the values of a field ("aws.ec2" or "aws.fargate")', () => {
    expect(matchesEventPattern({ source: ['aws.ec2', 'aws.fargate'] }, ec2)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.fargate'] }, ec2)).toBe(false);
  });

  it('needs every field in the pattern, with the same nesting', () => {
    expect(matchesEventPattern({ detail: { zone: ['a'] } }, ec2)).toBe(false);
    expect(matchesEventPattern({ state: ['terminated'] }, ec2)).toBe(false);
  });

  it('matches exactly, without case folding', () => {
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, ec2)).toBe(false);
    expect(matchesEventPattern({ detail: { state: ['terminated '] } }, ec2)).toBe(false);
  });

  it('matches numbers (the Macie risk-score example)', () => {
    const macie = { source: 'aws.macie', 'detail-type': 'Macie Alert', detail: { 'risk-score': 80, trigger: { risk: 8 } } };
    const pattern = { source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } };
    expect(matchesEventPattern(pattern, macie)).toBe(true);
    expect(matchesEventPattern({ detail: { 'risk-score': ['80'] } }, macie)).toBe(false);
  });
});

// "Matching null values and empty strings in Amazon EventBridge event patterns".
describe('null values and empty strings', () => {
  const autoscaling = {
    source: 'aws.autoscaling',
    'detail-type': 'EC2 Instance Launch Successful',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches null with [null] and "" with [""], never one for the other', () => {
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, autoscaling)).toBe(true);
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, autoscaling)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, autoscaling)).toBe(false);
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, autoscaling)).toBe(false);
  });

  it('treats null as a present leaf and an empty array as absent', () => {
    expect(matchesEventPattern({ detail: { responseElements: [{ exists: true }] } }, autoscaling)).toBe(true);
    expect(matchesEventPattern({ resources: [{ exists: false }] }, autoscaling)).toBe(true);
  });
});

// "Arrays in Amazon EventBridge event patterns".
describe('arrays in events', () => {
  it('matches when the pattern and event arrays intersect', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { resources: [event.resources[0]] })).toBe(false);
  });

  // aws/event-ruler README, "JSON Array Matching": fields may not come from different elements.
  it('matches objects inside arrays, one element at a time', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(matchesEventPattern({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], middleName: [{ exists: false }] } }, event)).toBe(true);
  });

  it('crushes nested arrays', () => {
    const event = { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] };
    expect(matchesEventPattern({ employees: { firstName: ['Peter'] } }, event)).toBe(true);
  });
});

// "Content filtering in Amazon EventBridge event patterns" and "Comparison operators for use in
// event patterns in Amazon EventBridge".
describe('content filtering', () => {
  it('prefix and suffix, plain and ignoring case', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesEventPattern({ source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, { source: 'aws.autoscaling', region: 'us-east-1' })).toBe(false);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    expect(matchesEventPattern({ detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'eventbridge' } })).toBe(true);
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'A.PNG' } })).toBe(true);
    expect(matchesEventPattern({ n: [{ prefix: '1' }] }, { n: 123 })).toBe(false);
  });

  it('equals-ignore-case', () => {
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' })).toBe(true);
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'alicia' })).toBe(false);
    expect(matchesEventPattern({ s: [{ 'equals-ignore-case': 'STRASSE' }] }, { s: 'straße' })).toBe(false);
  });

  it('wildcard, with \\* and \\\\ escapes (event-ruler README)', () => {
    expect(matchesEventPattern({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' })).toBe(true);
    expect(matchesEventPattern({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'simpleQueueService' })).toBe(false);
    expect(matchesEventPattern({ FilePath: [{ wildcard: 'dir/*.png' }] }, { FilePath: 'dir/a/b.png' })).toBe(true);
    expect(matchesEventPattern({ k: [{ wildcard: 'a\\*b' }] }, { k: 'a*b' })).toBe(true);
    expect(matchesEventPattern({ k: [{ wildcard: 'a\\*b' }] }, { k: 'axb' })).toBe(false);
    expect(matchesEventPattern({ k: [{ wildcard: 'a\\\\b' }] }, { k: 'a\\b' })).toBe(true);
    expect(matchesEventPattern({ k: [{ wildcard: '*.[x]' }] }, { k: 'f.[x]' })).toBe(true);
  });

  it('anything-but with a value, a list, prefix, suffix, equals-ignore-case and wildcard', () => {
    const state = (value: unknown) => detail({ state: value });
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('running'))).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('initializing'))).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, detail({ 'x-limit': 124 }))).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, state('stopped'))).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, detail({ 'x-limit': 200 }))).toBe(false);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, state('initializing'))).toBe(false);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, state('running'))).toBe(true);
    expect(matchesEventPattern({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' })).toBe(true);
    expect(matchesEventPattern({ state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'INITIALIZING' })).toBe(false);
    expect(matchesEventPattern({ state: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] }, { state: 'B' })).toBe(false);
    expect(matchesEventPattern({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/x' })).toBe(false);
    expect(matchesEventPattern({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/x' })).toBe(true);
    expect(matchesEventPattern({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, { source: 'com.example' })).toBe(true);
  });

  it('anything-but needs the field, and matches an array holding anything not excluded', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, detail({}))).toBe(false);
    // Amazon SNS "Numeric value matching" shows the same engine: [100, 50] matches anything-but [100, 500].
    expect(matchesEventPattern({ price: [{ 'anything-but': [100, 500] }] }, { price: [100, 50] })).toBe(true);
    expect(matchesEventPattern({ price: [{ 'anything-but': [100, 500] }] }, { price: [100] })).toBe(false);
    expect(matchesEventPattern({ state: [{ 'anything-but': 'x' }] }, { state: null })).toBe(true);
    expect(matchesEventPattern({ state: [{ 'anything-but': 'x' }] }, { state: { nested: 'x' } })).toBe(false);
  });

  it('numeric, on JSON numbers only (the c-count / d-count / x-limit example)', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesEventPattern(pattern, detail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }))).toBe(true);
    expect(matchesEventPattern(pattern, detail({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }))).toBe(false);
    expect(matchesEventPattern(pattern, detail({ 'c-count': '5', 'd-count': 3, 'x-limit': 301.8 }))).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['>=', 10, '<', 20] }] }, { n: 20 })).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['>', 0] }] }, { n: 6e9 })).toBe(false);
  });

  it('cidr for IPv4 and IPv6; anything that is not an IP literal is no match, never a crash', () => {
    const v4 = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    const ip = (value: unknown) => ({ detail: { sourceIPAddress: value } });
    expect(matchesEventPattern(v4, ip('10.0.0.33'))).toBe(true);
    expect(matchesEventPattern(v4, ip('10.0.0.255'))).toBe(true);
    expect(matchesEventPattern(v4, ip('10.0.1.0'))).toBe(false);
    for (const invalid of ['ec2.amazonaws.com', 'AWS Internal', '10.0.0.256', '10.0.0', '010.0.0.1', ' 10.0.0.1', '10.0.0.1/32', '', 167772161, null]) {
      expect(matchesEventPattern(v4, ip(invalid))).toBe(false);
    }
    const v6 = { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } };
    expect(matchesEventPattern(v6, ip('2001:DB8:0:0::1'))).toBe(true);
    expect(matchesEventPattern(v6, ip('2001:db9::1'))).toBe(false);
    expect(matchesEventPattern(v6, ip('10.0.0.1'))).toBe(false);
    expect(matchesEventPattern(v4, ip('::ffff:10.0.0.1'))).toBe(false);
    expect(matchesEventPattern(v6, ip('fe80::1%eth0'))).toBe(false);
    expect(matchesEventPattern(v6, ip('2001:db8:::1'))).toBe(false);
  });

  it('exists works on leaf nodes only (the c-count examples)', () => {
    const absent = { detail: { 'c-count': [{ exists: false }] } };
    const state = { state: ['initializing', 'running'] };
    expect(matchesEventPattern(absent, { 'detail-type': 'x', detail: state })).toBe(true);
    expect(matchesEventPattern(absent, { detail: { ...state, 'c-count': { c1: 100 } } })).toBe(true);
    expect(matchesEventPattern(absent, { detail: { ...state, 'c-count': 1 } })).toBe(false);
    expect(matchesEventPattern({ detail: { description: [{ exists: true }] } }, { detail: { description: 'x' } })).toBe(true);
    expect(matchesEventPattern({ detail: { description: [{ exists: true }] } }, { detail: { description: { x: 1 } } })).toBe(false);
    expect(matchesEventPattern({ detail: { description: [{ exists: true }] } }, {})).toBe(false);
    expect(matchesEventPattern({ detail: { errorCode: [{ exists: false }, 'AccessDenied'] } }, { detail: { errorCode: 'AccessDenied' } })).toBe(true);
  });

  it('combines anything-but and numeric (the complex example)', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const event = { time: '2017-10-02T16:24:49Z', detail: { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...event, detail: { ...event.detail, 'x-limit': 300 } })).toBe(false);
  });

  it('$or, including $or with an AND inside and nested $or (event-ruler README)', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
    const nested = { detail: { $or: [{ a: [1] }, { b: [2], $or: [{ c: [3] }, { d: [4] }] }] } };
    expect(matchesEventPattern(nested, { detail: { b: 2, d: 4 } })).toBe(true);
    expect(matchesEventPattern(nested, { detail: { b: 2 } })).toBe(false);
  });

  it('matches nothing in an event that is not a JSON object', () => {
    expect(matchesEventPattern({ source: ['aws.ec2'] }, 'aws.ec2')).toBe(false);
    expect(matchesEventPattern({ source: ['aws.ec2'] }, null)).toBe(false);
  });
});

describe('validateEventPattern', () => {
  it.each([
    [[], /at \$: an event pattern must be a JSON object/],
    [{}, /at \$: empty objects are not allowed/],
    [{ source: [] }, /at \$\.source: empty arrays are not allowed/],
    [{ source: 'aws.ec2' }, /at \$\.source: must be an object or an array/],
    [{ detail: {} }, /at \$\.detail: empty objects/],
    [{ source: [['aws.ec2']] }, /at \$\.source\[0\]: a match value must be/],
    [{ detail: { type: [{ contains: 'Normal' }] } }, /at \$\.detail\.type\[0\]: unknown operator "contains"/],
    [{ s: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    [{ s: [{ prefix: 5 }] }, /at \$\.s\[0\]\.prefix: must be a string or/],
    [{ s: [{ prefix: { 'equals-ignore-case': 5 } }] }, /\.prefix: must be a string or/],
    [{ s: [{ 'equals-ignore-case': ['a'] }] }, /equals-ignore-case: must be a string/],
    [{ s: [{ wildcard: 'a**b' }] }, /consecutive wildcard/],
    [{ s: [{ wildcard: 'a\\b' }] }, /backslash may only escape/],
    [{ s: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
    [{ s: [{ 'anything-but': [] }] }, /must not be empty/],
    [{ s: [{ 'anything-but': true }] }, /anything-but: must be a string, a number/],
    [{ s: [{ 'anything-but': { prefix: '' } }] }, /anything-but\.prefix: must be a non-empty string/],
    [{ s: [{ 'anything-but': { numeric: ['>', 1] } }] }, /cannot take "numeric"/],
    [{ s: [{ numeric: '>5' }] }, /numeric: must be an array/],
    [{ s: [{ numeric: ['>', '5'] }] }, /numeric\[1\]: must be a number/],
    [{ s: [{ numeric: ['!=', 5] }] }, /numeric\[0\]: must be one of/],
    [{ s: [{ numeric: ['<', 5, '>', 1] }] }, /range must start with ">" or ">="/],
    [{ s: [{ numeric: ['>', 5, '<', 1] }] }, /lower bound must be below/],
    [{ s: [{ numeric: ['>', 1, '<'] }] }, /one comparison and number/],
    [{ s: [{ numeric: ['<', 5.1e9] }] }, /between -5\.0e9 and \+5\.0e9/],
    [{ s: [{ exists: 'true' }] }, /exists: must be true or false/],
    [{ s: [{ cidr: '10.0.0.0' }] }, /is not an IPv4 or IPv6 CIDR/],
    [{ s: [{ cidr: '10.0.0.0/33' }] }, /\/33 is longer than an IPv4 address/],
    [{ s: [{ cidr: '10.0.0.1/32' }] }, /a \/32 is refused/],
    [{ s: [{ cidr: '2001:db8::1/128' }] }, /a \/128 is refused/],
    [{ s: [{ cidr: '10.0.0.5/24' }] }, /host bits set/],
    [{ s: [{ cidr: 'example.com/24' }] }, /is not an IPv4 or IPv6 CIDR/],
    [{ $or: [{ a: [1] }] }, /at \$\.\$or: "\$or" must be an array of at least two objects/],
    [{ $or: [{ a: [1] }, 'b'] }, /at \$\.\$or\[1\]: must be an object/],
    [{ a: [1], $or: [{ a: [2] }, { b: [3] }] }, /at \$\.\$or\[0\]\.a: this field is also constrained at \$\.a/],
    [{ detail: { prefix: ['x'] } }, /"prefix" is an operator/],
    [{ 'detail.state': ['x'] }, /\["detail\.state"\]: keys containing "\."/],
    [{ n: [Number.NaN] }, /numbers must be finite/],
  ])('rejects %j', (pattern, message) => {
    expect(() => validateEventPattern(pattern)).toThrow(message);
  });

  it('accepts every operator the docs list', () => {
    expect(() =>
      validateEventPattern({
        source: ['aws.ec2', 1, true, null, ''],
        detail: {
          a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { suffix: 'x' }, { suffix: { 'equals-ignore-case': 'x' } }],
          b: [{ 'equals-ignore-case': 'x' }, { wildcard: 'x*y' }, { numeric: ['>=', 0, '<=', 5e9] }, { cidr: '2001:db8::/32' }],
          c: [{ 'anything-but': 'x' }, { 'anything-but': [1, 2] }, { 'anything-but': { suffix: 'x' } }, { 'anything-but': { wildcard: '*x' } }],
          d: [{ exists: true }],
          $or: [{ e: [{ exists: false }] }, { f: [{ numeric: ['=', 0] }] }],
        },
      }),
    ).not.toThrow();
  });

  it(`enforces the default ${EVENT_PATTERN_DEFAULT_MAX_LENGTH}-character quota, raisable to ${EVENT_PATTERN_MAX_LENGTH_CEILING}`, () => {
    const sized = (length: number) => ({ a: ['x'.repeat(length - 10)] });
    expect(JSON.stringify(sized(2048))).toHaveLength(2048);
    expect(() => validateEventPattern(sized(2048))).not.toThrow();
    expect(() => validateEventPattern(sized(2049))).toThrow(/2049 characters long; the quota allows 2048/);
    expect(() => validateEventPattern(sized(4096), 4096)).not.toThrow();
    expect(() => validateEventPattern(sized(4097), 4096)).toThrow(/quota allows 4096/);
    expect(() => validateEventPattern(sized(10), 8192)).toThrow(/at most 4096/);
    expect(() => matchesEventPattern(sized(4097), {})).toThrow(/quota allows 4096/);
  });

  it('makes matchesEventPattern throw on an invalid pattern', () => {
    expect(() => matchesEventPattern({ source: [{ contains: 'ec2' }] }, { source: 'aws.ec2' })).toThrow(/unknown operator "contains"/);
  });
});

describe('anything-but wildcard lists (the form aws/event-ruler accepts)', () => {
  const pattern = { detail: { arn: [{ 'anything-but': { wildcard: ['arn:aws:iam::*:role/BreakGlass*', 'arn:aws:iam::*:role/cdk-*'] } }] } };
  it('excludes a value matching any listed pattern', () => {
    expect(matchesEventPattern(pattern, { detail: { arn: 'arn:aws:iam::1:role/BreakGlassAdmin' } })).toBe(false);
    expect(matchesEventPattern(pattern, { detail: { arn: 'arn:aws:iam::1:role/cdk-deploy' } })).toBe(false);
    expect(matchesEventPattern(pattern, { detail: { arn: 'arn:aws:iam::1:role/Admin' } })).toBe(true);
  });
  it('rejects an empty list', () => {
    expect(() => validateEventPattern({ detail: { arn: [{ 'anything-but': { wildcard: [] } }] } })).toThrow(/must not be empty/);
  });
});
