// Tests for the Cloud Logging query evaluator. Unless a test says otherwise, queries and the semantics
// they check come from Google's reference page "Logging query language"; the precedence example from
// "Build and save queries by using the Logging query language".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../helpers/corpus.ts';
import { GCP_QUERY_MAX_LENGTH, compileGcpQuery } from '../../../../core/detection/targets/gcp-query-evaluator.ts';

const matches = (query: string, entry: unknown): boolean => compileGcpQuery(query)(entry);

const gaeApp = {
  logName: 'projects/my-project/logs/appengine.googleapis.com%2Frequest_log',
  resource: { type: 'gae_app' },
  severity: 'WARNING',
  textPayload: 'Phoenix met a unicorn',
};
const gceInstance = {
  logName: 'projects/my-project/logs/syslog',
  resource: { type: 'gce_instance', labels: { zone: 'us-central1-a' } },
  severity: 'ERROR',
  textPayload: 'The Robot stopped',
  insertId: 'ABC-1',
  timestamp: '2016-11-29T23:15:00Z',
};

/** Every assignment of true/false to `names`, as jsonPayload objects holding "1" for true. */
function payloadCombinations(names: readonly string[]): object[] {
  return Array.from({ length: 2 ** names.length }, (_, bits) => ({
    jsonPayload: Object.fromEntries(names.map((name, i) => [name, (bits >> i) & 1 ? '1' : '0'])),
  }));
}

function expectEquivalent(a: string, b: string, entries: readonly object[]): void {
  const left = compileGcpQuery(a);
  const right = compileGcpQuery(b);
  for (const entry of entries) expect(left(entry), JSON.stringify(entry)).toBe(right(entry));
}

describe('Overview', () => {
  it('matches a simple, a conjunctive and a disjunctive restriction', () => {
    expect(matches('resource.type = "gae_app"', gaeApp)).toBe(true);
    expect(matches('resource.type = "gae_app"', gceInstance)).toBe(false);
    expect(matches('resource.type = "gae_app" AND severity = "ERROR"', gaeApp)).toBe(false);
    expect(matches('resource.type = "gae_app" AND severity = "ERROR"', { ...gaeApp, severity: 'ERROR' })).toBe(true);
    expectEquivalent('resource.type = "gae_app" OR resource.type = "gce_instance"', 'resource.type = ("gae_app" OR "gce_instance")', [
      gaeApp,
      gceInstance,
      { resource: { type: 'k8s_cluster' } },
    ]);
  });

  it('rejects the complex example, whose bare "error" is a global restriction', () => {
    expect(() => compileGcpQuery('resource.type = "gae_app" AND (severity = "ERROR" OR "error")')).toThrow(/"error" is a global restriction/);
  });

  it('evaluates the sample query: severity at least ERROR and no "robot" in any case', () => {
    const query = 'resource.type = "gce_instance" AND\nseverity >= "ERROR" AND\nNOT textPayload:robot';
    expect(matches(query, gceInstance)).toBe(false);
    expect(matches(query, { ...gceInstance, textPayload: 'all quiet' })).toBe(true);
    expect(matches(query, { ...gceInstance, textPayload: 'all quiet', severity: 'WARNING' })).toBe(false);
    expect(matches(query, { ...gceInstance, textPayload: 'all quiet', severity: 'CRITICAL' })).toBe(true);
  });
});

