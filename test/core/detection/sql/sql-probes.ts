/**
 * Rules that exercise every construct the SQL backend prints (the catalog has no keywords, |fieldref,
 * |re with flags, IPv6 CIDRs, numeric comparisons or `?` wildcards), and the events they are held to:
 * for each field a rule tests, its values, near misses and every JSON type (absent, null, numbers,
 * booleans, objects, arrays, arrays in arrays, an object inside an array on the way), crossed.
 */
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { parseWildcards, type Expr, type Match } from '../../../../core/detection/expr.ts';
import { generatedRule, type Product, type Target } from '../../../../core/detection/rule.ts';
import { exampleModel } from '../../../helpers/config.ts';

interface Probe {
  readonly id: string;
  readonly product: Product;
  readonly service: string;
  readonly detection: Record<string, unknown>;
}

const TARGET: Readonly<Record<Product, Target>> = { aws: 'eventbridge', azure: 'kql', gcp: 'gcp' };

export const SQL_PROBES: readonly Probe[] = [
  {
    id: 'sql-regex-flags',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      plain: { 'userAgent|re': String.raw`^aws-cli/2\.\d+ ` },
      ignorecase: { 'errorMessage|re|i': '^ACCESS denied.$' },
      lines: { 'errorCode|re|m|s': '^denied.+$' },
      spaces: { 'requestParameters.policy|re': String.raw`"Effect"\s*:\s*"Allow"` },
      condition: 'plain or ignorecase or lines or spaces',
    },
  },
  {
    id: 'sql-cidr',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      inside: { 'sourceIPAddress|cidr': ['10.0.0.0/8', '2001:db8::/32', '::ffff:0:0/96', '192.0.2.0/24'] },
      filter: { 'sourceIPAddress|cidr': '10.9.0.0/16' },
      condition: 'inside and not filter',
    },
  },
  {
    id: 'sql-exists-null',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      a: { 'userIdentity.invokedBy|exists': false, eventName: 'GetAccountSummary' },
      b: { 'requestParameters.roleName|exists': true, 'resources.type': null },
      c: { 'resources.ARN|exists': true, 'userIdentity.type': null },
      condition: 'a or b or not c',
    },
  },
  {
    id: 'sql-numeric',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      many: { 'requestParameters.maxCount|gt': 10 },
      range: { 'requestParameters.minCount|gte': 2, 'requestParameters.minCount|lt': 5.5 },
      single: { 'requestParameters.maxCount|lte': -1.5 },
      condition: '(many or range) and not single',
    },
  },
  {
    id: 'sql-wildcards',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      selection: { 'userAgent|cased|startswith': 'aws-cli/2.*Python/3', 'eventSource|endswith': '*.amazonaws.c?m' },
      filter: { 'eventName|cased': String.raw`Describe\*` },
      other: { eventName: ['Get?ucket*', 'PutObject'], 'errorCode|contains': ['Denied', ''] },
      condition: '(selection and not filter) or other',
    },
  },
  {
    id: 'sql-fieldref',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      same: { 'userIdentity.userName|fieldref': 'requestParameters.userName' },
      cased: { 'userIdentity.arn|fieldref|cased': ['resources.ARN', 'requestParameters.roleArn'] },
      condition: 'same or cased',
    },
  },
  {
    id: 'sql-keywords',
    product: 'aws',
    service: 'cloudtrail',
    detection: { keywords: ['evil?corp', 'AKIA*EXAMPLE', 'quote"d'], filter: { eventName: 'ListBuckets' }, condition: 'keywords and not filter' },
  },
  {
    id: 'sql-object-text',
    product: 'aws',
    service: 'cloudtrail',
    detection: {
      all: { 'requestParameters|contains|all': ['"force":true', '"bucketName"'] },
      items: { 'requestParameters.items.name|endswith': '-prod', 'resources.accountId|startswith': '1111' },
      condition: 'all or items',
    },
  },
  {
    id: 'sql-gcp',
    product: 'gcp',
    service: 'gcp.audit',
    detection: {
      members: { 'protoPayload.request.policy.bindings.members|startswith': 'user:', 'protoPayload.status.code|gte': 7 },
      ip: { 'protoPayload.requestMetadata.callerIp|cidr': ['2001:db8::/48', '203.0.113.0/24'] },
      condition: 'members or not ip',
    },
  },
  {
    id: 'sql-azure',
    product: 'azure',
    service: 'auditlogs',
    detection: {
      a: { 'TargetResources.modifiedProperties.newValue|contains': 'Enabled', 'OperationName|startswith': 'Update' },
      b: { 'TargetResources.modifiedProperties.displayName|exists': false },
      condition: 'a or not b',
    },
  },
];

