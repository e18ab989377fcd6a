/**
 * Each dialect-specific construct of the SQL printers, pinned: case folding, wildcards, regex (flags,
 * rewrites and refusals), JSON access, CIDR, exists/null, arrays, and what each table cannot read. DuckDB
 * constructs are also run (in-memory DuckDB) against the rule engine on values chosen to tell them apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { compileSqlCondition, compileSqlQuery, SQL_DIALECTS, SqlCompileError, type SqlDialect } from '../../../../core/detection/compilers/sql.ts';
import { ATHENA_CLOUDTRAIL_COLUMNS, athenaTypeText } from '../../../../core/detection/compilers/athena-cloudtrail-columns.ts';
import { translateRegex } from '../../../../core/detection/compilers/sql-regex.ts';
import { generatedRule, type Product } from '../../../../core/detection/rule.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { openDuckDb, type DuckDbHarness } from './duckdb-harness.ts';

const SERVICE: Readonly<Record<Product, string>> = { aws: 'cloudtrail', azure: 'signinlogs', gcp: 'gcp.audit' };
const TARGET = { aws: 'eventbridge', azure: 'kql', gcp: 'gcp' } as const;

let n = 0;
function rule(product: Product, detection: Record<string, unknown>, service = SERVICE[product]): CatalogRule {
  const id = `printer-${++n}`;
  return bindRules(
    [
      generatedRule(
        {
          id,
          title: `Printer test ${id}`,
          description: 'Pins a construct of the SQL printers.',
          level: 'low',
          tags: ['attack.t1078'],
          logsource: { product, service },
          detection: { condition: 'selection', ...detection } as unknown as Record<string, string>,
          targets: [TARGET[product]],
        },
        'sql-printers.test.ts',
      ),
    ],
    exampleModel(),
  )[0]!;
}
const sql = (product: Product, selection: Record<string, unknown>, dialect: SqlDialect) => compileSqlCondition(rule(product, { selection }), dialect);
const refusal = (product: Product, selection: Record<string, unknown>, dialect: SqlDialect): string => {
  try {
    compileSqlCondition(rule(product, { selection }), dialect);
  } catch (error) {
    if (error instanceof SqlCompileError) return `${error.dialect}: ${error.reason}`;
    throw error;
  }
  throw new Error('compiled');
};

let db: DuckDbHarness;
let table = 0;
beforeAll(async () => {
  db = await openDuckDb();
});
afterAll(() => db?.close());

/** Which of `events` the rule's DuckDB SQL selects, beside which the rule engine matches. */
async function both(r: CatalogRule, events: readonly unknown[]): Promise<{ sql: boolean[]; engine: boolean[] }> {
  const name = `t${++table}`;
  await db.load(
    name,
    events.map((event) => ({ k: 0, event })),
  );
  const [selected] = await db.evaluate(name, [compileSqlCondition(r, 'duckdb')]);
  return { sql: events.map((_, i) => selected!.has(i)), engine: events.map((e) => r.matches(e)) };
}

describe('case folding', () => {
  it('folds with lower() unless |cased, the literal folded once', () => {
    expect(sql('aws', { eventName: 'GetObject' }, 'duckdb')).toContain(`= 'getobject'`);
    expect(sql('aws', { eventName: 'GetObject' }, 'athena')).toBe(`coalesce(lower(eventname) = 'getobject', FALSE)`);
    expect(sql('gcp', { 'protoPayload.methodName': 'SetIamPolicy' }, 'bigquery')).toBe(
      `coalesce(LOWER(proto_payload.audit_log.method_name) = 'setiampolicy', FALSE)`,
    );
    expect(sql('aws', { 'eventName|cased': 'GetObject' }, 'athena')).toBe(`coalesce(eventname = 'GetObject', FALSE)`);
    expect(sql('aws', { eventName: ['A', 'b'] }, 'athena')).toBe(`coalesce(lower(eventname) IN ('a', 'b'), FALSE)`);
  });

  it('spells contains, startswith and endswith per dialect', () => {
    expect(sql('aws', { 'userAgent|contains': 'Boto3' }, 'duckdb')).toContain(`contains(lower(t2), 'boto3')`);
    expect(sql('aws', { 'userAgent|startswith|cased': 'aws-cli' }, 'athena')).toBe(`coalesce(starts_with(useragent, 'aws-cli'), FALSE)`);
    // Trino has no ends_with: a suffix of the literal's length in code points.
    expect(sql('aws', { 'userAgent|endswith|cased': 'é/1' }, 'athena')).toBe(`coalesce(substr(useragent, -3) = 'é/1', FALSE)`);
    expect(sql('gcp', { 'protoPayload.methodName|endswith|cased': '.Delete' }, 'bigquery')).toBe(
      `coalesce(ENDS_WITH(proto_payload.audit_log.method_name, '.Delete'), FALSE)`,
    );
    expect(sql('gcp', { 'protoPayload.methodName|contains|cased': "it's" }, 'bigquery')).toBe(
      `coalesce(STRPOS(proto_payload.audit_log.method_name, 'it\\'s') > 0, FALSE)`,
    );
  });

  it('DuckDB folds as the rule engine does, and |cased does not', async () => {
    const events = ['GetObject', 'GETOBJECT', 'getobject', 'GetObjectX'].map((eventName) => ({ eventName }));
    for (const r of [rule('aws', { selection: { eventName: 'GetObject' } }), rule('aws', { selection: { 'eventName|cased': 'GetObject' } })]) {
      const { sql: got, engine } = await both(r, events);
      expect(got).toEqual(engine);
    }
    expect((await both(rule('aws', { selection: { 'eventName|cased': 'GetObject' } }), events)).sql).toEqual([true, false, false, false]);
  });
});