describe('Boolean operators', () => {
  const abcd = payloadCombinations(['a', 'b', 'c', 'd']);

  it('gives NOT the highest precedence, then OR, then AND', () => {
    expectEquivalent(
      'jsonPayload.a=1 OR NOT jsonPayload.b=1 AND NOT jsonPayload.c=1 OR jsonPayload.d=1',
      '(jsonPayload.a=1 OR (NOT jsonPayload.b=1)) AND ((NOT jsonPayload.c=1) OR jsonPayload.d=1)',
      abcd,
    );
    // Where SQL precedence (AND over OR) would say true, the Logging query language says false.
    const entry = { jsonPayload: { a: '1', b: '1', c: '1', d: '0' } };
    expect(matches('jsonPayload.a=1 OR NOT jsonPayload.b=1 AND NOT jsonPayload.c=1 OR jsonPayload.d=1', entry)).toBe(false);
  });

  it('reads "a AND b OR c AND d" as "a AND (b OR c) AND d" ("Build and save queries" page)', () => {
    expectEquivalent(
      'jsonPayload.a=1 AND jsonPayload.b=1 OR jsonPayload.c=1 AND jsonPayload.d=1',
      'jsonPayload.a=1 AND (jsonPayload.b=1 OR jsonPayload.c=1) AND jsonPayload.d=1',
      abcd,
    );
    expectEquivalent(
      'jsonPayload.a=1 jsonPayload.b=1 OR jsonPayload.c=1 jsonPayload.d=1',
      'jsonPayload.a=1 AND (jsonPayload.b=1 OR jsonPayload.c=1) AND jsonPayload.d=1',
      abcd,
    );
  });

  it('lets AND be omitted and NOT be written as "-"', () => {
    const entries = payloadCombinations(['a', 'c', 'e']).map((entry) => {
      const payload = (entry as { jsonPayload: Record<string, string> }).jsonPayload;
      return { jsonPayload: { a: payload.a === '1' ? 'b' : 'x', c: payload.c === '1' ? 'd' : 'x', e: payload.e === '1' ? 'f' : 'x' } };
    });
    expectEquivalent('jsonPayload.a="b" AND jsonPayload.c="d" AND NOT jsonPayload.e="f"', 'jsonPayload.a="b" jsonPayload.c="d" -jsonPayload.e="f"', entries);
  });

  it('joins comparisons on separate lines with AND', () => {
    const query = 'resource.type = "gce_instance"\nseverity = "ERROR"';
    expect(matches(query, gceInstance)).toBe(true);
    expect(matches(query, { ...gceInstance, severity: 'INFO' })).toBe(false);
  });

  it('parses lowercase and/or/not as search terms, which are global restrictions', () => {
    expect(() => compileGcpQuery('resource.type="gae_app" and severity="ERROR"')).toThrow(/lowercase "and" is a search term, write AND/);
    expect(() => compileGcpQuery('resource.type="gae_app" or severity="ERROR"')).toThrow(/lowercase "or"/);
  });
});

describe('Comparisons and field paths', () => {
  it('quotes path components that hold special characters', () => {
    const entry = { labels: { 'compute.googleapis.com/resource_id': '6731710280662790612' } };
    expect(matches('labels."compute.googleapis.com/resource_id" = "6731710280662790612"', entry)).toBe(true);
    const payload = { jsonPayload: { ':name': 'apple pie', 'foo.bar': 'Apple', '"foo"': 'green apple' } };
    expect(matches('jsonPayload.":name":apple', payload)).toBe(true);
    expect(matches('jsonPayload."foo.bar":apple', payload)).toBe(true);
    expect(matches(String.raw`jsonPayload."\"foo\"":apple`, payload)).toBe(true);
    expect(matches('jsonPayload.foo:apple', payload)).toBe(false);
  });

  it('keeps the letter case of map and struct keys but not of protoPayload fields', () => {
    const entry = { jsonPayload: { end_time: 'x' }, labels: { env_name: 'prod' }, protoPayload: { methodName: 'SetIamPolicy' } };
    expect(matches('jsonPayload.end_time:*', entry)).toBe(true);
    expect(matches('jsonPayload.endTime:*', entry)).toBe(false);
    expect(matches('labels.env_name = prod', entry)).toBe(true);
    expect(matches('labels.envName = prod', entry)).toBe(false);
    expect(matches('protoPayload.methodname = "setiampolicy"', entry)).toBe(true);
  });

  it('applies the field and operator to each element of a parenthesized value', () => {
    expect(matches('jsonPayload.cat = ("longhair" OR "shorthair")', { jsonPayload: { cat: 'Shorthair' } })).toBe(true);
    expect(matches('jsonPayload.cat = ("longhair" OR "shorthair")', { jsonPayload: { cat: 'sphynx' } })).toBe(false);
    const animal = 'jsonPayload.animal : ("nice" AND "pet")';
    expect(matches(animal, { jsonPayload: { animal: 'a pet that is nice' } })).toBe(true);
    expect(matches(animal, { jsonPayload: { animal: 'a nice wolf' } })).toBe(false);
    expect(matches('textPayload:("foo" AND NOT "bar")', { textPayload: 'foo' })).toBe(true);
    expect(matches('textPayload:("foo" AND NOT "bar")', { textPayload: 'foobar' })).toBe(false);
    expect(matches('textPayload:(foo -bar)', { textPayload: 'foobar' })).toBe(false);
    expect(matches('jsonPayload.n = (-1 OR 1)', { jsonPayload: { n: -1 } })).toBe(true);
  });

  it('requires fields the LogEntry type defines', () => {
    for (const query of ['thud = 1', 'operation.thud = 1', 'textPayload.thud = 1']) {
      expect(() => compileGcpQuery(query), query).toThrow(/is not a LogEntry field/);
    }
  });
});

