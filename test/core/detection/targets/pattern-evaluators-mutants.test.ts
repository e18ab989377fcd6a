import { describe, expect, it } from 'vitest';
import { compileCloudWatchPattern } from '../../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { matchesEventPattern, validateEventPattern } from '../../../../core/detection/targets/eventbridge-pattern-evaluator.ts';

// Targeted tests for the surviving mutants of the two pattern oracles (bench/mutation-results.md).
// CloudWatch: "Filter pattern syntax for metric filters, subscription filters, filter log events, and Live Tail",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html (JSON and regex sections).
// EventBridge: "Amazon EventBridge event patterns" https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
// "Comparison operators for use in event patterns" https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
// "Amazon EventBridge quotas" https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html.

const cw = (pattern: string, event: unknown): boolean => compileCloudWatchPattern(pattern)(event);
const cwError = (pattern: string, event: unknown = {}): string => {
  try {
    compileCloudWatchPattern(pattern)(event);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};
const ebError = (pattern: unknown, maxLength?: number): string => {
  try {
    validateEventPattern(pattern, maxLength);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};
const at = (position: number, problem: string, near: string): string =>
  `Invalid CloudWatch filter pattern at position ${position}: ${problem}${near === '' ? ' (at end of pattern)' : ` (near "${near}")`}`;
const eb = (path: string, problem: string): string => `Invalid EventBridge event pattern at ${path}: ${problem}`;

describe('CloudWatch: IS NULL, IS TRUE, IS FALSE (FilterAndPatternSyntax.html, JSON section)', () => {
  it('IS NULL holds only on a null value', () => {
    expect(cw('{ $.SomeObject IS NULL }', { SomeObject: 'x' })).toBe(false);
    expect(cw('{ $.SomeObject IS NULL }', { SomeObject: null })).toBe(true);
  });

  it('IS TRUE does not hold on false, nor IS FALSE on true', () => {
    expect(cw('{ $.ThisFlag IS TRUE }', { ThisFlag: false })).toBe(false);
    expect(cw('{ $.ThisFlag IS TRUE }', { ThisFlag: 'true' })).toBe(false);
    expect(cw('{ $.ThisFlag IS FALSE }', { ThisFlag: 'false' })).toBe(false);
  });

  it('holds through a wildcard selector when any element does', () => {
    expect(cw('{ $.flags[*] IS TRUE }', { flags: [false, true] })).toBe(true);
    expect(cw('{ $.flags[*] IS FALSE }', { flags: [true, false] })).toBe(true);
  });
});

describe('CloudWatch: numeric comparisons at their boundaries (FilterAndPatternSyntax.html, numeric values)', () => {
  it.each([
    ['{ $.errorCode = 400 }', 401, false],
    ['{ $.errorCode = 400 }', 400, true],
    ['{ $.errorCode != 400 }', 400, false],
    ['{ $.errorCode != 400 }', 401, true],
    ['{ $.errorCode > 400 }', 400, false],
    ['{ $.errorCode > 400 }', 401, true],
    ['{ $.errorCode >= 400 }', 399, false],
    ['{ $.errorCode >= 400 }', 400, true],
    ['{ $.errorCode < 400 }', 400, false],
    ['{ $.errorCode <= 400 }', 401, false],
  ])('%s on %d -> %s', (pattern, value, expected) => {
    expect(cw(pattern, { errorCode: value })).toBe(expected);
  });

  it('never matches "!= *": no value differs from every value', () => {
    expect(cw('{ $.latency != * }', { latency: 'x' })).toBe(false);
    expect(cw('{ $.latency != * }', { latency: 12 })).toBe(false);
  });
});

describe('CloudWatch: selectors (FilterAndPatternSyntax.html, JSON property selectors)', () => {
  it('reads multi-digit array indexes', () => {
    const values = Array.from({ length: 11 }, (_, i) => i);
    expect(cw('{ $.a[10] = 10 }', { a: values })).toBe(true);
    expect(cw('{ $.a[10] = 9 }', { a: values })).toBe(false);
  });

  it('applies [n] only to arrays, and .name only to objects', () => {
    expect(cw('{ $.a[0] = 1 }', { a: { '0': 1, length: 2 } })).toBe(false);
    expect(cw('{ $.a[0] = 1 }', { a: { undefined: 1 } })).toBe(false);
    expect(cw('{ $.a.b = "value" }', { a: ['value'] })).toBe(false);
  });

  it('allows up to three wildcard selectors in a pattern', () => {
    expect(cw('{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 }', { c: { d: 1 } })).toBe(true);
  });

  it('takes the text of a quoted property name literally', () => {
    expect(cw("{ $.[']x'] = 1 }", { ']x': 1 })).toBe(true);
  });

  it('names the position of a bad property name or array index', () => {
    expect(cwError('{ $.@a = 1 }')).toBe(at(5, 'expected a property name (letters, digits, "-" and "_"), "*" or [\'name\']', '@a = 1 }'));
    expect(cwError('{ $.a[x] = 1 || $.b[0] = 1 }')).toBe(at(6, 'expected an array index such as [0] or [*]', '[x] = 1 || $.b[0'));
  });
});

describe('CloudWatch: values and their error lines', () => {
  it('compares a value without wildcards for equality, not as a prefix', () => {
    expect(cw('{ $.eventType = "Update" }', { eventType: 'UpdateTrail' })).toBe(false);
    expect(cw('{ $.eventType = Update }', { eventType: 'UpdateTrail' })).toBe(false);
  });

  it('accepts bare words that merely contain true, false or null', () => {
    expect(cw('{ $.a = untrue }', { a: 'untrue' })).toBe(true);
    expect(cw('{ $.a = nullable }', { a: 'nullable' })).toBe(true);
  });

  it.each([
    ['{ $.a < abc }', at(9, '"<" needs a number, such as 500, -1.5 or 10e3', 'abc }')],
    ['{ $.a = True }', at(9, 'use IS TRUE to test for true', 'True }')],
    ['{ $.a = "Ev*ent" }', at(9, '"*" is only a wildcard at the start or end of a value', '"Ev*ent" }')],
    ['{ $.a NOT 5 }', at(11, 'expected EXISTS after NOT', '5 }')],
    ['{ $.a ? IS NULL }', at(7, 'expected an operator: =, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS', '? IS NULL }')],
    ['{ $.a = 1', at(10, 'expected "&&", "||" or the closing "}"', '')],
    ['{ $.a = 1 } and more text', at(13, 'unexpected text after the closing "}"', 'and more text')],
  ])('%s', (pattern, message) => {
    expect(cwError(pattern)).toBe(message);
  });

  it('names the selector and both types when a string operand meets a number, or the reverse', () => {
    const tail = '; the AWS docs do not say whether that matches, so this evaluator will not guess';
    expect(cwError('{ $.errorCode = "400" }', { errorCode: 400 })).toBe(
      `CloudWatch filter pattern { $.errorCode = "400" }: $.errorCode compares a string operand with a number value${tail}`,
    );
    expect(cwError('{ $.errorCode = 400 }', { errorCode: '400' })).toBe(
      `CloudWatch filter pattern { $.errorCode = 400 }: $.errorCode compares a numeric operand with a string value${tail}`,
    );
  });
});

describe('CloudWatch: regular expressions (FilterAndPatternSyntax.html, "Using regex to match terms")', () => {
  it('allows two regular expressions in a pattern', () => {
    expect(cw('{ $.a = %x% || $.b = %y% }', { b: 'y' })).toBe(true);
  });

  it('translates \\x, \\d and the m,n quantifiers exactly', () => {
    expect(cw('{ $.msg = %\\x3A% }', { msg: 'ab' })).toBe(false);
    expect(cw('{ $.msg = %ab\\x41% }', { msg: 'abA' })).toBe(true);
    expect(cw('{ $.msg = %\\d% }', { msg: 'abc' })).toBe(false);
    expect(cw('{ $.msg = %^a{,2}b$% }', { msg: 'b' })).toBe(true);
    expect(cw('{ $.msg = %a{2}b% }', { msg: 'aac' })).toBe(false);
    expect(cw('{ $.msg = %a{10}% }', { msg: 'a'.repeat(10) })).toBe(true);
    expect(cw('{ $.msg = %a{10}% }', { msg: 'a'.repeat(9) })).toBe(false);
    expect(cw('{ $.msg = %^a{2,}b$% }', { msg: 'aaab' })).toBe(true);
    expect(cw('{ $.msg = %^a{2,}b$% }', { msg: 'ab' })).toBe(false);
  });

  it.each([
    ['{ $.a = %ab(% }', at(12, '"(" and ")" are not supported in CloudWatch regex', '(% }')],
    ['{ $.a = %ab)% }', at(12, '"(" and ")" are not supported in CloudWatch regex', ')% }')],
    ['{ $.a = %a\\% }', at(11, '"\\" is not a supported escape', '\\% }')],
    ['{ $.a = %\\xZZ% }', at(10, '"\\x" must be followed by two hexadecimal digits', '\\xZZ% }')],
    ['{ $.a = %a{}% }', at(11, '"{" must start a quantifier such as {3,5}', '{}% }')],
    ['{ $.a = %a{x}b{2}% }', at(11, '"{" must start a quantifier such as {3,5}', '{x}b{2}% }')],
    ['{ $.a = %[a% }', at(10, 'not a valid regular expression (Invalid regular expression: /[a/: Unterminated character class)', '[a% }')],
  ])('%s', (pattern, message) => {
    expect(cwError(pattern)).toBe(message);
  });
});

describe('EventBridge: the size quota and the $or expansion bound', () => {
  it('names the pattern root when the pattern is over the quota (eb-quota.html: 2,048 characters)', () => {
    expect(ebError({ x: ['a'.repeat(3000)] })).toBe(eb('$', 'the pattern is 3010 characters long; the quota allows 2048'));
  });

  it('accepts a $or expansion of exactly 1000 alternatives and refuses 1100', () => {
    const branches = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ [`${prefix}${i}`]: ['v'] }));
    const pattern = (n: number) => ({ $or: branches('a', n), detail: { $or: branches('b', 10), inner: { $or: branches('c', 10) } } });
    expect(ebError(pattern(10), 4096)).toBe('no error');
    expect(ebError(pattern(11), 4096)).toBe(eb('$.detail', '"$or" expands to more than 1000 alternatives'));
  });
});