describe('wildcards', () => {
  it('become an anchored regex over the folded text: * any run, ? one character, line breaks included', () => {
    expect(sql('aws', { eventName: 'Get?ucket*' }, 'athena')).toBe(`coalesce(regexp_like(lower(eventname), '(?s)^get.ucket.*\\z'), FALSE)`);
    expect(sql('aws', { 'eventName|contains|cased': 'a*b.c' }, 'athena')).toBe(`coalesce(regexp_like(eventname, '(?s)a.*b\\.c'), FALSE)`);
    expect(sql('gcp', { 'protoPayload.methodName|endswith': '*.Get?' }, 'bigquery')).toBe(
      `coalesce(REGEXP_CONTAINS(LOWER(proto_payload.audit_log.method_name), '(?s).*\\\\.get.\\\\z'), FALSE)`,
    );
  });

  it('DuckDB agrees with the rule engine on ? as one character (é included), escapes and line breaks', async () => {
    const r = rule('aws', { selection: { eventName: ['Get?ucket*', String.raw`Put\*`] } });
    const events = ['GetBucketAcl', 'GetéucketX', 'Getucket', 'GetBBucket', 'GetBucket\nx', 'Put*', 'PutX', 'xGetBucket'].map((eventName) => ({ eventName }));
    const { sql: got, engine } = await both(r, events);
    expect(got).toEqual(engine);
    expect(got).toEqual([true, true, false, false, true, true, false, false]);
  });
});

describe('regex', () => {
  it('puts Sigma flags inline: (?i) in RE2, (?iu) in Java, with |m and |s', () => {
    expect(sql('aws', { 'userAgent|re|i': '^aws' }, 'duckdb')).toContain(`regexp_matches(t2, '(?i)^aws')`);
    expect(sql('aws', { 'userAgent|re|i|m|s': '^aws.+$' }, 'athena')).toBe(`coalesce(regexp_like(useragent, '(?iums)^aws.+$'), FALSE)`);
    expect(sql('gcp', { 'protoPayload.methodName|re': '^v1\\.' }, 'bigquery')).toBe(
      `coalesce(REGEXP_CONTAINS(proto_payload.audit_log.method_name, '^v1\\\\.'), FALSE)`,
    );
  });

  it('rewrites what JavaScript means differently: . $ \\s [^] and \\u', () => {
    const m = { cased: true, multiline: false, dotAll: false };
    expect(translateRegex('^a.b$', m, 're2')).toBe(String.raw`^a[^\n\r\x{2028}\x{2029}]b\z`);
    expect(translateRegex(String.raw`a\sb[\s,]`, m, 'java')).toBe(
      String.raw`a[\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]b[\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF},]`,
    );
    expect(translateRegex(String.raw`[^]\u00e9[$.]`, m, 're2')).toBe(String.raw`(?s:.)\x{00e9}[$.]`);
    expect(translateRegex('a.$', { cased: false, multiline: true, dotAll: true }, 're2')).toBe('(?ims)a.$');
  });

  it('refuses in RE2 (DuckDB, BigQuery) what only Java (Athena) runs, and in all what neither reads as JavaScript does', () => {
    expect(refusal('aws', { 'userAgent|re': 'aws(?!-cli)' }, 'duckdb')).toBe('duckdb: regex aws(?!-cli): lookaround assertions are not in RE2');
    expect(refusal('gcp', { 'protoPayload.methodName|re': String.raw`(a)\1` }, 'bigquery')).toBe(
      String.raw`bigquery: regex (a)\1: backreferences are not in RE2`,
    );
    expect(sql('aws', { 'userAgent|re': 'aws(?!-cli)' }, 'athena')).toBe(`coalesce(regexp_like(useragent, 'aws(?!-cli)'), FALSE)`);
    expect(refusal('aws', { 'userAgent|re': '[]' }, 'athena')).toContain('an empty class [] matches nothing in JavaScript');
  });

  it('DuckDB runs the rewritten regex as JavaScript does on \\r, \\v and a final line break', async () => {
    const r = rule('aws', { selection: { 'userAgent|re': String.raw`^a.b\sc$` } });
    const events = ['a\rb c', 'axb\vc', 'axb c\n', 'axb\u00a0c', 'axb c'].map((userAgent) => ({ userAgent }));
    const { sql: got, engine } = await both(r, events);
    expect(got).toEqual(engine);
    expect(got).toEqual([false, true, false, true, true]);
  });
});