export const sqlProbeRules = (): CatalogRule[] =>
  bindRules(
    SQL_PROBES.map((p) =>
      generatedRule(
        {
          id: p.id,
          title: `SQL probe ${p.id}`,
          description: 'Exercises a construct of the SQL backend in its conformance suite.',
          level: 'low',
          tags: ['attack.t1078'],
          logsource: { product: p.product, service: p.service },
          detection: p.detection as unknown as Record<string, string>,
          targets: [TARGET[p.product]],
        },
        'sql-probes.ts',
      ),
    ),
    exampleModel(),
  );

const swapCase = (text: string): string => [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
const filled = (value: string, many: string, one: string): string =>
  parseWildcards(value)
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'any' ? many : one))
    .join('');

const IP_TEXTS = [
  '10.1.2.3',
  '10.9.4.4',
  '11.0.0.1',
  ' 10.1.2.3 ',
  '10.1.2.3/32',
  '01.2.3.4',
  '192.0.2.255',
  '203.0.113.9',
  '2001:db8::1',
  '2001:DB8:0:0:0:0:0:ABCD',
  '2001:db9::1',
  '2001:db8:0:1::5',
  '::ffff:10.1.2.3',
  '::ffff:1.2.3.4',
  '::1.2.3.4',
  '1:2:3:4:5:6:7::',
  '::',
  'fe80::1%eth0',
  'g::1',
  '1:2:3:4:5:6:7:8:9',
  'cloudtrail.amazonaws.com',
];

/** Values that make a match hold, miss it narrowly, or are of another JSON type. */
function valuesFor(m: Match): unknown[] {
  const out: unknown[] = [undefined, null, 42, true, { a: 1 }, ['x', null]];
  for (const v of m.values) {
    const text = String(v);
    switch (m.op) {
      case 'cidr':
        out.push(...IP_TEXTS);
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const n = Number(v);
        out.push(n - 1, n, n + 0.5, String(n + 1), `${n}x`, ' 7', '1e3', [n + 100, 'x']);
        break;
      }
      case 're':
        out.push(
          'aws-cli/2.15 x',
          'AWS-CLI/2.1 x',
          'access DENIED!',
          'access denied\n',
          'x\ndenied now\ny',
          'denied',
          '{"Effect" : "Allow"}',
          '"Effect":"Deny"',
        );
        break;
      case 'fieldref':
        out.push('Same', 'same', 'arn:aws:iam::1:role/A', 'arn:aws:iam::1:role/a');
        break;
      case 'exists':
      case 'null':
        out.push('value', [{ x: 1 }], []);
        break;
      default: {
        const hit = filled(text, 'Zq', '\u00e9');
        out.push(hit, swapCase(hit), `pre-${hit}-post`, `${hit}\nline`, filled(text, '', 'Q'), filled(text, 'Zq', ''), hit.slice(1), [hit, 'other'], [[hit]]);
      }
    }
  }
  return out;
}

/** Sets a dotted path (undefined leaves it out); `wrap` puts the object at the first key inside an array with an empty one. */
function setPath(event: Record<string, unknown>, path: string, value: unknown, wrap: boolean): void {
  if (value === undefined) return;
  const keys = path.split('.');
  let node = event;
  for (const [i, k] of keys.slice(0, -1).entries()) {
    const existing = node[k];
    if (Array.isArray(existing) && typeof existing[0] === 'object' && existing[0] !== null) node = existing[0] as Record<string, unknown>;
    else {
      if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) node[k] = i === 0 && wrap ? [{}, {}] : {};
      const next = node[k];
      node = (Array.isArray(next) ? next[0] : next) as Record<string, unknown>;
    }
  }
  node[keys[keys.length - 1]!] = value;
}

/** Deterministic indices (mulberry32) when the cross product is too large. */
function sample(total: number, count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * total);
  });
}

/** The cross product of each tested field's values (up to `limit`, sampled beyond), each also with its first object in an array. */
export function probeEvents(r: CatalogRule, limit = 600): Record<string, unknown>[] {
  const fields = new Map<string, unknown[]>();
  const walk = (e: Expr): void => {
    if (e.kind === 'match') {
      const values = valuesFor(e);
      // A keyword is planted in a field of the record.
      const targets = e.op === 'keyword' ? ['userAgent', 'requestParameters.note'] : [e.field, ...(e.op === 'fieldref' ? e.values.map(String) : [])];
      for (const f of targets) fields.set(f, [...(fields.get(f) ?? []), ...values]);
    } else if (e.kind === 'not') walk(e.item);
    else e.items.forEach(walk);
  };
  walk(r.expr);
  const lists = [...fields].map(([f, vs]) => [f, [...new Map(vs.map((v) => [JSON.stringify(v) ?? 'absent', v])).values()]] as const);
  const total = lists.reduce((n, [, vs]) => n * vs.length, 1);
  const indices = total <= limit ? Array.from({ length: total }, (_, i) => i) : sample(total, limit, 17);
  return indices.map((index, k) => {
    const event: Record<string, unknown> = {};
    let rest = index;
    for (const [f, vs] of lists) {
      setPath(event, f, vs[rest % vs.length], k % 5 === 4);
      rest = Math.floor(rest / vs.length);
    }
    return event;
  });
}