describe('EventBridge: match values (eb-event-patterns.html, eb-create-pattern-operators.html)', () => {
  it('matches numbers and booleans by value', () => {
    expect(matchesEventPattern({ n: [5] }, { n: 6 })).toBe(false);
    expect(matchesEventPattern({ n: [5] }, { n: 5 })).toBe(true);
    expect(matchesEventPattern({ flag: [true] }, { flag: true })).toBe(true);
    expect(matchesEventPattern({ flag: [true] }, { flag: false })).toBe(false);
  });

  it('needs the same nesting: a string field does not satisfy a nested condition', () => {
    expect(matchesEventPattern({ detail: { state: ['terminated'] } }, { detail: 'terminated' })).toBe(false);
  });

  it('matches nothing in an event that is not a JSON object', () => {
    expect(matchesEventPattern({ source: ['aws.ec2'] }, [{ source: 'aws.ec2' }])).toBe(false);
  });

  it('equals-ignore-case compares every character, and the length', () => {
    expect(matchesEventPattern({ name: [{ 'equals-ignore-case': 'abc' }] }, { name: 'ab' })).toBe(false);
    expect(matchesEventPattern({ name: [{ 'equals-ignore-case': 'abc' }] }, { name: 'xyz' })).toBe(false);
    expect(matchesEventPattern({ name: [{ 'equals-ignore-case': 'abc' }] }, { name: 'abd' })).toBe(false);
    expect(matchesEventPattern({ name: [{ 'equals-ignore-case': 'abc' }] }, { name: 'ABC' })).toBe(true);
  });

  it('prefix with equals-ignore-case matches a whole-value prefix and not a shorter value', () => {
    expect(matchesEventPattern({ name: [{ prefix: { 'equals-ignore-case': 'abc' } }] }, { name: 'ABC' })).toBe(true);
    expect(matchesEventPattern({ name: [{ prefix: { 'equals-ignore-case': 'abc' } }] }, { name: 'AB' })).toBe(false);
  });

  it.each([
    [{ x: [{ exists: true, prefix: 'a' }] }, eb('$.x[0]', 'an operator object must have exactly one key')],
    [{ x: [{}] }, eb('$.x[0]', 'an operator object must have exactly one key')],
    [{ x: [{ prefix: 'a', suffix: 'b' }] }, eb('$.x[0]', 'an operator object must have exactly one key')],
    [
      { x: [{ contains: 'a' }] },
      eb('$.x[0]', 'unknown operator "contains"; EventBridge documents prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists'),
    ],
    [{ x: [{ prefix: 5 }] }, eb('$.x[0].prefix', 'must be a string or { "equals-ignore-case": "<string>" }')],
    [{ x: [{ prefix: { 'equals-ignore-case': 'a', other: 1 } }] }, eb('$.x[0].prefix', 'must be a string or { "equals-ignore-case": "<string>" }')],
    [{ x: [{ wildcard: 5 }] }, eb('$.x[0].wildcard', 'must be a string')],
  ])('refuses %j', (pattern, message) => {
    expect(ebError(pattern)).toBe(message);
  });
});