describe('Missing fields', () => {
  const entry = { jsonPayload: { store: 'x' }, protoPayload: {} };

  it('fails every comparison on a missing payload field, != included', () => {
    expect(matches('NOT jsonPayload.nearest_store=foo', entry)).toBe(true);
    expect(matches('jsonPayload.nearest_store!=foo', entry)).toBe(false);
    expect(matches('protoPayload.name.nickname = ""', entry)).toBe(false);
    expect(matches('labels.env != "prod"', entry)).toBe(false);
  });

  it('compares a defaulted LogEntry field as its default value', () => {
    expect(matches('httpRequest.remoteIp = ""', entry)).toBe(true);
    expect(matches('trace != "projects/p/traces/1"', entry)).toBe(true);
    expect(matches('operation.producer = ""', entry)).toBe(true);
    expect(matches('httpRequest.status = 0', entry)).toBe(true);
    expect(matches('severity = DEFAULT', entry)).toBe(true);
  });

  it('tests explicit presence with :*', () => {
    expect(matches('operation.id:*', entry)).toBe(false);
    expect(matches('operation.id:*', { operation: { id: 'op-1' } })).toBe(true);
    expect(matches('jsonPayload.store:*', entry)).toBe(true);
    expect(matches('jsonPayload.nearest_store:*', entry)).toBe(false);
  });
});

describe('Object and array types', () => {
  it('compares each array member and joins the results with OR', () => {
    const entry = { jsonPayload: { shoeSize: [8.5, 9, 6] } };
    expect(matches('jsonPayload.shoeSize < 7', entry)).toBe(true);
    expect(matches('jsonPayload.shoeSize < 5', entry)).toBe(false);
    expect(matches('jsonPayload.shoeSize != 9', entry)).toBe(true);
    expect(matches('jsonPayload.shoeSize = 9', { jsonPayload: { shoeSize: [] } })).toBe(false);
  });

  it('reaches into an object value and fans out over arrays along the path', () => {
    const entry = { jsonPayload: { x: { age: 24, height: 67 } }, protoPayload: { authorizationInfo: [{ permission: 'a.get' }, { permission: 'b.set' }] } };
    expect(matches('jsonPayload.x.age = 24', entry)).toBe(true);
    expect(matches('jsonPayload.x = 24', entry)).toBe(false);
    expect(matches('protoPayload.authorizationInfo.permission = "b.set"', entry)).toBe(true);
  });
});

