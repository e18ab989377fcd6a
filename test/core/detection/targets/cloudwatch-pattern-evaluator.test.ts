import { describe, expect, it } from 'vitest';
import { CLOUDWATCH_FILTER_PATTERN_MAX_LENGTH, compileCloudWatchPattern } from '../../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';

const matches = (pattern: string, event: unknown): boolean => compileCloudWatchPattern(pattern)(event);

// AWS docs, "Filter pattern syntax for metric filters, subscription filters, filter log events, and
// Live Tail" and "Using filter patterns to match terms in JSON log events": the sample log event and
// the patterns the docs say match it.
describe('the docs sample JSON log event', () => {
  const event = {
    eventType: 'UpdateTrail',
    sourceIPAddress: '111.111.111.111',
    arrayKey: ['value', 'another value'],
    objectList: [
      { name: 'a', id: 1 },
      { name: 'b', id: 2 },
    ],
    SomeObject: null,
    'cluster.name': 'c',
  };

  it.each([
    '{ $.eventType = "UpdateTrail" }',
    '{ $.sourceIPAddress != 123.123.* }',
    '{ $.arrayKey[0] = "value" }',
    '{ $.eventType = %Trail% }',
    '{ $.arrayKey[*] = %val.{2}% }',
    '{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }',
    '{ $.[\'cluster.name\'] = "c" }',
    '{ $.SomeObject IS NULL }',
    '{ $.SomeOtherObject NOT EXISTS }',
  ])('matches %s', (pattern) => {
    expect(matches(pattern, event)).toBe(true);
  });

  // From the earlier edition of the same page ("Filter and Pattern Syntax"), which also had ThisFlag.
  it('matches the earlier edition examples', () => {
    const withFlag = { ...event, ThisFlag: true };
    expect(matches('{ $.objectList[1].id = 2 }', withFlag)).toBe(true);
    expect(matches('{ $.ThisFlag IS TRUE }', withFlag)).toBe(true);
    expect(matches('{ $.ThisFlag IS FALSE }', withFlag)).toBe(false);
    expect(matches('{ $.ThisFlag IS FALSE }', { ThisFlag: false })).toBe(true);
  });

  it('does not match what the docs rule out', () => {
    expect(matches('{ $.sourceIPAddress != 111.111.* }', event)).toBe(false);
    expect(matches('{ $.SomeObject NOT EXISTS }', event)).toBe(false);
    // "If arrayKey is not an array this will be false", and no implicit fan-out into arrays.
    expect(matches('{ $.eventType[0] = "UpdateTrail" }', event)).toBe(false);
    expect(matches('{ $.objectList.id = 1 }', event)).toBe(false);
    expect(matches('{ $.arrayKey = "value" }', event)).toBe(false);
  });
});

// Same page, compound expressions: the docs state which of these match.
describe('the docs compound expression examples', () => {
  const event = {
    user: { id: 1, email: 'John.Stiles@example.com' },
    users: [
      { id: 2, email: 'John.Doe@example.com' },
      { id: 3, email: 'Jane.Doe@example.com' },
    ],
    actions: ['GET', 'PUT', 'DELETE'],
    coordinates: [
      [0, 1, 2],
      [4, 5, 6],
      [7, 8, 9],
    ],
  };

  it.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.coordinates[2][0] = 7 }', true],
  ])('%s -> %s', (pattern, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });
});

describe('OR matching (docs: {$.foo = bar || $.foo = baz})', () => {
  it('matches either value', () => {
    expect(matches('{$.foo = bar}', { foo: 'bar' })).toBe(true);
    expect(matches('{$.foo = baz }', { foo: 'bar' })).toBe(false);
    expect(matches('{$.foo = bar || $.foo = baz }', { foo: 'baz' })).toBe(true);
  });
});