describe('EventBridge: anything-but (eb-create-pattern-operators.html)', () => {
  it.each([
    [
      { x: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      eb('$.x[0].anything-but', 'must be a string, a number, a list of either, or one of prefix, suffix, equals-ignore-case, wildcard'),
    ],
    [{ x: [{ 'anything-but': { prefix: 5 } }] }, eb('$.x[0].anything-but.prefix', 'must be a non-empty string')],
    [{ x: [{ 'anything-but': { 'equals-ignore-case': [] } }] }, eb('$.x[0].anything-but.equals-ignore-case', 'the list must not be empty')],
    [{ x: [{ 'anything-but': { 'equals-ignore-case': ['a', 5] } }] }, eb('$.x[0].anything-but.equals-ignore-case[1]', 'must be a string')],
    [{ x: [{ 'anything-but': { wildcard: ['a*', 5] } }] }, eb('$.x[0].anything-but.wildcard[1]', 'must be a string')],
  ])('refuses %j', (pattern, message) => {
    expect(ebError(pattern)).toBe(message);
  });
});

describe('EventBridge: numeric matching (eb-create-pattern-operators.html, "Numeric matching")', () => {
  const num = (operand: unknown[], value: number) => matchesEventPattern({ x: [{ numeric: operand }] }, { x: value });

  it.each([
    [['=', 5], 6, false],
    [['=', 5], 5, true],
    [['<', 5], 5, false],
    [['<', 5], 4, true],
    [['<=', 5], 5, true],
    [['<=', 5], 4, true],
    [['<=', 5], 6, false],
    [['>', 5], 5, false],
    [['>', 5], 6, true],
    [['>', 5], 4, false],
    [['>=', 5], 5, true],
    [['>=', 5], 6, true],
    [['>=', 5], 4, false],
    [['>=', 0, '<', 5], 0, true],
    [['>=', 0, '<', 5], -1, false],
    [['>', 0, '<', 5], 0, false],
    [['>', 0, '<', 5], 5, false],
    [['>', 0, '<', 5], 6, false],
    [['>', 0, '<=', 5], 5, true],
    [['>', 0, '<=', 5], 6, false],
    [['>', 0], 5e9, true],
  ])('%j on %d -> %s', (operand, value, expected) => {
    expect(num(operand, value)).toBe(expected);
  });

  it.each([
    [['>', Number.POSITIVE_INFINITY], eb('$.x[0].numeric[1]', 'must be a number')],
    [['>', 6e9], eb('$.x[0].numeric[1]', 'must be between -5.0e9 and +5.0e9')],
    [['<', 0, '<', 5], eb('$.x[0].numeric[0]', 'a range must start with ">" or ">="')],
    [['>', 0, '>', 5], eb('$.x[0].numeric[2]', 'a range must end with "<" or "<="')],
    [['>', 5, '<', 5], eb('$.x[0].numeric', 'the lower bound must be below the upper bound')],
  ])('refuses %j', (operand, message) => {
    expect(ebError({ x: [{ numeric: operand }] })).toBe(message);
  });
});

describe('EventBridge: IP address matching (eb-create-pattern-operators.html, "IP address matching")', () => {
  const cidr = (block: string, value: string) => matchesEventPattern({ ip: [{ cidr: block }] }, { ip: value });

  it('matches only addresses of the block version, with valid octets', () => {
    expect(cidr('10.0.0.0/8', '::a00:1')).toBe(false);
    expect(cidr('10.0.0.0/8', '10.0.0.256')).toBe(false);
    expect(cidr('10.0.0.0/8', '10.0.0.255')).toBe(true);
    expect(cidr('2001:db8::/32', 'abc')).toBe(false);
    expect(cidr('2001:db8::/32', '2001:db8::1')).toBe(true);
  });

  it.each([
    [5, eb('$.x[0].cidr', 'must be a string such as "10.0.0.0/24"')],
    ['10.0.0.0/8/8', eb('$.x[0].cidr', '"10.0.0.0/8/8" is not an IPv4 or IPv6 CIDR such as 10.0.0.0/24 or 2001:db8::/32')],
    ['10.0.0.0/x8', eb('$.x[0].cidr', '"10.0.0.0/x8" is not an IPv4 or IPv6 CIDR such as 10.0.0.0/24 or 2001:db8::/32')],
    ['10.0.0.0/8x', eb('$.x[0].cidr', '"10.0.0.0/8x" is not an IPv4 or IPv6 CIDR such as 10.0.0.0/24 or 2001:db8::/32')],
  ])('refuses %j', (block, message) => {
    expect(ebError({ x: [{ cidr: block }] })).toBe(message);
  });
});

describe('EventBridge: exists false inside an array (eb-event-patterns.html, aws/event-ruler README array consistency)', () => {
  it('judges absence in the array element the other conditions chose, whatever the key order', () => {
    const event = { a: [{ c: 'x' }, { b: 1, c: 'y' }] };
    expect(matchesEventPattern({ a: { b: [{ exists: false }], c: ['x'] } }, event)).toBe(true);
    expect(matchesEventPattern({ a: { c: ['x'], b: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ a: { b: [{ exists: false }], c: ['y'] } }, event)).toBe(false);
  });
});