describe('Values and conversions', () => {
  it('converts the value to the field type; a failed conversion fails the comparison', () => {
    const entry = { jsonPayload: { flag: true, n: 7, s: '7.0', tiny: -3.2e-8 } };
    expect(matches('jsonPayload.flag = "True"', entry)).toBe(true);
    expect(matches('jsonPayload.flag = false', entry)).toBe(false);
    expect(matches('jsonPayload.n = 7', entry)).toBe(true);
    expect(matches('jsonPayload.n = "7"', entry)).toBe(true);
    expect(matches('jsonPayload.n = 7.0', entry)).toBe(true);
    expect(matches('jsonPayload.s = 7', entry)).toBe(false);
    expect(matches('jsonPayload.s = "7.0"', entry)).toBe(true);
    expect(matches('jsonPayload.tiny = "-3.2e-8"', entry)).toBe(true);
    expect(matches('jsonPayload.n = seven', entry)).toBe(false);
    expect(matches('jsonPayload.n != seven', entry)).toBe(false);
  });

  it('treats protoPayload.status.code as a number that also accepts a numeric string', () => {
    const denied = { protoPayload: { status: { code: 7 } } };
    expect(matches('protoPayload.status.code=7', denied)).toBe(true);
    expect(matches('protoPayload.status.code="7"', denied)).toBe(true);
    expect(matches('protoPayload.status.code>0', denied)).toBe(true);
    // An empty status is missing, not zero: != fails while NOT = holds.
    const ok = { protoPayload: { status: {} } };
    expect(matches('protoPayload.status.code!=0', ok)).toBe(false);
    expect(matches('NOT protoPayload.status.code=0', ok)).toBe(true);
  });

  it('reads 64-bit integers, which the JSON carries as strings', () => {
    const entry = { httpRequest: { status: 404, responseSize: '9223372036854775807' } };
    expect(matches('httpRequest.status = 404', entry)).toBe(true);
    expect(matches('httpRequest.responseSize = "9223372036854775807"', entry)).toBe(true);
    expect(matches('httpRequest.responseSize > 9223372036854775806', entry)).toBe(true);
  });

  it('requires quotes around values with special characters ("Troubleshooting")', () => {
    expect(() => compileGcpQuery('insertId = abc:def')).toThrow(/must be double-quoted/);
    expect(matches('insertId = "abc:def"', { insertId: 'abc:def' })).toBe(true);
    expect(() => compileGcpQuery('insertId = abc.def')).toThrow(/must be double-quoted/);
    expect(() => compileGcpQuery('insertId = "ABC-1" OR "ABC-2"')).toThrow(/global restriction/);
    expect(matches('insertId = ("ABC-1" OR "ABC-2")', { insertId: 'abc-2' })).toBe(true);
  });

  it('matches JSON null with NULL_VALUE', () => {
    expect(matches('jsonPayload.field = NULL_VALUE', { jsonPayload: { field: null } })).toBe(true);
    expect(matches('jsonPayload.field = NULL_VALUE', { jsonPayload: { field: 'x' } })).toBe(false);
    expect(matches('NOT jsonPayload.field = NULL_VALUE', { jsonPayload: { field: 'x' } })).toBe(true);
    expect(matches('jsonPayload.field = "x"', { jsonPayload: { field: null } })).toBe(false);
    expect(() => compileGcpQuery('jsonPayload.field != NULL_VALUE')).toThrow(/NULL_VALUE/);
  });
});

describe('Comments', () => {
  const alex = { resource: { type: 'gce_instance' }, jsonPayload: { targetUser: 'alex' } };

  it('ignores text from -- to the end of the line', () => {
    const annotated = [
      '-- All of our target users are emitted by Compute Engine instances.',
      'resource.type = "gce_instance"',
      '-- Looking for logs from "alex".',
      'jsonPayload.targetUser = "alex"',
    ].join('\n');
    expect(matches(annotated, alex)).toBe(true);
    const toggled = [
      'resource.type = "gce_instance"',
      '-- jsonPayload.targetUser = "alex"',
      'jsonPayload.targetUser = "kiran"',
      '-- jsonPayload.targetUser = "sasha"',
    ].join('\n');
    expect(matches(toggled, alex)).toBe(false);
    expect(matches(toggled, { ...alex, jsonPayload: { targetUser: 'kiran' } })).toBe(true);
  });
});