describe('JSON access and arrays', () => {
  it('DuckDB reads the record with quoted JSON paths and fans out over arrays, any element counting', async () => {
    const text = sql('aws', { 'resources.ARN|endswith': ':role/admin' }, 'duckdb');
    expect(text).toContain(`json_extract(event, '$."resources"')`);
    expect(text).toContain(`json_extract(n1, '$."ARN"')`);
    const r = rule('aws', { selection: { 'resources.ARN|endswith': ':role/admin' } });
    const events = [
      { resources: [{ ARN: 'x' }, { ARN: 'arn:aws:iam::1:role/Admin' }] },
      { resources: { ARN: 'arn:aws:iam::1:role/admin' } },
      { resources: [[{ ARN: 'arn:aws:iam::1:role/admin' }]] },
      { resources: [{ ARN: ['x', 'arn:aws:iam::1:role/admin'] }] },
      { resources: [] },
      { resources: 'arn:aws:iam::1:role/admin' },
    ];
    const { sql: got, engine } = await both(r, events);
    expect(got).toEqual(engine);
    expect(got).toEqual([true, true, true, true, false, false]);
  });

  it('Athena maps CloudTrail paths to the lower-case columns, any_match over resources, lax json_query under JSON text', () => {
    expect(sql('aws', { 'userIdentity.sessionContext.sessionIssuer.userName|cased': 'Admin' }, 'athena')).toBe(
      `coalesce(useridentity.sessioncontext.sessionissuer.username = 'Admin', FALSE)`,
    );
    expect(sql('aws', { 'resources.ARN|cased': 'arn:x' }, 'athena')).toBe(`coalesce(any_match(resources, e1 -> e1.arn = 'arn:x'), FALSE)`);
    expect(sql('aws', { 'requestParameters.bucketName|cased': 'b' }, 'athena')).toBe(
      `coalesce(any_match(transform(CAST(json_parse(json_query(requestparameters, 'lax $."bucketName"[*]' WITH ARRAY WRAPPER)) AS ARRAY(JSON)), x1 -> CASE WHEN is_json_scalar(x1) THEN json_extract_scalar(x1, '$') ELSE json_format(x1) END), t1 -> t1 = 'b'), FALSE)`,
    );
  });

  it('BigQuery reads typed columns of the Log Analytics schema, UNNEST over arrays, JSON_QUERY under JSON columns', () => {
    expect(sql('gcp', { 'protoPayload.authorizationInfo.permission|cased': 'iam.roles.create' }, 'bigquery')).toBe(
      `coalesce(EXISTS (SELECT 1 FROM UNNEST(proto_payload.audit_log.authorization_info) AS e1 WHERE e1.permission = 'iam.roles.create'), FALSE)`,
    );
    expect(sql('gcp', { 'protoPayload.status.code': 7 }, 'bigquery')).toBe(`coalesce(LOWER(CAST(proto_payload.audit_log.status.code AS STRING)) = '7', FALSE)`);
    const members = sql('gcp', { 'protoPayload.request.policy.bindings.members|cased': 'allUsers' }, 'bigquery');
    expect(members).toContain(`UNNEST(IF(JSON_TYPE(JSON_QUERY(proto_payload.audit_log.request, '$."policy"')) = 'array'`);
    expect(members).toContain(`WHEN 'array' THEN ARRAY(SELECT e FROM UNNEST(JSON_QUERY_ARRAY(v1_1)) AS c`);
    expect(members).toContain(
      `WHERE CASE JSON_TYPE(v1_3) WHEN 'string' THEN JSON_VALUE(v1_3) WHEN 'null' THEN NULL ELSE TO_JSON_STRING(v1_3) END = 'allUsers'`,
    );
  });
});

