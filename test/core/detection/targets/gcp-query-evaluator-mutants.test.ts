// Tests written against the surviving StrykerJS mutants of the Cloud Logging query oracle. Each expectation
// comes from the vendor page named in its test: the Logging query language reference
// (https://cloud.google.com/logging/docs/view/logging-query-language, "the reference" below), the LogEntry
// type (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry), the proto3 JSON mapping of
// Timestamp and Duration (https://protobuf.dev/programming-guides/json/), RFC 4291 section 2.2 (IPv6 text
// forms) and the RE2 syntax page (https://github.com/google/re2/wiki/Syntax).
import { describe, expect, it } from 'vitest';
import { compileGcpQuery } from '../../../../core/detection/targets/gcp-query-evaluator.ts';

const matches = (query: string, entry: unknown): boolean => compileGcpQuery(query)(entry);

/** The error message of compiling `query`, or "" when it compiles. */
function compileError(query: string): string {
  try {
    compileGcpQuery(query);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** `jsonPayload.m =~ PATTERN` (the pattern quoted as a Logging string) against `{jsonPayload: {m: value}}`. */
function re2(pattern: string, value: string): boolean {
  return matches(`jsonPayload.m =~ "${pattern.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`, { jsonPayload: { m: value } });
}

function re2Error(pattern: string): string {
  return compileError(`jsonPayload.m =~ "${pattern.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
}

describe('Comparison operators at their boundaries (reference: "Comparison operators")', () => {
  it('orders doubles with < <= > >= strictly or not, as their names say', () => {
    const entry = { jsonPayload: { n: 7 } };
    expect(matches('jsonPayload.n < 7', entry)).toBe(false);
    expect(matches('jsonPayload.n <= 7', entry)).toBe(true);
    expect(matches('jsonPayload.n > 7', entry)).toBe(false);
    expect(matches('jsonPayload.n >= 7', entry)).toBe(true);
    expect(matches('jsonPayload.n < 7.5', entry)).toBe(true);
    expect(matches('jsonPayload.n >= 7.5', entry)).toBe(false);
  });

  it('orders 64-bit and 32-bit integers with the same boundaries', () => {
    const entry = { httpRequest: { status: 404, responseSize: '9007199254740993' } };
    expect(matches('httpRequest.status < 404', entry)).toBe(false);
    expect(matches('httpRequest.status <= 404', entry)).toBe(true);
    expect(matches('httpRequest.status > 404', entry)).toBe(false);
    expect(matches('httpRequest.status > 403', entry)).toBe(true);
    // Above 2^53 a double could not tell 9007199254740993 from 9007199254740992.
    expect(matches('httpRequest.responseSize > 9007199254740992', entry)).toBe(true);
    expect(matches('httpRequest.responseSize = 9007199254740992', entry)).toBe(false);
  });

  it('orders strings lexicographically, a proper prefix first', () => {
    const entry = { jsonPayload: { s: 'abc' } };
    expect(matches('jsonPayload.s < "abc"', entry)).toBe(false);
    expect(matches('jsonPayload.s <= "ABC"', entry)).toBe(true);
    expect(matches('jsonPayload.s < "abcd"', entry)).toBe(true);
    expect(matches('jsonPayload.s > "ab"', entry)).toBe(true);
    expect(matches('jsonPayload.s > "abd"', entry)).toBe(false);
  });
});

describe('Values and conversions (reference: "Values and conversions")', () => {
  it('accepts the special double values NaN, Infinity and -Infinity in either case', () => {
    const entry = { jsonPayload: { n: 1e308 } };
    expect(matches('jsonPayload.n < Infinity', entry)).toBe(true);
    expect(matches('jsonPayload.n < infinity', entry)).toBe(true);
    expect(matches('jsonPayload.n > "-Infinity"', entry)).toBe(true);
    expect(matches('jsonPayload.n < "-infinity"', entry)).toBe(false);
    // NaN is unordered (IEEE 754): only != holds.
    expect(matches('jsonPayload.n != NaN', entry)).toBe(true);
    expect(matches('jsonPayload.n != nan', entry)).toBe(true);
    expect(matches('jsonPayload.n > NaN', entry)).toBe(false);
    expect(matches('jsonPayload.n < NaN', entry)).toBe(false);
    expect(matches('jsonPayload.n = NaN', entry)).toBe(false);
  });

  it('fails a comparison whose value is not a double, even one that contains a special value', () => {
    const entry = { jsonPayload: { n: 1 } };
    for (const value of ['xinfinity', 'infinityx', 'nanx', 'xnan', '--infinity']) {
      expect(matches(`jsonPayload.n != "${value}"`, entry), value).toBe(false);
      expect(matches(`jsonPayload.n < "${value}"`, entry), value).toBe(false);
    }
  });

  it('converts only true and false, in any case, to bool', () => {
    const entry = { jsonPayload: { b: false } };
    expect(matches('jsonPayload.b = FALSE', entry)).toBe(true);
    expect(matches('jsonPayload.b = "xfalse"', entry)).toBe(false);
    expect(matches('jsonPayload.b = "falsex"', entry)).toBe(false);
    expect(matches('jsonPayload.b != "xtrue"', entry)).toBe(false);
  });

  it('converts signed decimal integers within the field range to int32, nothing else', () => {
    const entry = { httpRequest: { status: 404 } };
    expect(matches('httpRequest.status = "+404"', entry)).toBe(true);
    expect(matches('httpRequest.status = "x404"', entry)).toBe(false);
    expect(matches('httpRequest.status != "404x"', entry)).toBe(false);
    expect(matches('httpRequest.status != abc', entry)).toBe(false);
    expect(matches('httpRequest.status < 2147483647', entry)).toBe(true);
    expect(matches('httpRequest.status < 2147483648', entry)).toBe(false);
    expect(matches('httpRequest.status >= -2147483648', entry)).toBe(true);
    expect(matches('httpRequest.status > -2147483649', entry)).toBe(false);
    // int64 fields (LogEntry: httpRequest.responseSize is an int64 string) take the wider range.
    expect(matches('httpRequest.responseSize < 2147483648', { httpRequest: { responseSize: '12' } })).toBe(true);
    expect(matches('httpRequest.responseSize >= -9223372036854775808', { httpRequest: { responseSize: '12' } })).toBe(true);
    expect(matches('httpRequest.responseSize < 9223372036854775808', { httpRequest: { responseSize: '12' } })).toBe(false);
  });

  it('reads RFC 3339 timestamps: fractions to the nanosecond, offsets with minutes, and only real dates', () => {
    const entry = { timestamp: '2016-11-29T23:15:00Z' };
    expect(matches('timestamp = "2016-11-30T04:15:00+05:00"', entry)).toBe(true);
    expect(matches('timestamp = "2016-11-30T04:45:00+05:30"', entry)).toBe(true);
    expect(matches('timestamp = "2016-11-29T17:45:00-05:30"', entry)).toBe(true);
    expect(matches('timestamp = "2016-11-29t23:15:00z"', entry)).toBe(true);
    expect(matches('timestamp = "2016-11-29T23:15:00.5Z"', { timestamp: '2016-11-29T23:15:00.500Z' })).toBe(true);
    expect(matches('timestamp = "2016-11-29T23:15:00.123456789Z"', { timestamp: '2016-11-29T23:15:00.123456789Z' })).toBe(true);
    expect(matches('timestamp < "2016-11-29T23:15:00.123456789Z"', { timestamp: '2016-11-29T23:15:00.123456788Z' })).toBe(true);
    expect(matches('timestamp > "2016-11-29T23:14:59.9Z"', entry)).toBe(true);
    expect(matches('timestamp < "2016-11-29T23:15:00.1Z"', entry)).toBe(true);
    for (const text of ['x2016-11-29', '2016-11-29x', '2016-02-30', '2016-13-01', '2016-11-29T10:60:00Z', '2016-11-29T10:00:60Z', '2016-11-29T23:15:00.Z']) {
      expect(matches(`timestamp > "${text}"`, entry), text).toBe(false);
      expect(matches(`timestamp <= "${text}"`, entry), text).toBe(false);
    }
    expect(matches('timestamp > "2016-11-29T10:59:59Z"', entry)).toBe(true);
    expect(matches('timestamp > "2016-02-29"', entry)).toBe(true);
  });

  it('reads query durations as a signed decimal number and a unit of ns us ms s m h', () => {
    const at = (latency: string | undefined): object => (latency === undefined ? {} : { httpRequest: { latency } });
    expect(matches('httpRequest.latency = "2s"', at('2s'))).toBe(true);
    expect(matches('httpRequest.latency > "1s"', at('2s'))).toBe(true);
    expect(matches('httpRequest.latency = "1.25s"', at('1.250s'))).toBe(true);
    expect(matches('httpRequest.latency = "1250ms"', at('1.25s'))).toBe(true);
    expect(matches('httpRequest.latency = "2m"', at('120s'))).toBe(true);
    expect(matches('httpRequest.latency = "1h"', at('3600s'))).toBe(true);
    expect(matches('httpRequest.latency = "1500us"', at('0.0015s'))).toBe(true);
    expect(matches('httpRequest.latency = "7ns"', at('0.000000007s'))).toBe(true);
    expect(matches('httpRequest.latency < ".5s"', at('0.25s'))).toBe(true);
    expect(matches('httpRequest.latency > "-1s"', at(undefined))).toBe(true);
    expect(matches('httpRequest.latency > "-1.5s"', at('-1.2s'))).toBe(true);
    expect(matches('httpRequest.latency < "+1.5s"', at('1.2s'))).toBe(true);
    for (const text of ['s', '.s', 'x1s', '1sx', '1', '1.5', 'abc']) {
      expect(matches(`httpRequest.latency = "${text}"`, at(undefined)), text).toBe(false);
      expect(matches(`httpRequest.latency != "${text}"`, at('1s')), text).toBe(false);
      expect(matches(`httpRequest.latency = "${text}"`, at('1s')), text).toBe(false);
    }
  });

  it('reads a LogEntry duration only in its JSON form: seconds with an "s" suffix (proto3 JSON mapping)', () => {
    const latency = (value: unknown): object => ({ httpRequest: { latency: value } });
    expect(matches('httpRequest.latency = "10s"', latency('10s'))).toBe(true);
    expect(matches('httpRequest.latency = "1.25s"', latency('1.25s'))).toBe(true);
    expect(matches('httpRequest.latency = "-1.5s"', latency('-1.5s'))).toBe(true);
    for (const value of ['1ms', '+1s', '1.s', '1s ', ' 1s', 1]) {
      expect(matches('httpRequest.latency:*', latency(value)), String(value)).toBe(true);
      expect(matches('httpRequest.latency = "1ms"', latency(value)), String(value)).toBe(false);
      expect(matches('httpRequest.latency = "1s"', latency(value)), String(value)).toBe(false);
    }
  });

  it('reads severity names in any case and the LogSeverity numbers only', () => {
    expect(matches('severity = ERROR', { severity: 500 })).toBe(true);
    expect(matches('severity = ERROR', { severity: 'error' })).toBe(true);
    expect(matches('severity >= DEFAULT', { severity: 450 })).toBe(false);
    expect(matches('severity < ERROR', { severity: 'Warning' })).toBe(true);
  });
});

describe('Missing, defaulted and present fields (reference: "Missing fields", "Object and array types")', () => {
  it('tests :* on a LogEntry scalar as a value other than its default', () => {
    expect(matches('httpRequest.status:*', { httpRequest: { status: 0 } })).toBe(false);
    expect(matches('httpRequest.status:*', { httpRequest: { status: 200 } })).toBe(true);
    expect(matches('severity:*', { severity: 'DEFAULT' })).toBe(false);
    expect(matches('severity:*', { severity: 'INFO' })).toBe(true);
    expect(matches('severity:*', { severity: 'LOUD' })).toBe(true);
    expect(matches('httpRequest:*', { httpRequest: {} })).toBe(true);
    expect(matches('httpRequest:*', {})).toBe(false);
    expect(matches('resource.labels:*', { resource: { labels: {} } })).toBe(true);
    expect(matches('labels.env:*', { labels: { env: '' } })).toBe(true);
    expect(matches('jsonPayload.x:*', { jsonPayload: { x: null } })).toBe(true);
  });

  it('reads a LogEntry field as its default only at a scalar, never through a payload', () => {
    expect(matches('jsonPayload.n = 0', {})).toBe(false);
    expect(matches('labels.env = ""', {})).toBe(false);
    expect(matches('httpRequest.cacheHit = false', {})).toBe(true);
    expect(matches('sourceLocation.line = 0', {})).toBe(true);
    expect(matches('receiveTimestamp = "1970-01-01T00:00:00Z"', {})).toBe(true);
    expect(matches('httpRequest.latency = "0s"', {})).toBe(true);
    expect(matches('httpRequest.status = 200', { httpRequest: { status: [200, 404] } })).toBe(true);
  });

  it('finds nothing below a string, a number or a null along the path', () => {
    const entry = { jsonPayload: { s: 'abc', n: null, o: { k: 'v' } }, protoPayload: { s: 'abc', n: null } };
    expect(matches('protoPayload.s.length = 3', entry)).toBe(false);
    expect(matches('protoPayload.s.length:*', entry)).toBe(false);
    expect(matches('jsonPayload.n.k = "v"', entry)).toBe(false);
    expect(matches('protoPayload.n.k:*', entry)).toBe(false);
    expect(matches('jsonPayload.o.k = "v"', entry)).toBe(true);
  });

  it('matches protoPayload names in any case, but only a single candidate', () => {
    expect(matches('protoPayload.METHODNAME = x', { protoPayload: { methodName: 'x' } })).toBe(true);
    expect(matches('protoPayload.methodname:*', { protoPayload: { methodName: 'x', MethodName: 'y' } })).toBe(false);
    expect(matches('protoPayload.methodName = x', { protoPayload: { methodName: 'x', MethodName: 'y' } })).toBe(true);
    expect(matches('jsonPayload.METHODNAME:*', { jsonPayload: { methodName: 'x' } })).toBe(false);
    expect(matches('RESOURCE.TYPE = gce_instance', { resource: { type: 'gce_instance' } })).toBe(true);
  });

  it('applies : to string values only, not to the numbers or booleans beside them', () => {
    expect(matches('jsonPayload.v:1', { jsonPayload: { v: [1, '21'] } })).toBe(true);
    expect(matches('jsonPayload.v:1', { jsonPayload: { v: [1, true] } })).toBe(false);
    expect(matches('jsonPayload.v = 1', { jsonPayload: { v: [{ a: 1 }, null, '1'] } })).toBe(true);
    expect(matches('jsonPayload.v = true', { jsonPayload: { v: [{ a: 1 }, 'x', true] } })).toBe(true);
  });
});

describe('Regular expressions and the string type (reference: "Using regular expressions")', () => {
  it('compares strings NFKC_Casefold-normalized, so that ß equals ss', () => {
    expect(matches('jsonPayload.s = "STRASSE"', { jsonPayload: { s: 'Straße' } })).toBe(true);
    expect(matches('jsonPayload.s = "straße"', { jsonPayload: { s: 'STRASSE' } })).toBe(true);
    expect(matches('jsonPayload.s:"ss"', { jsonPayload: { s: 'ß' } })).toBe(true);
    // Case folding maps to lower case: "A" orders as "a" (U+0061), after "_" (U+005F).
    expect(matches('jsonPayload.s > "_"', { jsonPayload: { s: 'A' } })).toBe(true);
  });
  it('matches a regular expression if any array member matches, and !~ if any member does not', () => {
    expect(matches('jsonPayload.v =~ "^b"', { jsonPayload: { v: ['a', 'b'] } })).toBe(true);
    expect(matches('jsonPayload.v !~ "^b"', { jsonPayload: { v: ['a', 'b'] } })).toBe(true);
    expect(matches('jsonPayload.v !~ "^b"', { jsonPayload: { v: ['b', 'bb'] } })).toBe(false);
    expect(matches('labels.env =~ "x"', {})).toBe(false);
    expect(matches('labels.env !~ "x"', {})).toBe(false);
  });

  it('matches the raw string, without the case folding of = (which is NFKC_Casefold)', () => {
    expect(matches('jsonPayload.s = "AB"', { jsonPayload: { s: 'a\u00adb' } })).toBe(true);
    expect(matches('jsonPayload.s = "abc"', { jsonPayload: { s: 'a\u00adb' } })).toBe(false);
    expect(matches('jsonPayload.s =~ "ab"', { jsonPayload: { s: 'a\u00adb' } })).toBe(false);
  });
});

describe('log_id and ip_in_net (reference: "Functions")', () => {
  it('takes the log ID from a logName of the documented forms only', () => {
    expect(matches('log_id("syslog")', { logName: 'folders/f/logs/syslog' })).toBe(true);
    expect(matches('log_id("syslog")', { logName: 'x/projects/p/logs/syslog' })).toBe(false);
    expect(matches('log_id("syslog")', { logName: 'syslog' })).toBe(false);
    expect(matches('log_id("a%zz")', { logName: 'projects/p/logs/a%zz' })).toBe(false);
    expect(compileError('log_id(syslog)')).toMatch(/: log_id\(\) takes one double-quoted log ID$/);
  });

  it('names the unknown field of ip_in_net', () => {
    expect(compileError('ip_in_net(thud, "10.0.0.0/8")')).toMatch(/at offset 10 \(line 1, column 11\): "thud" is not a LogEntry field$/);
  });

  it('checks the prefix length of a range', () => {
    for (const net of ['10.0.0.0/x8', '10.0.0.0/8x', '10.0.0.0/-1']) {
      expect(compileError(`ip_in_net(jsonPayload.ip, "${net}")`), net).toMatch(/not a legal IP address or range$/);
    }
    const inNet = (ip: string, net: string): boolean => matches(`ip_in_net(jsonPayload.ip, "${net}")`, { jsonPayload: { ip } });
    expect(inNet('10.1.2.255', '10.1.2.0/24')).toBe(true);
    expect(inNet('10.1.2.256', '10.1.2.0/24')).toBe(false);
    // A 256 ORed into the last byte would read as 10.1.3.0.
    expect(inNet('10.1.2.256', '10.1.3.0/24')).toBe(false);
    expect(inNet('010.1.2.3', '10.1.2.0/24')).toBe(false);
    expect(inNet('10.1.2', '10.1.0.0/16')).toBe(false);
    expect(inNet('gce-internal-ip', '0.0.0.0/0')).toBe(false);
    expect(inNet('10.1.0.0/16', '10.1.0.0/24')).toBe(false);
    expect(inNet('10.1.0.0/24', '10.1.0.0/16')).toBe(true);
    expect(inNet('10.1.0.0/x', '10.1.0.0/16')).toBe(false);
    expect(inNet('0.0.0.0', '0.0.0.0/0')).toBe(true);
  });

  it('reads the IPv6 text forms of RFC 4291 section 2.2', () => {
    const inAll = (ip: string): boolean => matches('ip_in_net(jsonPayload.ip, "::/0")', { jsonPayload: { ip } });
    const inNet = (ip: string, net: string): boolean => matches(`ip_in_net(jsonPayload.ip, "${net}")`, { jsonPayload: { ip } });
    // "::" stands for one or more groups of zeros.
    expect(inNet('1:2:3:4:5:6::8', '1:2:3:4:5:6:0:8/128')).toBe(true);
    expect(inAll('1:2:3:4:5:6:7::8')).toBe(false);
    expect(inAll('1:2:3:4:5:6:7')).toBe(false);
    expect(inAll('::')).toBe(true);
    // A dotted quad may only end the address.
    expect(inNet('::1.2.3.4', '::0102:0304/128')).toBe(true);
    expect(inAll('::1.2.3.4:5')).toBe(false);
    expect(inAll('1.2.3.4::5')).toBe(false);
    expect(inAll('1:2:3:4:5:6:1.2.3.4')).toBe(true);
    expect(inAll('1:2:3:4:5:6:7:1.2.3.4')).toBe(false);
    expect(inAll('12345::')).toBe(false);
  });
});

describe('Syntax errors name the problem (reference: "Syntax notation"; Troubleshooting)', () => {
  it('requires a comparison after AND, OR and NOT', () => {
    expect(compileError('severity = ERROR AND')).toMatch(/at offset 20 \(line 1, column 21\): expected a comparison$/);
    expect(compileError('severity = ERROR OR')).toMatch(/at offset 19 .*: expected a comparison$/);
    expect(compileError('NOT')).toMatch(/at offset 3 .*: expected a comparison$/);
    expect(compileError('(severity = ERROR) (')).toMatch(/: expected a comparison$/);
  });

  it('rejects single quotes where a field or a value starts', () => {
    expect(compileError("'resource.type' = x")).toMatch(/at offset 0 .*: single-quoted strings are not described by the reference; use double quotes$/);
    expect(compileError("resource.type = 'x'")).toMatch(/at offset 16 .*: single-quoted strings are not described by the reference; use double quotes$/);
  });

  it('calls only a bare, unquoted name as a function', () => {
    expect(compileError('"ip_in_net"(jsonPayload.ip, "10.0.0.0/8")')).toMatch(
      /: "ip_in_net" is a global restriction \(a search of every field\), which is not supported$/,
    );
    expect(compileError('jsonPayload.log_id("x")')).toMatch(/at offset 18 .*: expected a comparison operator \(= != < <= > >= : =~ !~\)$/);
    expect(compileError('resource.type gae_app')).toMatch(/at offset 14 .*: expected a comparison operator \(= != < <= > >= : =~ !~\)$/);
  });

  it('hints at the capitalized operator for a lowercase one, and only for those', () => {
    expect(compileError('severity = ERROR not')).toMatch(
      /: "not" is a global restriction \(a search of every field\), which is not supported; lowercase "not" is a search term, write NOT$/,
    );
    expect(compileError('severity = ERROR nope')).toMatch(/: "nope" is a global restriction \(a search of every field\), which is not supported$/);
  });

  it('reads a leading "-" as NOT except before a digit, and NOT only inside a parenthesized value', () => {
    expect(matches('jsonPayload.n = (-1 OR 1)', { jsonPayload: { n: 5 } })).toBe(false);
    expect(matches('jsonPayload.n = -1', { jsonPayload: { n: -1 } })).toBe(true);
    expect(matches('jsonPayload.n > -1', { jsonPayload: { n: 0 } })).toBe(true);
    expect(matches('jsonPayload.n = -0', { jsonPayload: { n: 0 } })).toBe(true);
    expect(matches('jsonPayload.n = (-0 OR 5)', { jsonPayload: { n: 0 } })).toBe(true);
    expect(compileError('jsonPayload.n = -x')).toMatch(/at offset 16 .*: NOT is only allowed inside a parenthesized value$/);
    expect(compileError('jsonPayload.n = -')).toMatch(/: NOT is only allowed inside a parenthesized value$/);
    expect(matches('-jsonPayload.n = 1', { jsonPayload: { n: 2 } })).toBe(true);
    expect(matches('- jsonPayload.n = 1', { jsonPayload: { n: 1 } })).toBe(false);
  });

  it('needs a field name after a dot', () => {
    expect(compileError('jsonPayload. = 1')).toMatch(/at offset 12 .*: expected a field name after "\."$/);
    expect(compileError('= 1')).toMatch(/at offset 0 .*: expected a field name$/);
    // Only ":" takes the presence test "*" (reference: "Missing fields"); after another operator "*" is no value.
    expect(compileError('jsonPayload.a = *')).toMatch(/at offset 16 .*: expected a value$/);
    expect(compileError('jsonPayload.a != *')).toMatch(/at offset 17 .*: expected a value$/);
    expect(compileError('jsonPayload."a b".c = 1')).toBe('');
    expect(compileError('jsonPayload.a-b@c_1 = 1')).toBe('');
  });

  it('names the character that needs quotes, and refuses the operators as values', () => {
    expect(compileError('jsonPayload.a = b=c')).toMatch(/at offset 16 .*: a value containing "=" must be double-quoted$/);
    expect(compileError('jsonPayload.a = b!')).toMatch(/: a value containing "!" must be double-quoted$/);
    expect(compileError('jsonPayload.a = (b OR c) d')).toMatch(/global restriction/);
    for (const word of ['AND', 'OR', 'NOT']) {
      expect(compileError(`jsonPayload.a = ${word}`), word).toMatch(new RegExp(`at offset 16 .*: expected a value, found the operator ${word}$`));
    }
    expect(matches('jsonPayload.a = ANDROID', { jsonPayload: { a: 'android' } })).toBe(true);
    expect(matches('jsonPayload.a = NOTE', { jsonPayload: { a: 'note' } })).toBe(true);
    expect(matches('jsonPayload.a = ORB', { jsonPayload: { a: 'orb' } })).toBe(true);
  });

  it('requires quotes for unquoted text starting with + or ., but not for numbers', () => {
    expect(compileError('jsonPayload.a = +1')).toMatch(/: the value "\+1" must be double-quoted: unquoted text may not start with \+ - \. or contain "\."$/);
    expect(compileError('jsonPayload.a = .5')).toMatch(/must be double-quoted/);
    expect(compileError('jsonPayload.a = 1e5')).toBe('');
    expect(matches('jsonPayload.a = 1.5e2', { jsonPayload: { a: 150 } })).toBe(true);
    expect(matches('jsonPayload.a = a-b', { jsonPayload: { a: 'a-b' } })).toBe(true);
    expect(matches('jsonPayload.a = a+b', { jsonPayload: { a: 'a+b' } })).toBe(true);
  });

  it('reads the escapes of a quoted string and names the bad one', () => {
    expect(matches('jsonPayload.a = "x\\ty"', { jsonPayload: { a: 'x\ty' } })).toBe(true);
    expect(matches('jsonPayload.a = "x\\ny\\r"', { jsonPayload: { a: 'x\ny\r' } })).toBe(true);
    expect(compileError('jsonPayload.a = "x\\qy"')).toMatch(
      /at offset 18 \(line 1, column 19\): unsupported escape "\\q" in a string; write "\\\\" for a backslash$/,
    );
    expect(compileError('jsonPayload.a = "x\\')).toMatch(/at offset 18 .*: unsupported escape "\\" in a string/);
  });

  it('ends a comment at the line end, the last one at the end of the query', () => {
    expect(matches('jsonPayload.a = 1 -- c\n-- d\njsonPayload.b = 2', { jsonPayload: { a: 1, b: 3 } })).toBe(false);
    expect(matches('jsonPayload.a = 1 -- c\n-- d\njsonPayload.b = 2', { jsonPayload: { a: 1, b: 2 } })).toBe(true);
    expect(matches('--c\njsonPayload.a = 1', { jsonPayload: { a: 1 } })).toBe(true);
    expect(matches('jsonPayload.a = x--y', { jsonPayload: { a: 'x' } })).toBe(true);
    expect(matches('jsonPayload.a = x\u00a0--y', { jsonPayload: { a: 'x' } })).toBe(true);
  });

  it('recognizes AND, OR and NOT as whole capitalized words only', () => {
    expect(compileError('jsonPayload.a = 1 ANDjsonPayload.b = 2')).toMatch(/at offset 18 .*: "ANDjsonPayload" is not a LogEntry field$/);
    expect(matches('jsonPayload.a = 1 AND(jsonPayload.b = 2)', { jsonPayload: { a: 1, b: 2 } })).toBe(true);
    expect(matches('NOT(jsonPayload.b = 2)', { jsonPayload: { b: 3 } })).toBe(true);
    expect(compileError('NOT.a = 1')).toMatch(/at offset 0 .*: "NOT" is not a LogEntry field$/);
    expect(compileError('jsonPayload.a = 1 OR')).toMatch(/expected a comparison$/);
  });

  it('reports line and column of a problem on a later line', () => {
    expect(compileError('severity = ERROR\nAND\n  thud = 1')).toMatch(/at offset 23 \(line 3, column 3\): "thud" is not a LogEntry field$/);
    expect(compileError('thud = 1\nseverity = ERROR')).toMatch(/at offset 0 \(line 1, column 1\): "thud" is not a LogEntry field$/);
    expect(compileError('textPayload.a.b = 1')).toMatch(/: "textPayload.a" is not a LogEntry field: textPayload has no subfields$/);
    expect(compileError('operation.first.x.y = 1')).toMatch(/: "operation.first.x" is not a LogEntry field: operation.first has no subfields$/);
  });
});

describe('RE2 syntax (https://github.com/google/re2/wiki/Syntax)', () => {
  it('reads Perl classes inside a bracket class, with RE2 meanings', () => {
    expect(re2('^[\\d]+$', '123')).toBe(true);
    expect(re2('^[\\d]+$', '12a')).toBe(false);
    expect(re2('^[\\w-]+$', 'a_b-1')).toBe(true);
    expect(re2('^[\\D]$', '5')).toBe(false);
    expect(re2('^[\\W]$', '-')).toBe(true);
    expect(re2('^[\\s]$', ' ')).toBe(true);
    expect(re2('^[\\s]$', '\v')).toBe(false);
    expect(re2('^[a\\s]+$', 'a a')).toBe(true);
    expect(re2('^[\\.]$', 'x')).toBe(false);
    expect(re2('^[\\.]$', '.')).toBe(true);
    expect(re2('^[\\x41-\\x43]+$', 'ABC')).toBe(true);
  });

  it('reads bracket classes: negation, a leading "]", ranges, a literal "-", POSIX names', () => {
    expect(re2('^[^a]$', 'b')).toBe(true);
    expect(re2('^[^a]$', 'a')).toBe(false);
    expect(re2('^[^a]$', '^')).toBe(true);
    expect(re2('^[^a]$', '[')).toBe(true);
    expect(re2('^[]a]+$', ']a')).toBe(true);
    expect(re2('^[^]a]$', ']')).toBe(false);
    expect(re2('^[a-c]+$', 'abc')).toBe(true);
    expect(re2('^[a-c]+$', 'abd')).toBe(false);
    expect(re2('^[a-]+$', 'a-')).toBe(true);
    expect(re2('^[-a]+$', '-a')).toBe(true);
    expect(re2('^[a-a]$', 'a')).toBe(true);
    expect(re2('^[[:digit:]x]+$', '1x2')).toBe(true);
    expect(re2('^[[:alpha:][:digit:]]+$', 'a1')).toBe(true);
    expect(re2('^[^[:alpha:]]+$', '12')).toBe(true);
    expect(re2('^[^[:alpha:]]+$', '1a')).toBe(false);
    expect(re2('^[😀-😂]$', '😁')).toBe(true);
    expect(re2Error('[c-a]')).toMatch(/: RE2 pattern "\[c-a\]" at pattern offset 4: bad character class range$/);
    expect(re2Error('[a-\\d]')).toMatch(/bad character class range$/);
    expect(re2Error('[[:alpha:]')).toMatch(/missing "\]"$/);
    expect(re2Error('[[:alpha]')).toMatch(/unsupported class "\[::\]"$/);
    expect(re2Error('[[:foo:]]')).toMatch(/unsupported class "\[:foo:\]"$/);
    expect(re2Error('[a')).toMatch(/at pattern offset 2: missing "\]"$/);
    expect(re2Error('[a-')).toMatch(/missing "\]"$/);
  });

  it('reads escapes: \\a \\f \\t \\n \\r \\v, \\x, escaped punctuation; refuses the rest', () => {
    expect(re2('^a\\tb$', 'a\tb')).toBe(true);
    expect(re2('^\\a\\f\\v$', '\x07\f\v')).toBe(true);
    expect(re2('^\\x41\\x{1F600}$', 'A😀')).toBe(true);
    expect(re2('^\\x{41}$', 'A')).toBe(true);
    expect(re2('^\\x{10FFFF}$', '\u{10FFFF}')).toBe(true);
    expect(re2Error('\\xg\\x41')).toMatch(/at pattern offset 0: malformed \\x escape$/);
    expect(re2Error('\\\u0080')).toMatch(/the escape "\\\u0080" is not supported$/);
    expect(re2('^a\\.b$', 'axb')).toBe(false);
    expect(re2('^a\\.b$', 'a.b')).toBe(true);
    expect(re2('^\\*+$', '**')).toBe(true);
    expect(re2Error('a\\')).toMatch(/: RE2 pattern "a\\" at pattern offset 1: trailing backslash$/);
    expect(re2Error('\\x{110000}')).toMatch(/at pattern offset 0: malformed \\x escape$/);
    expect(re2Error('\\x4')).toMatch(/malformed \\x escape$/);
    expect(re2Error('\\x{}')).toMatch(/malformed \\x escape$/);
    expect(re2Error('\\x{1234567}')).toMatch(/malformed \\x escape$/);
    expect(re2Error('a\\q')).toMatch(/at pattern offset 1: the escape "\\q" is not supported$/);
    expect(re2Error('\\1')).toMatch(/the escape "\\1" is not supported$/);
    expect(re2Error('\\é')).toMatch(/the escape "\\é" is not supported$/);
    expect(re2Error('[\\q]')).toMatch(/the escape "\\q" is not supported$/);
  });

  it('reads code points above U+FFFF as one character', () => {
    expect(re2('^😀$', '😀')).toBe(true);
    expect(re2('^😀+$', '😀😀')).toBe(true);
    // U+FFFF is the last code point of one UTF-16 unit.
    expect(re2('^\uffffa$', '\uffffa')).toBe(true);
    expect(re2('^.$', '😀')).toBe(true);
  });

  it('reads repetitions: greedy and lazy, counted up to 1000', () => {
    expect(re2('^a{2}$', 'aa')).toBe(true);
    expect(re2('^a{2}$', 'aaa')).toBe(false);
    expect(re2('^a{2,}$', 'aaaa')).toBe(true);
    expect(re2('^a{2,}$', 'a')).toBe(false);
    expect(re2('^a{2,3}$', 'aaaa')).toBe(false);
    expect(re2('^a{1000}$', 'a'.repeat(1000))).toBe(true);
    expect(re2('^a{0,1000}$', 'a'.repeat(1000))).toBe(true);
    expect(re2('^(a+?)(a*)$', 'aaa')).toBe(true);
    expect(re2('^a??b$', 'b')).toBe(true);
    expect(re2('^x{a}$', 'x{a}')).toBe(true);
    // A "{" that does not start a repetition is a literal, even before a later one.
    expect(re2('^x{a}y{2}$', 'x{a}yy')).toBe(true);
    expect(re2Error('a{1001}')).toMatch(/: RE2 pattern "a\{1001\}" at pattern offset 1: bad repetition "\{1001\}"$/);
    expect(re2Error('a{2,1001}')).toMatch(/bad repetition "\{2,1001\}"$/);
    expect(re2Error('a{1001,}')).toMatch(/bad repetition "\{1001,\}"$/);
    expect(re2Error('a{3,2}')).toMatch(/bad repetition "\{3,2\}"$/);
    expect(re2Error('*a')).toMatch(/at pattern offset 0: nothing to repeat before "\*"$/);
    expect(re2Error('a|+')).toMatch(/nothing to repeat before "\+"$/);
    expect(re2Error('(?)')).toMatch(/lookaround/);
    expect(re2Error('^*')).toMatch(/nothing to repeat before "\*"$/);
    expect(re2Error('\\b+')).toMatch(/nothing to repeat before "\+"$/);
    expect(re2Error('(+a)')).toMatch(/nothing to repeat before "\+"$/);
    expect(re2Error('a{2}{3}')).toMatch(/nothing to repeat before "\{3\}"$/);
    expect(re2Error('a*?+')).toMatch(/nothing to repeat before "\+"$/);
  });

  it('reads groups: plain, non-capturing, named; refuses lookaround and unbalanced parentheses', () => {
    expect(re2('^(?:ab)+$', 'abab')).toBe(true);
    expect(re2('^(?P<first>ab)+$', 'abab')).toBe(true);
    expect(re2('^(?<first>ab)+$', 'abab')).toBe(true);
    expect(re2('^(ab)+$', 'abab')).toBe(true);
    expect(re2('^(a)(b)$', 'ab')).toBe(true);
    expect(re2('^x(?:ab)$', 'xab')).toBe(true);
    expect(re2('^(a)(?P<n>b)$', 'ab')).toBe(true);
    expect(re2Error('(?=a)')).toMatch(/at pattern offset 0: lookaround, backreferences and flags after the start of the pattern are not supported$/);
    expect(re2Error('(?P<1a>x)')).toMatch(/lookaround/);
    expect(re2Error('a)')).toMatch(/at pattern offset 1: unmatched "\)"$/);
    expect(re2Error('(a))')).toMatch(/unmatched "\)"$/);
    expect(re2Error('((a)')).toMatch(/at pattern offset 4: missing "\)"$/);
  });

  it('reads \\D \\W \\S \\b \\B \\A \\z and \\Q...\\E', () => {
    expect(re2('^\\D+$', 'ab')).toBe(true);
    expect(re2('^\\D+$', 'a1')).toBe(false);
    expect(re2('^\\W$', '-')).toBe(true);
    expect(re2('^\\w$', '-')).toBe(false);
    expect(re2('^\\S+$', 'ab')).toBe(true);
    expect(re2('^\\S+$', 'a b')).toBe(false);
    expect(re2('^\\S$', '\v')).toBe(true);
    expect(re2('^\\s$', 'k')).toBe(false);
    expect(re2('^a\\sb$', 'a\tb')).toBe(true);
    expect(re2('\\bcat\\b', 'a cat.')).toBe(true);
    expect(re2('\\bcat\\b', 'concat')).toBe(false);
    expect(re2('\\Bcat', 'concat')).toBe(true);
    expect(re2('\\Bcat', 'cat')).toBe(false);
    expect(re2('\\Aab\\z', 'ab')).toBe(true);
    expect(re2('\\Aab\\z', 'abc')).toBe(false);
    expect(re2('\\Aab\\z', 'xab')).toBe(false);
    expect(re2('^\\Q.*\\E$', '.*')).toBe(true);
    expect(re2('^\\Q.*\\E$', 'ab')).toBe(false);
    expect(re2('^\\Qa.\\Ex$', 'a.x')).toBe(true);
    expect(re2('^\\Qa\\Eb$', 'ac')).toBe(false);
    expect(re2('^\\\\E\\Q.\\E$', '\\E.')).toBe(true);
    expect(re2('^\\Qa+', 'a+b')).toBe(true);
    expect(re2('^\\Qa+', 'aab')).toBe(false);
    expect(re2('^\\Qab\\E+$', 'abb')).toBe(true);
    expect(re2Error('\\Q\\E+')).toMatch(/nothing to repeat before "\+"$/);
    expect(re2Error('\\z*')).toMatch(/nothing to repeat before "\*"$/);
    expect(re2Error('\\pL')).toMatch(/the escape "\\p" is not supported$/);
  });

  it('reads leading flags only, and refuses those it does not map', () => {
    expect(re2('(?i)^AB$', 'ab')).toBe(true);
    expect(re2('(?i)(?s)^a.b$', 'A\nB')).toBe(true);
    expect(re2('(?s)(?i)^a.b$', 'A\nB')).toBe(true);
    expect(re2('(?i)(?ms)^b$', 'a\nB')).toBe(true);
    // "(?i)" inside a bracket class is four literal characters, not flags.
    expect(re2('^[(?i)]+$', '(?i)')).toBe(true);
    expect(re2('^[(?i)]+$', 'I')).toBe(false);
    expect(re2('(?i)^[(?s)]$', 'S')).toBe(true);
    expect(re2('x(?:i)', 'x(?:i)')).toBe(false);
    expect(re2Error('(?U)a')).toMatch(/at pattern offset 0: the flag "U" is not supported$/);
    expect(re2Error('(?i)(?U)a')).toMatch(/at pattern offset 4: the flag "U" is not supported$/);
    expect(re2Error('(?-i)a')).toMatch(/lookaround/);
  });

  it('lets . cross a line break only under (?s)', () => {
    expect(re2('^a.b$', 'a\rb')).toBe(true);
    expect(re2('^a.b$', 'a\nb')).toBe(false);
    expect(re2('(?s)^a.b$', 'a\nb')).toBe(true);
    expect(re2('^a.+$', 'a')).toBe(false);
  });

  it('keeps ^ and $ anchored to the text outside (?m)', () => {
    expect(re2('^b', 'a\nb')).toBe(false);
    expect(re2('a$', 'a\nb')).toBe(false);
    expect(re2('(?m)^b', 'a\nb')).toBe(true);
    expect(re2('(?m)a$', 'a\nb')).toBe(true);
    expect(re2('(?m)a$', 'ab')).toBe(false);
    expect(re2('(?m)^b', 'ab')).toBe(false);
    expect(re2Error('(?m)^*')).toMatch(/nothing to repeat before "\*"$/);
  });
});

describe('timestamps of the first century', () => {
  // RFC 3339 and the protobuf Timestamp (https://protobuf.dev/reference/protobuf/google.protobuf/#timestamp) run from
  // 0001-01-01; JavaScript's Date.UTC reads years 0-99 as 1900-1999, which made every such timestamp unreadable.
  it('reads a timestamp in years 1 to 99 as itself', () => {
    expect(matches('timestamp = "0050-01-01T00:00:00Z"', { timestamp: '0050-01-01T00:00:00Z' })).toBe(true);
    expect(matches('timestamp < "0100-01-01T00:00:00Z"', { timestamp: '0099-12-31T23:59:59Z' })).toBe(true);
    expect(matches('timestamp > "1950-01-01T00:00:00Z"', { timestamp: '0050-01-01T00:00:00Z' })).toBe(false);
    expect(matches('timestamp = "0001-01-01T00:00:00Z"', { timestamp: '0001-01-01T00:00:00.000000000Z' })).toBe(true);
  });

  it('counts the seconds of a timestamp forward, like its hours and minutes', () => {
    expect(matches('timestamp > "2016-11-29T23:15:05Z"', { timestamp: '2016-11-29T23:15:07Z' })).toBe(true);
    expect(matches('timestamp < "2016-11-29T23:15:05Z"', { timestamp: '2016-11-29T23:15:07Z' })).toBe(false);
  });
});

describe('second mutation round: values outside the LogEntry JSON form, log IDs and IPv4 text', () => {
  // LogEntry (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry): httpRequest.latency is a
  // Duration, whose JSON form is seconds with an "s" suffix, and textPayload a string. A value in another
  // form is no value of the field: no comparison holds on it, != and : included.
  it.each([
    ['httpRequest.latency != "1ms"', { httpRequest: { latency: '1ms' } }, false],
    ['httpRequest.latency != "1s"', { httpRequest: { latency: '2s' } }, true],
    ['textPayload:"5"', { textPayload: 5 }, false],
    ['textPayload:"5"', { textPayload: '15' }, true],
  ])('%s on %j is %s', (query, entry, expected) => {
    expect(matches(query, entry)).toBe(expected);
  });

  // Reference, "Functions": log_id("ID") matches the [LOG_ID] of logName, which runs to the end of logName.
  it('reads the log ID up to the end of logName, across no line break', () => {
    expect(matches('log_id("a")', { logName: 'projects/p/logs/a' })).toBe(true);
    expect(matches('log_id("a")', { logName: 'projects/p/logs/a\nb' })).toBe(false);
  });

  // Reference, "Functions": ip_in_net(FIELD, "CIDR"); an IPv4 address has exactly four dotted parts.
  it('takes an IPv4 address or range only with four parts', () => {
    for (const net of ['10.0.0/8', '10.0.0.0.0/8']) {
      expect(compileError(`ip_in_net(jsonPayload.ip, "${net}")`), net).toMatch(/"[0-9./]+" is not a legal IP address or range$/);
    }
    const inNet = (ip: string): boolean => matches('ip_in_net(jsonPayload.ip, "0.1.2.0/24")', { jsonPayload: { ip } });
    expect([inNet('0.1.2.3'), inNet('1.2.3'), inNet('0.0.1.2.3')]).toEqual([true, false, false]);
  });
});