describe('Comparison operators', () => {
  it('ignores letter case in string equality, ordering and substring tests', () => {
    expect(matches('resource.type = "GAE_APP"', gaeApp)).toBe(true);
    expect(matches('resource.type != "GAE_APP"', gaeApp)).toBe(false);
    expect(matches('textPayload:"PHOENIX"', gaeApp)).toBe(true);
    expect(matches('jsonPayload.s < "b"', { jsonPayload: { s: 'Apple' } })).toBe(true);
    expect(matches('jsonPayload.s = "ﬁle"', { jsonPayload: { s: 'FILE' } })).toBe(true);
  });

  it('orders bool, enum, Duration and Timestamp values by meaning', () => {
    expect(matches('jsonPayload.b > false', { jsonPayload: { b: true } })).toBe(true);
    expect(matches('severity >= WARNING', { severity: 'NOTICE' })).toBe(false);
    expect(matches('severity >= warning', { severity: 'ALERT' })).toBe(true);
    expect(matches('severity >= 400', { severity: 'ALERT' })).toBe(false);
    expect(matches('httpRequest.latency > "999ms"', { httpRequest: { latency: '1s' } })).toBe(true);
    expect(matches('httpRequest.latency > "1.5s"', { httpRequest: { latency: '1.200s' } })).toBe(false);
    expect(matches('timestamp = "2016-11-29T18:15:00-05:00"', gceInstance)).toBe(true);
  });

  it('limits : to strings', () => {
    expect(matches('jsonPayload.n:7', { jsonPayload: { n: 7 } })).toBe(false);
    expect(matches('severity:ERROR', gceInstance)).toBe(false);
  });
});

describe('Searching examples', () => {
  it("runs the page's examples", () => {
    expect(matches('resource.type=gae_app', gaeApp)).toBe(true);
    expect(matches('resource.type=gae_app AND logName:request_log', gaeApp)).toBe(true);
    expect(matches('resource.type=gae_app AND logName:REQUEST_LOG', gaeApp)).toBe(true);
    const vm = 'resource.type = (gce_instance OR aws_ec2_instance) AND severity >= ERROR';
    expect(matches(vm, gceInstance)).toBe(true);
    expect(matches(vm, { resource: { type: 'aws_ec2_instance' }, severity: 'EMERGENCY' })).toBe(true);
    expect(matches(vm, { ...gceInstance, severity: 'INFO' })).toBe(false);
    expect(matches('textPayload:(unicorn phoenix)', gaeApp)).toBe(true);
    expect(matches('textPayload:"unicorn phoenix"', gaeApp)).toBe(false);
    expect(matches('NOT textPayload: "unicorn phoenix"', gaeApp)).toBe(true);
    expect(matches('textPayload:"unicorn phoenix"', { textPayload: 'a Unicorn Phoenix!' })).toBe(true);
  });

  it('searches by time, a bare date meaning midnight UTC', () => {
    const window = 'timestamp >= "2016-11-29T23:00:00Z"\ntimestamp <= "2016-11-29T23:30:00Z"';
    expect(matches(window, gceInstance)).toBe(true);
    expect(matches(window, { ...gceInstance, timestamp: '2016-11-29T23:30:00.000000001Z' })).toBe(false);
    expect(matches('timestamp > "2016-11-29"', gceInstance)).toBe(true);
    expect(matches('timestamp > "2016-11-30"', gceInstance)).toBe(false);
  });
});