describe('exists and null', () => {
  it('DuckDB tells an absent key from a JSON null, as the rule engine does', async () => {
    const events = [
      {},
      { userIdentity: {} },
      { userIdentity: { invokedBy: null } },
      { userIdentity: { invokedBy: 'x' } },
      { userIdentity: [{}, { invokedBy: null }] },
    ];
    const exists = await both(rule('aws', { selection: { 'userIdentity.invokedBy|exists': true } }), events);
    expect(exists.sql).toEqual(exists.engine);
    expect(exists.sql).toEqual([false, false, true, true, true]);
    const isNull = await both(rule('aws', { selection: { 'userIdentity.invokedBy': null } }), events);
    expect(isNull.sql).toEqual(isNull.engine);
    expect(isNull.sql).toEqual([true, true, true, false, true]);
  });

  it('Athena and BigQuery read |exists as "not NULL" in typed columns, presence under JSON text', () => {
    expect(sql('aws', { 'errorCode|exists': false }, 'athena')).toBe(`NOT coalesce(errorcode IS NOT NULL, FALSE)`);
    expect(sql('aws', { 'requestParameters.userData|exists': true }, 'athena')).toBe(
      `coalesce(cardinality(CAST(json_parse(json_query(requestparameters, 'lax $."userData"[*]' WITH ARRAY WRAPPER)) AS ARRAY(JSON))) > 0, FALSE)`,
    );
    expect(sql('gcp', { 'protoPayload.status.code|exists': true }, 'bigquery')).toBe(
      `coalesce(CAST(proto_payload.audit_log.status.code AS STRING) IS NOT NULL, FALSE)`,
    );
    expect(sql('gcp', { 'protoPayload.metadata.x|exists': true }, 'bigquery')).toContain(`WHERE v1_1 IS NOT NULL)`);
  });
});