// Same page, "Writing filter patterns that match numeric values", and the earlier edition's examples.
describe('numeric comparisons', () => {
  it.each([
    ['{ $.bandwidth > 75 }', { bandwidth: 76 }, true],
    ['{ $.latency < 50 }', { latency: 50 }, false],
    ['{ $.refreshRate >= 60 }', { refreshRate: 60 }, true],
    ['{ $.responseTime <= 5 }', { responseTime: 5.5 }, false],
    ['{ $.errorCode = 400}', { errorCode: 400 }, true],
    ['{ $.errorCode != 500 }', { errorCode: 400 }, true],
    ['{ $.number[0] = 1e+3 }', { number: [1000] }, true],
    ['{ $.number[0] != 1e-3 }', { number: [0.001] }, false],
    ['{ $.numbers[0] < 10e3 }', { numbers: [9999] }, true],
    ['{ $.processes[4].averageRuntime <= 55.5 }', { processes: [0, 0, 0, 0, { averageRuntime: 55.5 }] }, true],
    ['{ $.latency > +1000 }', { latency: 1001 }, true],
    ['{ $.delta > -5 }', { delta: -4 }, true],
    ['{ $.latency = * }', { latency: 12 }, true],
  ])('%s on %j -> %s', (pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  // "both {$.users = 1} and {$.users != 1} will fail to match a log event where users is an array".
  it('never applies a comparison to an array or object', () => {
    expect(matches('{ $.users = 1 }', { users: [1, 2, 3] })).toBe(false);
    expect(matches('{ $.users != 1 }', { users: [1, 2, 3] })).toBe(false);
    expect(matches('{ $.user != 1 }', { user: { id: 1 } })).toBe(false);
  });
});

describe('missing fields, nulls and booleans', () => {
  it('makes = and != both false on a missing field; NOT EXISTS is the way to catch it', () => {
    expect(matches('{ $.errorCode = "AccessDenied" }', {})).toBe(false);
    expect(matches('{ $.errorCode != "AccessDenied" }', {})).toBe(false);
    expect(matches('{ $.errorCode != "AccessDenied" || $.errorCode NOT EXISTS }', {})).toBe(true);
    expect(matches('{ $.latency > 0 }', {})).toBe(false);
  });

  it('treats null and booleans as no value for comparisons', () => {
    expect(matches('{ $.errorCode != "x" }', { errorCode: null })).toBe(false);
    expect(matches('{ $.flag != "x" }', { flag: true })).toBe(false);
    expect(matches('{ $.errorCode = * }', { errorCode: null })).toBe(false);
  });

  it('sees a path through null or a string as absent, not null', () => {
    expect(matches('{ $.requestParameters.userName NOT EXISTS }', { requestParameters: null })).toBe(true);
    expect(matches('{ $.requestParameters.userName IS NULL }', { requestParameters: null })).toBe(false);
    expect(matches('{ $.a.b NOT EXISTS }', { a: 'text' })).toBe(true);
  });

  it('only matches JSON object log events', () => {
    expect(matches('{ $.a NOT EXISTS }', 'plain text')).toBe(false);
    expect(matches('{ $.a NOT EXISTS }', null)).toBe(false);
    expect(matches('{ $.a NOT EXISTS }', [])).toBe(false);
  });
});

describe('strings', () => {
  it('is case sensitive in values and keys', () => {
    expect(matches('{ $.eventName = "ConsoleLogin" }', { eventName: 'consolelogin' })).toBe(false);
    expect(matches('{ $.eventName = "ConsoleLogin" }', { EventName: 'ConsoleLogin' })).toBe(false);
    expect(matches('{ $.eventName = ConsoleLogin }', { eventName: 'ConsoleLogin' })).toBe(true);
  });

  it('treats * at either end as a wildcard ("*Event", "Event*")', () => {
    expect(matches('{ $.e = *Event }', { e: 'PutEvent' })).toBe(true);
    expect(matches('{ $.e = Event* }', { e: 'EventName' })).toBe(true);
    expect(matches('{ $.e = "*Event*" }', { e: 'PutEventSelectors' })).toBe(true);
    expect(matches('{ $.e = "*Event*" }', { e: 'PutEVENT' })).toBe(false);
    expect(matches('{ $.e = "" }', { e: '' })).toBe(true);
  });

  it('matches S3-style bracketed user agents only with quotes', () => {
    const event = { userAgent: '[aws-cli/2.15.0 Python/3.11]' };
    expect(matches('{ $.userAgent = "[aws-cli/*" }', event)).toBe(true);
    expect(matches('{ $.userAgent = "aws-cli/*" }', event)).toBe(false);
    expect(() => compileCloudWatchPattern('{ $.userAgent = [aws-cli/* }')).toThrow(/double quotes/);
  });

  it('runs regex anywhere in the value, with the documented operators', () => {
    expect(matches('{ $.msg = %^[hc]at% }', { msg: 'hat trick' })).toBe(true);
    expect(matches('{ $.msg = %[hc]at$% }', { msg: 'the cat' })).toBe(true);
    expect(matches('{ $.msg = %colou?r% }', { msg: 'colour' })).toBe(true);
    expect(matches('{ $.msg = %a{3,5}% }', { msg: 'aa' })).toBe(false);
    expect(matches('{ $.msg = %a{,2}b% }', { msg: 'aab' })).toBe(true);
    expect(matches('{ $.msg = %gra|ey% }', { msg: 'grey' })).toBe(true);
    expect(matches('{ $.msg = %\\d\\s\\w% }', { msg: '1 x' })).toBe(true);
    expect(matches('{ $.msg = %\\x3A% }', { msg: 'a:b' })).toBe(true);
    expect(matches('{ $.ip = %10\\.10\\.0\\.1% }', { ip: '10010,051' })).toBe(false);
    expect(matches('{ $.ip = %10.10.0.1% }', { ip: '10010,051' })).toBe(true);
    expect(matches('{ $.msg != %Trail% }', { msg: 'Login' })).toBe(true);
  });

  it('refuses to guess when a string operand meets a number, or the reverse', () => {
    expect(() => matches('{ $.errorCode = "400" }', { errorCode: 400 })).toThrow(/does not say|will not guess/);
    expect(() => matches('{ $.errorCode = 400 }', { errorCode: '400' })).toThrow(/will not guess/);
    expect(() => matches('{ $.latency > 100 }', { latency: '150' })).toThrow(/numeric operand with a string/);
  });
});

describe('syntax it rejects', () => {
  it.each([
    ['ERROR', /only the JSON form/],
    ['[ip, user, status_code = 4*]', /only the JSON form/],
    ['{ }', /property selector starting with "\$\."/],
    ['{ $.a = "x" ', /closing "}"/],
    ['{ $.a = "x" } extra', /after the closing/],
    ['{ $.a = "unterminated }', /unterminated quoted string/],
    ['{ $.a = "with \\"quote\\"" }', /escape sequences/],
    ['{ ($.a = 1 }', /expected "\)"/],
    ['{ $.a == 1 }', /expected a value/],
    ['{ $.a ~ 1 }', /expected an operator/],
    ['{ $.a IS NOT NULL }', /"IS NOT" is not supported/],
    ['{ $.a EXISTS }', /"EXISTS" is not supported/],
    ['{ $.a IS null }', /expected NULL, TRUE or FALSE/],
    ['{ $.a NOT NULL }', /expected EXISTS after NOT/],
    ['{ $[0] = 1 }', /starting with "\$\."/],
    ['{ $.a[x] = 1 }', /array index/],
    ['{ $.a@b = 1 }', /expected an operator/],
    ["{ $.['a.b = 1 }", /unterminated/],
    ['{ $.a = Ev*ent }', /only a wildcard at the start or end/],
    ['{ $.a = a@b.com }', /double quotes/],
    ['{ $.a = true }', /use IS TRUE/],
    ['{ $.a = null }', /use IS NULL/],
    ['{ $.a > "5" }', /needs a number, not a string/],
    ['{ $.a < abc }', /needs a number/],
    ['{ $.a = %(x|y)% }', /"\(" and "\)" are not supported/],
    ['{ $.a = %x!% }', /"!" is not allowed/],
    ['{ $.a = %é% }', /"é" is not allowed/],
    ['{ $.a = %a\\qb% }', /not a supported escape/],
    ['{ $.a = %a{x}% }', /quantifier/],
    ['{ $.a = %x } ', /unterminated %regex%/],
    ['{ $.a = %x% || $.b = %y% || $.c = %z% }', /at most 2 regular expressions/],
    ['{ $.a[*].b[*] = 1 }', /at most one wildcard/],
    ['{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 || $.* = 1 }', /at most 3 wildcard selectors/],
    ['{ $.arrayKey[*] != "value" }', /"!=" on a wildcard selector/],
  ])('%s', (pattern, message) => {
    expect(() => compileCloudWatchPattern(pattern)).toThrow(message);
  });

  it('names the position of the problem', () => {
    expect(() => compileCloudWatchPattern('{ $.eventName = "x" && $.b ? 1 }')).toThrow(/at position 28: expected an operator/);
  });

  it(`enforces the ${CLOUDWATCH_FILTER_PATTERN_MAX_LENGTH}-character limit`, () => {
    const at = (length: number) => `{ $.a = "${'x'.repeat(length - 12)}" }`;
    expect(at(1024)).toHaveLength(1024);
    expect(() => compileCloudWatchPattern(at(1024))).not.toThrow();
    expect(() => compileCloudWatchPattern(at(1025))).toThrow(/1025 characters long; AWS allows at most 1024/);
  });
});