describe('Using regular expressions', () => {
  it('runs the examples table', () => {
    expect(matches('sourceLocation.file =~ "foo"', { sourceLocation: { file: 'src/foo.go' } })).toBe(true);
    expect(matches('labels.subnetwork_name =~ "(?i)foo"', { labels: { subnetwork_name: 'my-FOO-net' } })).toBe(true);
    expect(matches('labels.subnetwork_name =~ "foo"', { labels: { subnetwork_name: 'my-FOO-net' } })).toBe(false);
    expect(matches(String.raw`jsonPayload.message =~ "field1=\"bar.*\""`, { jsonPayload: { message: 'x field1="barista"' } })).toBe(true);
    expect(matches('labels.pod_name =~ "(foo|bar)"', { labels: { pod_name: 'api-bar-1' } })).toBe(true);
    expect(matches('logName =~ "/my%2Flog$"', { logName: 'projects/p/logs/my%2Flog' })).toBe(true);
    expect(matches('labels.pod_name !~ "foo"', { labels: { pod_name: 'api-bar-1' } })).toBe(true);
    const env = 'labels.env =~ ("^prod.*server" OR "^staging.*server")';
    expect(matches(env, { labels: { env: 'staging-eu-server' } })).toBe(true);
    expect(matches(env, { labels: { env: 'dev-server' } })).toBe(false);
    expect(matches('logName =~ "^foo"', { logName: 'foo/bar' })).toBe(true);
    expect(matches('logName =~ "foo$"', { logName: 'foo/bar' })).toBe(false);
  });

  it('is case sensitive, unnormalized and limited to string fields', () => {
    expect(matches('resource.type =~ "kubernetes"', { resource: { type: 'KUBERNETES' } })).toBe(false);
    expect(matches('jsonPayload.n =~ "7"', { jsonPayload: { n: 7 } })).toBe(false);
    expect(matches('severity =~ "ERR"', gceInstance)).toBe(false);
    expect(matches('jsonPayload.n !~ "7"', { jsonPayload: { n: 7 } })).toBe(false);
  });

  it('keeps RE2 meanings where JavaScript differs', () => {
    // RE2's . excludes only \n; its \s is [\t\n\f\r ] without \v.
    expect(matches('jsonPayload.m =~ "a.b"', { jsonPayload: { m: 'a\rb' } })).toBe(true);
    expect(matches('jsonPayload.m =~ "a.b"', { jsonPayload: { m: 'a\nb' } })).toBe(false);
    expect(matches('jsonPayload.m =~ "(?s)a.b"', { jsonPayload: { m: 'a\nb' } })).toBe(true);
    expect(matches(String.raw`jsonPayload.m =~ "a\\sb"`, { jsonPayload: { m: 'a\vb' } })).toBe(false);
    expect(matches(String.raw`jsonPayload.m =~ "^\\d{3}-\\d{4}$"`, { jsonPayload: { m: '555-1234' } })).toBe(true);
    expect(matches('jsonPayload.m =~ "^[[:upper:]]+$"', { jsonPayload: { m: 'ABC' } })).toBe(true);
    expect(matches(String.raw`jsonPayload.m =~ "\\Qa.b\\E"`, { jsonPayload: { m: 'axb' } })).toBe(false);
    expect(matches(String.raw`jsonPayload.m =~ "(?P<x>\\x41)+"`, { jsonPayload: { m: 'AA' } })).toBe(true);
    expect(matches('jsonPayload.m =~ "a{,2}"', { jsonPayload: { m: 'a{,2}' } })).toBe(true);
  });

  it('reads a leading (?m) as RE2 does: ^ and $ also match next to \\n, its only line break', () => {
    // RE2 syntax (https://github.com/google/re2/wiki/Syntax): "m  multi-line mode: ^ and $ match line as well as text".
    expect(matches('jsonPayload.m =~ "(?m)^b$"', { jsonPayload: { m: 'a\nb\nc' } })).toBe(true);
    expect(matches('jsonPayload.m =~ "^b$"', { jsonPayload: { m: 'a\nb\nc' } })).toBe(false);
    expect(matches('jsonPayload.m =~ "(?m)^b$"', { jsonPayload: { m: 'a\rb\rc' } })).toBe(false);
    expect(matches('jsonPayload.m =~ "(?ims)^B.$"', { jsonPayload: { m: 'a\nb\n' } })).toBe(true);
    expect(matches(String.raw`jsonPayload.m =~ "(?m)\\Ab"`, { jsonPayload: { m: 'a\nb' } })).toBe(false);
  });

  it('rejects RE2 syntax outside the translated subset and patterns RE2 itself refuses', () => {
    for (const pattern of ['(?U)a+', 'a(?i)b', String.raw`(a)\\1`, String.raw`\\p{Greek}`, 'a**', '[[:foo:]]', '(?<=a)b', 'a{1001}', '(a', '[a', '*a']) {
      expect(() => compileGcpQuery(`jsonPayload.m =~ "${pattern}"`), pattern).toThrow(/RE2 pattern/);
    }
    expect(() => compileGcpQuery('jsonPayload.m =~ foo')).toThrow(/must be double-quoted/);
    expect(() => compileGcpQuery(String.raw`jsonPayload.m =~ "\d"`)).toThrow(/unsupported escape/);
  });
});