describe('numbers, field references and keywords', () => {
  it('compares numbers and decimal text as doubles, and DuckDB agrees with the rule engine', async () => {
    expect(sql('aws', { 'requestParameters.maxCount|gt': 10 }, 'athena')).toContain(`TRY_CAST(t1 AS DOUBLE) END > 10`);
    const r = rule('aws', { selection: { 'requestParameters.maxCount|gt': 10 } });
    const events = [11, 10, '11', '1e3', ' 11', '11x', true, { n: 11 }, [1, 12], null].map((maxCount) => ({ requestParameters: { maxCount } }));
    const { sql: got, engine } = await both(r, events);
    expect(got).toEqual(engine);
    expect(got).toEqual([true, false, true, true, false, false, false, false, true, false]);
  });

  it('compares field references as text, and keywords search every string of the record (DuckDB only)', async () => {
    const ref = rule('aws', { selection: { 'userIdentity.userName|fieldref': 'requestParameters.userName' } });
    const refs = await both(ref, [
      { userIdentity: { userName: 'Bob' }, requestParameters: { userName: 'bob' } },
      { userIdentity: { userName: 'Bob' }, requestParameters: { userName: ['x', 'BOB'] } },
      { userIdentity: { userName: 'Bob' } },
      { userIdentity: { userName: null }, requestParameters: { userName: null } },
    ]);
    expect(refs.sql).toEqual(refs.engine);
    expect(refs.sql).toEqual([true, true, false, false]);
    // Athena: one quantifier inside the other, comparing folded texts.
    expect(sql('aws', { 'userIdentity.userName|fieldref': 'requestParameters.userName' }, 'athena')).toMatch(
      /^coalesce\(coalesce\(any_match\(transform\(.*json_query\(requestparameters, 'lax \$\."userName"\[\*\]'.*t\d+ -> lower\(useridentity\.username\) = lower\(t\d+\)\), FALSE\), FALSE\)$/,
    );
    const keywords = rule('aws', { keywords: ['evil?corp', 'quote"d'], condition: 'keywords' });
    const found = await both(keywords, [
      { userAgent: 'x EVILéCORP y' },
      { requestParameters: { list: ['a', { note: 'say quote"d' }] } },
      { 'evil-corp': 1 },
      { userAgent: 'evilcorp' },
      { requestParameters: { n: 5, b: true } },
    ]);
    expect(found.sql).toEqual(found.engine);
    expect(found.sql).toEqual([true, true, false, false, false]);
    expect(() => compileSqlCondition(keywords, 'athena')).toThrow('a keyword searches every string of the record');
  });
});

describe('CIDR without an IP type', () => {
  const addresses = [
    '10.1.2.3',
    '10.255.255.255',
    '11.0.0.0',
    ' 10.1.2.3\n',
    '10.1.2.3/32',
    '010.1.2.3',
    '256.1.1.1',
    '2001:db8::',
    '2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF',
    '2001:db9::',
    '2001:0db8:0000:0000:0000:0000:0000:0001',
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '::10.0.0.1',
    '::1',
    '::',
    '1:2:3:4:5:6:7::',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    'cloudtrail.amazonaws.com',
    '',
  ];

  it('DuckDB parses IPv4 and IPv6 text in SQL and agrees with the rule engine; non-addresses neither match nor fail', async () => {
    const r = rule('aws', { selection: { 'sourceIPAddress|cidr': ['10.0.0.0/8', '2001:db8::/32', '::ffff:0:0/96'] } });
    const events = [...addresses.map((sourceIPAddress) => ({ sourceIPAddress })), { sourceIPAddress: 167837953 }, {}];
    const { sql: got, engine } = await both(r, events);
    expect(got).toEqual(engine);
    expect(got.filter(Boolean).length).toBe(8);
  });

  it('compares IPv4 as an integer and IPv6 as 32 hex digits, in each dialect', () => {
    const athena = sql('aws', { 'sourceIPAddress|cidr': ['10.0.0.0/8', '2001:db8::/32'] }, 'athena');
    expect(athena).toContain('BETWEEN 167772160 AND 184549375');
    expect(athena).toContain(`BETWEEN '20010db8000000000000000000000000' AND '20010db8ffffffffffffffffffffffff'`);
    expect(athena).toContain(`format('%x:%x'`);
    expect(athena).toContain(`regexp_replace(`);
    expect(athena).toContain(`'$1'`);
    const bigquery = sql('gcp', { 'protoPayload.requestMetadata.callerIp|cidr': '2001:db8::/32' }, 'bigquery');
    expect(bigquery).toContain(`FORMAT('%x:%x'`);
    expect(bigquery).toContain(`'\\\\1'`);
    expect(bigquery).toContain('FROM UNNEST([');
  });
});

describe('what a table cannot read', () => {
  it('refuses other clouds, keywords, struct text and columns the table lacks, each with the reason', () => {
    expect(refusal('gcp', { 'protoPayload.methodName': 'x' }, 'athena')).toBe('athena: the athena table (cloudtrail) holds aws logs, not gcp');
    expect(refusal('azure', { AppId: 'x' }, 'bigquery')).toBe('bigquery: the bigquery table (`_AllLogs`) holds gcp logs, not azure');
    expect(refusal('aws', { 'userIdentity|contains': '"type":"Root"' }, 'athena')).toContain('userIdentity is a struct column of the Athena CloudTrail table');
    expect(refusal('aws', { managementEvent: true }, 'athena')).toContain('managementEvent is not a column of the Athena CloudTrail table');
    expect(refusal('gcp', { timestamp: 'x' }, 'bigquery')).toContain('timestamp is a TIMESTAMP in the _AllLogs view');
    expect(refusal('aws', { eventNam: 'x' }, 'duckdb')).toContain('has no field eventNam');
  });

  it('prints a whole SELECT per dialect', () => {
    const r = rule('aws', { selection: { 'eventName|cased': 'X' } });
    expect(compileSqlQuery(r, 'athena')).toBe(`SELECT * FROM cloudtrail\nWHERE coalesce(eventname = 'X', FALSE)`);
    expect(compileSqlQuery(r, 'athena', 'db.trail')).toBe(`SELECT * FROM db.trail\nWHERE coalesce(eventname = 'X', FALSE)`);
    expect(compileSqlQuery(r, 'duckdb').startsWith('SELECT event FROM events\nWHERE ')).toBe(true);
    expect(SQL_DIALECTS).toEqual(['duckdb', 'athena', 'bigquery']);
  });

  it('exports the Athena columns in the page DDL form', () => {
    expect(ATHENA_CLOUDTRAIL_COLUMNS.map((c) => c.name)).toContain('tlsdetails');
    expect(athenaTypeText(ATHENA_CLOUDTRAIL_COLUMNS.find((c) => c.name === 'resources')!.type)).toBe('ARRAY<STRUCT<arn:STRING,accountid:STRING,type:STRING>>');
  });
});