describe('ip_in_net', () => {
  const query = 'logName = "projects/my_project/logs/my_log" AND ip_in_net(jsonPayload.realClientIP, "10.1.2.0/24")';
  const fromIp = (realClientIP: unknown): object => ({ logName: 'projects/my_project/logs/my_log', jsonPayload: { realClientIP } });

  it('tests whether an address or range lies in the subnet', () => {
    expect(matches(query, fromIp('10.1.2.3'))).toBe(true);
    expect(matches(query, fromIp('10.1.3.3'))).toBe(false);
    expect(matches(query, fromIp('10.1.2.0/28'))).toBe(true);
    expect(matches(query, fromIp('10.1.0.0/16'))).toBe(false);
    expect(matches(query, fromIp(['192.0.2.1', '10.1.2.200']))).toBe(true);
  });

  it('returns false for a missing field or one without a legal address, never throwing', () => {
    for (const value of [undefined, '', 'gce-internal-ip', '10.1.2', '10.1.2.300', '010.1.2.3', '10.1.2.3/33', 7, null, { ip: '10.1.2.3' }]) {
      expect(matches(query, fromIp(value)), String(value)).toBe(false);
    }
    expect(matches('ip_in_net(httpRequest.remoteIp, "0.0.0.0/0")', {})).toBe(false);
    expect(matches('NOT ip_in_net(jsonPayload.ip, "10.0.0.0/8")', { jsonPayload: { ip: 'private' } })).toBe(true);
  });

  it('accepts the documented IPv6 forms and keeps the two families apart', () => {
    const v6 = (ip: string, net: string): boolean => matches(`ip_in_net(jsonPayload.ip, "${net}")`, { jsonPayload: { ip } });
    expect(v6('1:2:0:ffff::4', '1:2::/48')).toBe(true);
    expect(v6('1:2:3::4', '1:2::/48')).toBe(false);
    expect(v6('1234:5678:90ab:cdef:1234:5678:90ab:cdef', '1234:5678:90ab:cdef:1234:5678:90ab:cdef')).toBe(true);
    expect(v6('::ffff:10.1.2.3', '::ffff:10.0.0.0/104')).toBe(true);
    expect(v6('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(v6('10.1.2.3', '::/0')).toBe(false);
    expect(v6('1::2::3', '::/0')).toBe(false);
    expect(v6('fe80::1%eth0', '::/0')).toBe(false);
  });

  it('rejects a subnet that is not a legal address or range', () => {
    for (const net of ['10.1.2.0/33', 'not-an-ip', '1:2::/129', '']) {
      expect(() => compileGcpQuery(`ip_in_net(jsonPayload.ip, "${net}")`), net).toThrow(/not a legal IP address or range/);
    }
    expect(() => compileGcpQuery('ip_in_net(jsonPayload.ip, 10.0.0.0/8)')).toThrow(/double-quoted/);
  });
});

describe('Functions', () => {
  it('matches log_id against the URL-decoded log ID of logName', () => {
    const entry = { logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity' };
    expect(matches('log_id("cloudaudit.googleapis.com/activity")', entry)).toBe(true);
    expect(matches('log_id("cloudaudit.googleapis.com/data_access")', entry)).toBe(false);
    expect(matches('log_id("cloudaudit.googleapis.com/activity")', {})).toBe(false);
  });

  it('rejects functions whose results cannot be reproduced', () => {
    expect(() => compileGcpQuery('SEARCH("hello world")')).toThrow(/SEARCH\(\) is not supported/);
    expect(() => compileGcpQuery('logName = "projects/my-project/logs/syslog" AND sample(insertId, 0.25)')).toThrow(/sample\(\) is not supported/);
    expect(() => compileGcpQuery('source(projects/my-project)')).toThrow(/source\(\) is not supported/);
    expect(() => compileGcpQuery('cast(timestamp, STRING) =~ "^2023"')).toThrow(/cast\(\) is not supported/);
    expect(() => compileGcpQuery('nope(logName)')).toThrow(/unknown function/);
  });
});

describe('Syntax and limits', () => {
  it('throws an error naming the position of the problem', () => {
    expect(() => compileGcpQuery('resource.type = "gae_app')).toThrow(/offset 16 \(line 1, column 17\): unterminated string/);
    expect(() => compileGcpQuery('(resource.type = "gae_app"')).toThrow(/expected "\)"/);
    expect(() => compileGcpQuery('resource.type =')).toThrow(/expected a value/);
    expect(() => compileGcpQuery('AND resource.type = "gae_app"')).toThrow(/expected a comparison/);
    expect(() => compileGcpQuery('resource.type = "gae_app")')).toThrow(/unexpected "\)"/);
    expect(() => compileGcpQuery('resource.type\n  == "gae_app"')).toThrow(/line 2, column 4/);
    expect(() => compileGcpQuery("resource.type = 'gae_app'")).toThrow(/single-quoted/);
    expect(() => compileGcpQuery('   -- only a comment')).toThrow(/empty/);
    expect(() => compileGcpQuery('operation.id:*x')).toThrow(/after ":\*"/);
  });

  it(`accepts at most ${GCP_QUERY_MAX_LENGTH} characters, comments included`, () => {
    const base = 'severity = ERROR\n-- ';
    const longest = base + 'x'.repeat(GCP_QUERY_MAX_LENGTH - base.length);
    expect(matches(longest, gceInstance)).toBe(true);
    expect(() => compileGcpQuery(`${longest}x`)).toThrow(/20001 characters long; Cloud Logging allows at most 20000/);
  });
});

describe('Corpus of real audit log entries', () => {
  const dir = join(CORPUS_DIR, 'gcp');
  const entries: unknown[] = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown[]);
  const count = (query: string): number => entries.filter(compileGcpQuery(query)).length;

  it.each([
    ['protoPayload.serviceName="iam.googleapis.com" AND protoPayload.status.code=7', 1],
    ['protoPayload.status.code=7', 2],
    ['protoPayload.status.code!=0', 2],
    ['NOT protoPayload.status.code=0', 16],
    ['protoPayload.requestMetadata.callerSuppliedUserAgent:"command/gcloud."', 6],
    ['protoPayload.requestMetadata.callerSuppliedUserAgent =~ "gsutil/[0-9.]+ "', 2],
    ['protoPayload.methodName="STORAGE.OBJECTS.CREATE"', 3],
    ['protoPayload.methodName=~"STORAGE"', 0],
    ['protoPayload.authorizationInfo.permission="compute.disks.setIamPolicy"', 1],
    ['protoPayload.authenticationInfo.principalEmail:"@lotr.com"', 5],
    ['ip_in_net(protoPayload.requestMetadata.callerIp, "10.0.0.0/8")', 1],
    ['ip_in_net(protoPayload.requestMetadata.callerIp, "1.2.3.4/32")', 9],
    ['ip_in_net(protoPayload.requestMetadata.callerIp, "2620:15c::/32")', 1],
    ['NOT ip_in_net(protoPayload.requestMetadata.callerIp, "0.0.0.0/0")', 2],
    ['log_id("cloudaudit.googleapis.com/data_access")', 5],
    ['logName:"cloudaudit.googleapis.com%2Factivity"', 9],
    ['severity>=WARNING', 1],
    ['severity=DEFAULT', 1],
    ['resource.type=gcs_bucket AND -protoPayload.methodName:"objects"', 1],
  ])('%s selects %i entries', (query, expected) => {
    expect(count(query)).toBe(expected);
  });
});
