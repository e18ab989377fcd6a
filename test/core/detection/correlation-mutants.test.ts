/**
 * core/detection/correlation.ts piece by piece, for the mutants its other tests leave: a Sigma correlation's
 * defaults and each refusal with its exact reason, the catalog file's, binding base rules (a reference that
 * cannot be satisfied, a pipeline's field names, arrays), timestamps at their calendar edges, conditions at
 * their boundaries, and the stream: its reorder buffer, lateness, sweeps of idle groups, caps, the sliding
 * window's edges and re-emission, tumbling bins, groups of several or no fields, and the order of matches.
 */
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { bindRules } from '../../../core/detection/catalog.ts';
import {
  bindCorrelation,
  CorrelationStream,
  type Correlation,
  type CorrelationDocument,
  type CorrelationMatch,
  evaluateCorrelations,
  eventTime,
  isCorrelationDocument,
  isCorrelationFileText,
  meetsCondition,
  parseCorrelationFile,
  parseSigmaCorrelation,
  parseTimespan,
  parseTimestamp,
  sortMatches,
  type TimedMatch,
} from '../../../core/detection/correlation.ts';
import { RuleError } from '../../../core/detection/rule-error.ts';
import { exampleModel } from '../../helpers/config.ts';
import { cloudtrailRule, correlationOver, iso, MIN, signinRule, T0 } from '../../helpers/correlations.ts';

/** The message of the error `f` throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('nothing was thrown');
}

/** A minimal Sigma correlation, with `correlation` keys and top-level keys over the defaults. */
const sigma = (correlation: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  title: 'Burst',
  correlation: { type: 'event_count', rules: ['base_rule'], timespan: '5m', condition: { gte: 3 }, ...correlation },
  ...top,
});
const sigmaError = (correlation: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  thrown(() => parseSigmaCorrelation(sigma(correlation, top), 'c.yml', 'fallback'));

describe('a Sigma correlation document', () => {
  it('takes the defaults pySigma takes: the fallback id, no name, empty description, informational, experimental', () => {
    const raw = sigma();
    const d = parseSigmaCorrelation(raw, 'c.yml', 'fallback-id');
    expect(d).toEqual({
      id: 'fallback-id',
      title: 'Burst',
      description: '',
      level: 'informational',
      status: 'experimental',
      tags: [],
      falsepositives: [],
      references: [],
      targets: [],
      file: 'c.yml',
      type: 'event_count',
      rules: ['base_rule'],
      groupBy: [],
      timespan: { text: '5m', ms: 300_000 },
      condition: { gte: 3 },
      generate: false,
      sigma: raw,
    });
    expect('name' in d).toBe(false);
    expect('field' in d).toBe(false);
  });

  it('keeps what is written: id, name, description, level, stable and test status, ATT&CK tags only (any case), lists from one value', () => {
    const d = parseSigmaCorrelation(
      sigma(
        { 'group-by': 'userIdentity.arn', rules: 'base_rule' },
        {
          id: 42,
          name: 'burst_name',
          description: 'Many calls.',
          level: 'high',
          status: 'test',
          tags: ['attack.t1580', 'ATTACK.Discovery', 'cve.2021-1234', 'detection.threat-hunting'],
          falsepositives: 'admins',
          references: 'https://example.com',
          targets: ['kql'],
        },
      ),
      'c.yml',
      'fallback',
    );
    expect(d).toMatchObject({
      id: '42',
      name: 'burst_name',
      description: 'Many calls.',
      level: 'high',
      status: 'test',
      tags: ['attack.t1580', 'ATTACK.Discovery'],
      falsepositives: ['admins'],
      references: ['https://example.com'],
      targets: ['kql'],
      rules: ['base_rule'],
      groupBy: ['userIdentity.arn'],
    });
    expect(parseSigmaCorrelation(sigma({}, { status: 'stable' }), 'c.yml', 'f').status).toBe('stable');
    expect(parseSigmaCorrelation(sigma({}, { status: 'deprecated' }), 'c.yml', 'f').status).toBe('experimental');
  });

  it("takes generate from the correlation section, else the document's top level, else false", () => {
    expect(parseSigmaCorrelation(sigma({ generate: true }), 'c.yml', 'f').generate).toBe(true);
    expect(parseSigmaCorrelation(sigma({ generate: false }, { generate: true }), 'c.yml', 'f').generate).toBe(false);
    expect(parseSigmaCorrelation(sigma({}, { generate: true }), 'c.yml', 'f').generate).toBe(true);
  });

  it('names the first schema problem by its path when it has no YAML document to point into', () => {
    expect(thrown(() => parseSigmaCorrelation({ correlation: sigma().correlation }, 'c.yml', 'f'))).toMatch(/^c\.yml: title: /);
    expect(sigmaError({ generate: 'yes' })).toBe('c.yml: correlation.generate: must be true or false');
    expect(RuleError.name).toBe('RuleError');
  });

  it('names the line of a schema problem when it is given the YAML document', () => {
    const lineCounter = new LineCounter();
    const [doc] = parseAllDocuments('title: Burst\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n  generate: yes\n', { lineCounter });
    expect(thrown(() => parseSigmaCorrelation(doc!.toJS(), 'c.yml', 'f', { doc: doc!, lineCounter }))).toBe(
      'c.yml: correlation.generate (line 6): must be true or false',
    );
  });

  it('refuses aliases, temporal_ordered, an unknown type and an extended condition, each with its reason', () => {
    expect(sigmaError({ aliases: { ip: {} } })).toBe(
      'c.yml: correlation.aliases: field name aliases are not supported; give the base rules the same field names',
    );
    expect(sigmaError({ type: 'temporal_ordered' })).toBe(
      'c.yml: correlation.type: temporal_ordered is not supported: the order of the events is not checked (type temporal is, without order)',
    );
    expect(sigmaError({ type: 'value_sum' })).toBe(
      'c.yml: correlation.type: "value_sum" is not a correlation type this engine runs (supported: event_count, value_count, temporal)',
    );
    expect(sigmaError({ condition: 'a and b' })).toBe(
      'c.yml: correlation.condition: an extended (boolean) correlation condition is not supported; give a map such as { gte: 10 }',
    );
  });

  it('refuses a condition map with an unknown operator, a fraction or a negative count, at the key', () => {
    expect(sigmaError({ condition: { gte: 3, ne: 4 } })).toBe('c.yml: correlation.condition.ne: is not a condition operator (gt, gte, lt, lte, eq, field)');
    expect(sigmaError({ condition: { gte: 2.5 } })).toBe('c.yml: correlation.condition.gte: must be a whole number (a count)');
    expect(sigmaError({ condition: { lt: -1 } })).toBe('c.yml: correlation.condition.lt: must not be negative');
  });
});

describe('the correlation section', () => {
  it('refuses a timespan that is not a number and a unit', () => {
    expect(sigmaError({ timespan: '5 m' })).toBe('c.yml: correlation.timespan: "5 m" is not a timespan: a number and s, m, h or d, e.g. 10m (90m for 1h30)');
  });

  it('needs a condition for event_count and value_count, and an operator in any condition written', () => {
    expect(sigmaError({ condition: undefined })).toBe('c.yml: correlation.condition: event_count needs a condition, e.g. { gte: 10 }');
    expect(sigmaError({ type: 'value_count', condition: undefined })).toBe('c.yml: correlation.condition: value_count needs a condition, e.g. { gte: 10 }');
    expect(sigmaError({ condition: {} })).toBe('c.yml: correlation.condition: needs one of gt, gte, lt, lte, eq');
    expect(sigmaError({ type: 'value_count', condition: { field: 'eventName' } })).toBe('c.yml: correlation.condition: needs one of gt, gte, lt, lte, eq');
    expect(sigmaError({ type: 'temporal', condition: {} })).toBe('c.yml: correlation.condition: needs one of gt, gte, lt, lte, eq');
  });

  it('wants a field for value_count only, saying what the other types count', () => {
    expect(sigmaError({ type: 'value_count', condition: { gte: 3 } })).toBe(
      'c.yml: correlation.condition.field: value_count counts the distinct values of a field: name it',
    );
    expect(sigmaError({ condition: { gte: 3, field: 'eventName' } })).toBe(
      'c.yml: correlation.condition.field: only value_count counts a field; event_count counts matches',
    );
    expect(sigmaError({ type: 'temporal', condition: { gte: 2, field: 'eventName' } })).toBe(
      'c.yml: correlation.condition.field: only value_count counts a field; temporal counts rules',
    );
  });

  it('leaves out an operator given as undefined (a condition built in code): it is no operator', () => {
    expect(parseSigmaCorrelation(sigma({ condition: { gte: 3, lt: undefined } }), 'c.yml', 'f').condition).toStrictEqual({ gte: 3 });
    expect(sigmaError({ condition: { gte: undefined } })).toBe('c.yml: correlation.condition: needs one of gt, gte, lt, lte, eq');
  });

  it('reads a timespan only as a whole number and one unit, nothing after it', () => {
    expect(['5mm', '10m ', '3h2m'].map((t) => parseTimespan(t))).toEqual([undefined, undefined, undefined]);
    expect(parseTimespan('12h')).toEqual({ text: '12h', ms: 43_200_000 });
  });

  it('keeps the operators written and the field apart, and lists each base rule once', () => {
    const d = parseSigmaCorrelation(sigma({ type: 'value_count', rules: ['a', 'b', 'a'], condition: { gt: 1, lte: 9, field: 'eventName' } }), 'c.yml', 'f');
    expect(d.condition).toStrictEqual({ gt: 1, lte: 9 });
    expect(d.field).toBe('eventName');
    expect(d.rules).toEqual(['a', 'b']);
  });

  it('gives temporal without a condition gte the number of distinct base rules, and keeps a written one', () => {
    expect(parseSigmaCorrelation(sigma({ type: 'temporal', rules: ['a', 'b', 'a', 'c'], condition: undefined }), 'c.yml', 'f').condition).toStrictEqual({
      gte: 3,
    });
    expect(parseSigmaCorrelation(sigma({ type: 'temporal', rules: ['a', 'b', 'c'], condition: { gte: 2 } }), 'c.yml', 'f').condition).toStrictEqual({
      gte: 2,
    });
  });
});

const CATALOG = `id: api-burst
title: API burst
description: Many API calls in a short time.
level: high
tags: [attack.discovery]
correlation:
  type: event_count
  rules: [base]
  timespan: 5m
  condition: { gte: 3 }
`;

describe('a catalog correlation file', () => {
  it('takes the catalog defaults: stable, no group-by, generate false, empty lists', () => {
    expect(parseCorrelationFile(CATALOG, 'aws/api-burst.yml')).toEqual({
      id: 'api-burst',
      title: 'API burst',
      description: 'Many API calls in a short time.',
      level: 'high',
      status: 'stable',
      tags: ['attack.discovery'],
      falsepositives: [],
      references: [],
      targets: [],
      file: 'aws/api-burst.yml',
      type: 'event_count',
      rules: ['base'],
      groupBy: [],
      timespan: { text: '5m', ms: 300_000 },
      condition: { gte: 3 },
      generate: false,
    });
  });

  it('holds exactly one YAML document', () => {
    expect(thrown(() => parseCorrelationFile(`${CATALOG}---\n${CATALOG}`, 'aws/api-burst.yml'))).toBe(
      'aws/api-burst.yml: (top level): holds 2 YAML documents; a catalog correlation file holds one correlation',
    );
    expect(thrown(() => parseCorrelationFile('', 'aws/api-burst.yml'))).toBe(
      'aws/api-burst.yml: (top level): holds 0 YAML documents; a catalog correlation file holds one correlation',
    );
  });

  it('names the line of a YAML syntax error, and the line of a schema problem', () => {
    expect(thrown(() => parseCorrelationFile(`${CATALOG}level: low\n`, 'aws/api-burst.yml'))).toBe(
      'aws/api-burst.yml: line 11: Map keys must be unique at line 11, column 1:',
    );
    expect(thrown(() => parseCorrelationFile(CATALOG.replace(/^description:.*\n/m, ''), 'aws/api-burst.yml'))).toMatch(
      /^aws\/api-burst\.yml: description: [^(]*$/,
    );
    expect(thrown(() => parseCorrelationFile(CATALOG.replace('level: high', 'level: severe'), 'aws/api-burst.yml'))).toMatch(
      /^aws\/api-burst\.yml: level \(line 4\): /,
    );
    expect(thrown(() => parseCorrelationFile(CATALOG.replace('id: api-burst', 'id: Api_Burst'), 'aws/Api_Burst.yml'))).toBe(
      'aws/Api_Burst.yml: id (line 1): must be a lowercase slug (letters, digits, hyphens)',
    );
    expect(thrown(() => parseCorrelationFile(CATALOG.replace('[attack.discovery]', '[discovery]'), 'aws/api-burst.yml'))).toBe(
      'aws/api-burst.yml: tags[0] (line 5): must be an ATT&CK tag such as attack.t1580 or attack.discovery',
    );
  });
});

describe('recognizing a correlation', () => {
  it('is a document with a top-level correlation key (an object, not an array or null)', () => {
    expect([{ correlation: {} }, { title: 'x' }, null, [{ correlation: {} }], 'correlation', undefined].map(isCorrelationDocument)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('is a file with correlation: at the start of a line', () => {
    expect(['title: x\ncorrelation:\n', 'correlation :\n', '  correlation:\n', 'xcorrelation:\n', 'title: correlation:\n'].map(isCorrelationFileText)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Binding

const model = exampleModel();
const boundRule = (rule = cloudtrailRule('base')) => bindRules([rule], model)[0]!;

/** A correlation document over `rules` with these group-by fields. */
const document = (extra: Partial<CorrelationDocument> = {}): CorrelationDocument => ({
  id: 'burst',
  title: 'Burst',
  description: '',
  level: 'high',
  status: 'test',
  tags: [],
  falsepositives: [],
  references: [],
  targets: [],
  file: 'burst.yml',
  type: 'event_count',
  rules: ['base'],
  groupBy: ['userIdentity.arn'],
  timespan: { text: '5m', ms: 300_000 },
  condition: { gte: 3 },
  generate: false,
  ...extra,
});

describe('binding a correlation to its base rules', () => {
  it("names the reference a finder cannot satisfy by its index, with the finder's reason", () => {
    const rule = boundRule();
    expect(thrown(() => bindCorrelation(document({ rules: ['base', 'gone'] }), (r) => (r === 'base' ? { rule } : `no rule ${r}`)))).toBe(
      'burst.yml: correlation.rules[1]: no rule gone',
    );
  });

  it('keeps the references as written and each base rule with its fields as its log source spells them', () => {
    const rule = boundRule();
    const c = bindCorrelation(document({ type: 'value_count', field: 'eventName', groupBy: ['userIdentity.arn', 'sourceIPAddress'] }), () => ({ rule }));
    expect(c.ruleReferences).toEqual(['base']);
    expect('rules' in c).toBe(false);
    expect(c.bases).toEqual([{ rule, groupBy: ['userIdentity.arn', 'sourceIPAddress'], field: 'eventName' }]);
    expect('field' in bindCorrelation(document(), () => ({ rule })).bases[0]!).toBe(false);
  });

  it("maps each field through the base rule's mapping, and says how the rule spells a field it refuses", () => {
    const rule = boundRule();
    const mapped = bindCorrelation(document({ groupBy: ['user'] }), () => ({ rule, mapField: (f) => (f === 'user' ? 'userIdentity.arn' : f) }));
    expect(mapped.bases[0]!.groupBy).toEqual(['userIdentity.arn']);
    expect(thrown(() => bindCorrelation(document({ groupBy: ['user'] }), () => ({ rule, mapField: () => 'userIdentity.arm' })))).toBe(
      'burst.yml: correlation.group-by[0]: user (userIdentity.arm in aws/cloudtrail) is not a field of aws/cloudtrail, the log source of base rule base (nearest: userIdentity.arn)',
    );
  });

  it('turns a mapping that refuses a field into the reason, and lets any other error through', () => {
    const rule = boundRule();
    const refusing = () => {
      throw new RuleError('pipeline.yml', 'fieldmappings', 'user is mapped twice');
    };
    expect(thrown(() => bindCorrelation(document({ groupBy: ['user'] }), () => ({ rule, mapField: refusing })))).toBe(
      'burst.yml: correlation.group-by[0]: user, as base rule base names it: user is mapped twice',
    );
    const failing = () => {
      throw new TypeError('broken mapping');
    };
    expect(thrown(() => bindCorrelation(document({ groupBy: ['user'] }), () => ({ rule, mapField: failing })))).toBe('broken mapping');
  });

  it('refuses a field its log source does not have, with a detail, a nearest field or nothing more', () => {
    const rule = boundRule();
    const refusal = (groupBy: string) => thrown(() => bindCorrelation(document({ groupBy: [groupBy] }), () => ({ rule })));
    expect(refusal('eventName.part')).toBe(
      'burst.yml: correlation.group-by[0]: eventName.part is not a field of aws/cloudtrail, the log source of base rule base (eventName holds a value, not fields)',
    );
    expect(refusal('zzzzzzzzzzzzzzzzzzzz')).toBe(
      'burst.yml: correlation.group-by[0]: zzzzzzzzzzzzzzzzzzzz is not a field of aws/cloudtrail, the log source of base rule base',
    );
    expect(thrown(() => bindCorrelation(document({ type: 'value_count', field: 'eventNam' }), () => ({ rule })))).toBe(
      'burst.yml: correlation.condition.field: eventNam is not a field of aws/cloudtrail, the log source of base rule base (nearest: eventName)',
    );
  });

  it('refuses a base rule whose log source is not in the registry', () => {
    const rule = boundRule();
    const elsewhere = { ...rule, rule: { ...rule.rule, logsource: { product: 'aws', service: 'nowhere' } } } as typeof rule;
    expect(thrown(() => bindCorrelation(document(), () => ({ rule: elsewhere })))).toBe(
      'burst.yml: correlation.group-by[0]: userIdentity.arn is not a field of aws/nowhere, the log source of base rule base',
    );
  });

  it('refuses a field under an array that is itself under an object (a GCP audit log)', () => {
    const rule = boundRule();
    const gcp = { ...rule, rule: { ...rule.rule, logsource: { product: 'gcp', service: 'gcp.audit' } } } as typeof rule;
    expect(thrown(() => bindCorrelation(document({ groupBy: ['protoPayload.authorizationInfo.permission'] }), () => ({ rule: gcp })))).toBe(
      'burst.yml: correlation.group-by[0]: protoPayload.authorizationInfo.permission is inside the array protoPayload.authorizationInfo of gcp/gcp.audit: an event has several values there, so it cannot be counted or grouped by',
    );
    expect(bindCorrelation(document({ groupBy: ['protoPayload.authenticationInfo.principalEmail'] }), () => ({ rule: gcp })).bases[0]!.groupBy).toEqual([
      'protoPayload.authenticationInfo.principalEmail',
    ]);
  });

  it('refuses an array, and a field under one, as a group-by or counted field', () => {
    const rule = boundRule();
    expect(thrown(() => bindCorrelation(document({ groupBy: ['resources'] }), () => ({ rule })))).toBe(
      'burst.yml: correlation.group-by[0]: resources is inside the array resources of aws/cloudtrail: an event has several values there, so it cannot be counted or grouped by',
    );
    expect(thrown(() => bindCorrelation(document({ type: 'value_count', field: 'resources.ARN', groupBy: [] }), () => ({ rule })))).toBe(
      'burst.yml: correlation.condition.field: resources.ARN is inside the array resources of aws/cloudtrail: an event has several values there, so it cannot be counted or grouped by',
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Event time

describe('timestamps', () => {
  it('reads the fraction to the millisecond, padding a short one, after a dot or a comma', () => {
    expect(['2025-01-15T09:00:00.1Z', '2025-01-15T09:00:00.12Z', '2025-01-15T09:00:00,123Z', '2025-01-15T09:00:00.1239Z'].map(parseTimestamp)).toEqual([
      T0 + 100,
      T0 + 120,
      T0 + 123,
      T0 + 123,
    ]);
  });

  it('applies an offset with or without a colon, east and west, and allows surrounding spaces', () => {
    expect(['2025-01-15T10:00:00+0100', '2025-01-15T08:30:00-00:30', ' 2025-01-15T09:00:00Z ', '2025-01-15T09:00:00+00:00'].map(parseTimestamp)).toEqual([
      T0,
      T0,
      T0,
      T0,
    ]);
  });

  it('accepts the last valid value of each part and refuses the next', () => {
    const ok = ['2025-12-31T23:59:59Z', '2025-01-01T00:00:00Z', '2016-12-31T23:59:60Z'];
    expect(ok.map(parseTimestamp)).toEqual([Date.UTC(2025, 11, 31, 23, 59, 59), Date.UTC(2025, 0, 1), Date.UTC(2017, 0, 1)]);
    const bad = [
      '2025-00-10T00:00:00Z',
      '2025-01-00T00:00:00Z',
      '2025-01-32T00:00:00Z',
      '2025-01-15T24:00:00Z',
      '2025-01-15T09:60:00Z',
      '2025-01-15T09:00:61Z',
    ];
    expect(bad.map(parseTimestamp)).toEqual(bad.map(() => undefined));
  });

  it('knows the length of each month and the leap years of the Gregorian calendar', () => {
    const last = ['01-31', '03-31', '04-30', '05-31', '06-30', '07-31', '08-31', '09-30', '10-31', '11-30', '12-31'];
    expect(last.map((d) => parseTimestamp(`2025-${d}T00:00:00Z`) !== undefined)).toEqual(last.map(() => true));
    const over = ['04-31', '06-31', '09-31', '11-31', '02-29'];
    expect(over.map((d) => parseTimestamp(`2025-${d}T00:00:00Z`))).toEqual(over.map(() => undefined));
    expect(['2024', '2000', '2100', '2023', '1900'].map((y) => parseTimestamp(`${y}-02-29T00:00:00Z`) !== undefined)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('reads only text: a list holding a timestamp is no time', () => {
    expect(parseTimestamp(['2025-01-15T09:00:00Z'])).toBeUndefined();
    expect(parseTimestamp({ toString: () => '2025-01-15T09:00:00Z' })).toBeUndefined();
  });

  it('falls back to the next time field when the first is unreadable, and reads only strings', () => {
    expect(eventTime('gcp', { timestamp: 'soon', receiveTimestamp: '2025-01-15T09:00:00Z' })).toBe(T0);
    expect(eventTime('gcp', { timestamp: '2025-01-15T09:00:01Z', receiveTimestamp: '2025-01-15T09:00:00Z' })).toBe(T0 + 1000);
    expect(eventTime('gcp', { timestamp: 'soon' })).toBeUndefined();
    expect(eventTime('azure', { TimeGenerated: T0 })).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// Conditions

describe('meetsCondition', () => {
  it('holds each operator exactly at its boundary', () => {
    const table = (condition: Parameters<typeof meetsCondition>[0]) => [2, 3, 4].map((n) => meetsCondition(condition, n));
    expect(table({ gt: 3 })).toEqual([false, false, true]);
    expect(table({ gte: 3 })).toEqual([false, true, true]);
    expect(table({ lt: 3 })).toEqual([true, false, false]);
    expect(table({ lte: 3 })).toEqual([true, true, false]);
    expect(table({ eq: 3 })).toEqual([false, true, false]);
    expect(table({ gte: 3, lt: 4 })).toEqual([false, true, false]);
    expect(table({})).toEqual([true, true, true]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The stream

const base = cloudtrailRule('base');
const other = cloudtrailRule('other');

/** A base-rule match at `t` for `arn`. */
const at = (t: number, arn: unknown, fields: Record<string, unknown> = {}, rule = 'base', ref: string | null = `${rule}@${t - T0}`): TimedMatch<string> => ({
  rule,
  time: t,
  event: { eventName: 'ListUsers', ...(arn === undefined ? {} : { userIdentity: { arn } }), ...fields },
  ...(ref === null ? {} : { ref }),
});

const brief = (matches: readonly CorrelationMatch<string>[]) =>
  matches.map((m) => ({
    group: m.group,
    count: m.count,
    window: m.window,
    start: m.windowStart - T0,
    end: m.windowEnd - T0,
    first: m.first - T0,
    last: m.last - T0,
    ref: m.ref,
  }));

describe('CorrelationStream: routing', () => {
  it('lists the base rules it reads, once each', () => {
    const a = correlationOver([base], { condition: { gte: 2 } });
    const b = correlationOver([base, other], { id: 'pair', type: 'temporal', condition: { gte: 2 } });
    expect(new CorrelationStream([a, b]).baseRuleIds()).toEqual(['base', 'other']);
  });

  it('groups a value that is an object by its JSON, and a number by its text', () => {
    const c = correlationOver([base], { condition: { gte: 2 } });
    const out = evaluateCorrelations([c], [at(T0, { id: 1 }), at(T0 + 1, { id: 1 }), at(T0 + 2, 7), at(T0 + 3, '7')]);
    expect(out.map((m) => [m.group, m.count])).toEqual([
      [{ 'userIdentity.arn': '{"id":1}' }, 2],
      [{ 'userIdentity.arn': '7' }, 2],
    ]);
  });

  it('leaves out a match whose group-by value is empty text or null', () => {
    const c = correlationOver([base], { condition: { gte: 1 } });
    expect(evaluateCorrelations([c], [at(T0, ''), at(T0 + 1, null)])).toEqual([]);
    const v = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 1 } });
    expect(evaluateCorrelations([v], [at(T0, 'alice', { eventName: '' })])).toEqual([]);
  });

  it('leaves out a match whose first group-by field is missing even when a later one is there', () => {
    const c = correlationOver([base], { groupBy: ['userIdentity.arn', 'sourceIPAddress'], condition: { gte: 1 } });
    expect(evaluateCorrelations([c], [at(T0, undefined, { sourceIPAddress: '192.0.2.1' }), at(T0 + 1, 'alice')])).toEqual([]);
    expect(evaluateCorrelations([c], [at(T0, 'alice', { sourceIPAddress: '192.0.2.1' })]).map((m) => m.group)).toEqual([
      { 'userIdentity.arn': 'alice', sourceIPAddress: '192.0.2.1' },
    ]);
  });

  it('counts a correlation without group-by as one group, reported as an empty group', () => {
    const c = correlationOver([base], { groupBy: [], condition: { gte: 2 } });
    expect(brief(evaluateCorrelations([c], [at(T0, 'alice'), at(T0 + 1, undefined)]))).toEqual([
      { group: {}, count: 2, window: 'sliding', start: 1 - 5 * MIN, end: 1, first: 0, last: 1, ref: 'base@1' },
    ]);
  });

  it('counts, for temporal, the base rules that matched, whatever the event fields', () => {
    const c = correlationOver([base, other], { type: 'temporal', condition: { gte: 2 } });
    expect(brief(evaluateCorrelations([c], [at(T0, 'alice'), at(T0 + 1, 'alice'), at(T0 + 2, 'alice', {}, 'other')]))).toEqual([
      { group: { 'userIdentity.arn': 'alice' }, count: 2, window: 'sliding', start: 2 - 5 * MIN, end: 2, first: 1, last: 2, ref: 'other@2' },
    ]);
  });

  it('leaves out the ref when the match that fired carries none', () => {
    const c = correlationOver([base], { condition: { gte: 1 } });
    const [m] = evaluateCorrelations([c], [at(T0, 'alice', {}, 'base', null)]);
    expect(m).toBeDefined();
    expect('ref' in m!).toBe(false);
    const [bin] = evaluateCorrelations([c], [at(T0, 'alice', {}, 'base', null)], { window: 'tumbling' });
    expect('ref' in bin!).toBe(false);
  });
});

describe('CorrelationStream: the reorder buffer and lateness', () => {
  const two = () => correlationOver([base], { condition: { gte: 2 } });

  it('by default slides, with no lateness limit: nothing is released before flush, which sorts', () => {
    const stream = new CorrelationStream<string>([two()]);
    expect(stream.push(at(T0 + 10 * MIN, 'alice'))).toEqual([]);
    expect(stream.push(at(T0, 'alice'))).toEqual([]);
    expect(stream.push(at(T0 + 10 * MIN + 1, 'alice'))).toEqual([]);
    expect(stream.late).toBe(0);
    expect(brief(stream.flush()).map((m) => [m.window, m.first, m.last])).toEqual([['sliding', 10 * MIN, 10 * MIN + 1]]);
  });

  it('releases a match as soon as it is no more than the lateness behind the newest (lateness 0: at once)', () => {
    const c = correlationOver([base], { condition: { gte: 1 } });
    const stream = new CorrelationStream<string>([c], { lateness: 0 });
    expect(brief(stream.push(at(T0, 'alice')))).toEqual([
      { group: { 'userIdentity.arn': 'alice' }, count: 1, window: 'sliding', start: -5 * MIN, end: 0, first: 0, last: 0, ref: 'base@0' },
    ]);
    const late = new CorrelationStream<string>([c], { lateness: MIN });
    expect(late.push(at(T0, 'alice'))).toEqual([]);
    expect(late.push(at(T0 + MIN - 1, 'bob'))).toEqual([]);
    expect(late.push(at(T0 + MIN, 'carol')).map((m) => m.group['userIdentity.arn'])).toEqual(['alice']);
  });

  it('puts a match that comes early in the buffer after the matches of its own time (ties keep their arrival order)', () => {
    const stream = new CorrelationStream<string>([two()], { lateness: 10 * MIN });
    for (const [t, ref] of [
      [T0 + 2, 'c'],
      [T0 + 1, 'a'],
      [T0 + 3, 'd'],
      [T0 + 1, 'b'],
    ] as const)
      expect(stream.push(at(t, 'alice', {}, 'base', ref))).toEqual([]);
    expect(brief(stream.flush()).map((m) => [m.ref, m.first, m.last])).toEqual([['b', 1, 1]]);
  });

  it('empties the buffer on flush: a second flush releases nothing again, and closes no bin twice', () => {
    for (const window of ['sliding', 'tumbling'] as const) {
      for (const condition of [{ gte: 1 }, { lt: 5 }]) {
        const stream = new CorrelationStream<string>([correlationOver([base], { condition })], { window, lateness: MIN });
        stream.push(at(T0, 'alice'));
        expect(stream.flush()).toHaveLength(1);
        expect(stream.flush()).toEqual([]);
      }
    }
  });

  it('sorts an unlimited buffer by time, ties in arrival order', () => {
    const input = [at(T0 + 5, 'alice', {}, 'base', 'late'), at(T0 + 1, 'alice', {}, 'base', 'x'), at(T0 + 1, 'alice', {}, 'base', 'y')];
    expect(evaluateCorrelations([two()], input).map((m) => m.ref)).toEqual(['y']);
    expect(evaluateCorrelations([two()], [input[0]!, input[2]!, input[1]!]).map((m) => m.ref)).toEqual(['x']);
  });

  it('measures the lateness from the newest match, not the last one pushed: an early match that far behind is released at once', () => {
    const c = correlationOver([base], { condition: { gte: 1 } });
    const stream = new CorrelationStream<string>([c], { lateness: MIN });
    expect(stream.push(at(T0 + 3 * MIN, 'alice'))).toEqual([]);
    expect(brief(stream.push(at(T0, 'bob'))).map((m) => [m.group['userIdentity.arn'], m.last])).toEqual([['bob', 0]]);
    expect(brief(stream.flush()).map((m) => [m.group['userIdentity.arn'], m.last])).toEqual([['alice', 3 * MIN]]);
  });

  it('takes a match at the time last released, and counts one before it as late', () => {
    const stream = new CorrelationStream<string>([two()], { lateness: 0 });
    stream.push(at(T0 + 10, 'alice'));
    expect(brief(stream.push(at(T0 + 10, 'alice'))).map((m) => m.count)).toEqual([2]);
    expect(stream.push(at(T0 + 9, 'alice'))).toEqual([]);
    expect(stream.late).toBe(1);
  });

  it('neither counts as late nor moves time for a match no correlation reads, or one that belongs to no group', () => {
    const stream = new CorrelationStream<string>([two()], { lateness: 0 });
    stream.push(at(T0 + 10, 'alice'));
    expect(stream.push(at(T0, 'alice', {}, 'unrelated'))).toEqual([]);
    expect(stream.push(at(T0 + 20, undefined))).toEqual([]);
    expect(stream.late).toBe(0);
    expect(brief(stream.push(at(T0 + 15, 'alice'))).map((m) => [m.count, m.first, m.last])).toEqual([[2, 10, 15]]);
    expect(stream.late).toBe(0);
  });

  it('keeps putting matches in order after thousands have been released', () => {
    const c = correlationOver([base], { condition: { gte: 3 } });
    const stream = new CorrelationStream<string>([c], { lateness: 1000 });
    const out: CorrelationMatch<string>[] = [];
    // 6000 users once each, one a second, then alice three times, out of order within the lateness.
    for (let i = 0; i < 6000; i++) out.push(...stream.push(at(T0 + i * 1000, `user${i}`)));
    const end = T0 + 6000 * 1000;
    for (const t of [end + 500, end + 100, end + 300]) out.push(...stream.push(at(t, 'alice', {}, 'base', `alice@${t - end}`)));
    out.push(...stream.flush());
    expect(brief(out).map((m) => [m.group, m.count, m.first - 6_000_000, m.last - 6_000_000, m.ref])).toEqual([
      [{ 'userIdentity.arn': 'alice' }, 3, 100, 500, 'alice@500'],
    ]);
    expect(stream.late).toBe(0);
  });
});

describe('CorrelationStream: idle groups', () => {
  it('drops, every 4096 releases, the groups idle for a whole timespan and keeps the others', () => {
    const c = correlationOver([base], { condition: { gte: 2 }, timespan: '1s' });
    const stream = new CorrelationStream<string>([c], { lateness: 0 });
    // Group i at i ms: at release 4096 (time 4095) the groups with latest <= 3095 are idle.
    for (let i = 0; i < 4095; i++) stream.push(at(T0 + i, `user${i}`));
    expect(stream.heldGroups()).toBe(4095);
    stream.push(at(T0 + 4095, 'user4095'));
    expect(stream.heldGroups()).toBe(1000);
    for (let i = 0; i < 4095; i++) stream.push(at(T0 + 4096 + i, `next${i}`));
    expect(stream.heldGroups()).toBe(1000 + 4095);
  });

  it('closes the open bin of an idle tumbling group before dropping it, and its match comes out then', () => {
    const c = correlationOver([base], { condition: { gte: 2 }, timespan: '1s' });
    const stream = new CorrelationStream<string>([c], { window: 'tumbling', lateness: 0 });
    const out: CorrelationMatch<string>[] = [];
    out.push(...stream.push(at(T0, 'alice')), ...stream.push(at(T0 + 1, 'alice')));
    for (let i = 0; i < 4093; i++) out.push(...stream.push(at(T0 + 2000 + i, `user${i}`)));
    expect(out).toEqual([]);
    const swept = stream.push(at(T0 + 9000, 'bob'));
    expect(brief(swept)).toEqual([
      { group: { 'userIdentity.arn': 'alice' }, count: 2, window: 'tumbling', start: 0, end: 1000, first: 0, last: 1, ref: 'base@1' },
    ]);
    expect(stream.flush()).toEqual([]);
  });

  it('closes an idle tumbling bin at the sweep that comes exactly a timespan after its last match', () => {
    const c = correlationOver([base], { condition: { gte: 2 }, timespan: '1s' });
    const stream = new CorrelationStream<string>([c], { window: 'tumbling', lateness: 0 });
    const out: CorrelationMatch<string>[] = [];
    out.push(...stream.push(at(T0, 'alice')), ...stream.push(at(T0, 'alice')));
    // 4093 other identities within (T0, T0 + 1s), then the 4096th release at T0 + 1s sweeps.
    for (let i = 0; i < 4093; i++) out.push(...stream.push(at(T0 + 1 + Math.floor(i / 5), `user${i}`)));
    expect(out).toEqual([]);
    expect(brief(stream.push(at(T0 + 1000, 'bob'))).map((m) => [m.group['userIdentity.arn'], m.count, m.start, m.end])).toEqual([['alice', 2, 0, 1000]]);
  });

  it('forgets when an idle group last fired, so it fires again at once', () => {
    const c = correlationOver([base], { condition: { gte: 1 }, timespan: '5s' });
    const stream = new CorrelationStream<string>([c], { lateness: 0 });
    expect(stream.push(at(T0, 'alice'))).toHaveLength(1);
    for (let i = 0; i < 4095; i++) stream.push(at(T0 + 4000 + i, `user${i}`));
    expect(stream.heldGroups()).toBeLessThan(4096);
    expect(brief(stream.push(at(T0 + 9000, 'alice'))).map((m) => m.last)).toEqual([9000]);
  });
});

describe('CorrelationStream: caps', () => {
  it('keeps (largest threshold + 1) matches whatever the operator, so lt and eq are decided exactly', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => at(T0 + i, 'alice'));
    const counts = (condition: Parameters<typeof correlationOver>[1]['condition'], n: number, window: 'sliding' | 'tumbling' = 'tumbling') =>
      evaluateCorrelations([correlationOver([base], { condition })], many(n), { window }).map((m) => m.count);
    expect(counts({ lt: 3 }, 5)).toEqual([]);
    expect(counts({ lt: 3 }, 2)).toEqual([2]);
    expect(counts({ eq: 3 }, 4)).toEqual([]);
    expect(counts({ eq: 3 }, 3)).toEqual([3]);
    expect(counts({ gte: 3, lte: 4 }, 9)).toEqual([]);
    expect(counts({ gt: 2, lt: 4 }, 5, 'sliding')).toEqual([3]);
  });

  it('keeps the latest (threshold + 1) matches in a sliding window, dropping the oldest while still inside it', () => {
    const c = correlationOver([base], { condition: { gte: 2 }, timespan: '10s' });
    const out = evaluateCorrelations(
      [c],
      [0, 1, 9000, 9001, 9002, 10_001].map((t) => at(T0 + t, 'alice')),
    );
    expect(brief(out).map((m) => [m.count, m.first, m.last])).toEqual([
      [2, 0, 1],
      [3, 9001, 10_001],
    ]);
  });

  it('keeps the latest distinct values, dropping the oldest: a value seen again is the newest', () => {
    const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 2 }, timespan: '10s' });
    const call = (t: number, name: string) => at(T0 + t, 'alice', { eventName: name });
    // gte 2: a group holds 3 values. A, B (fires), C, A again (now the newest), D: B is dropped, then at
    // 10001 (window (1, 10001]) E drops C, leaving A (at 3), D and E.
    const out = evaluateCorrelations([c], [call(0, 'A'), call(1, 'B'), call(2, 'C'), call(3, 'A'), call(4, 'D'), call(10_001, 'E')]);
    expect(brief(out).map((m) => [m.count, m.first, m.last])).toEqual([
      [2, 0, 1],
      [3, 3, 10_001],
    ]);
  });

  it('drops the oldest value beyond the cap even while it is inside the window', () => {
    const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 2 }, timespan: '10s' });
    const call = (t: number, name: string) => at(T0 + t, 'alice', { eventName: name });
    const out = evaluateCorrelations([c], [call(0, 'A'), call(1, 'B'), call(9000, 'C'), call(9001, 'D'), call(9002, 'E'), call(10_001, 'F')]);
    expect(brief(out).map((m) => [m.count, m.first, m.last])).toEqual([
      [2, 0, 1],
      [3, 9001, 10_001],
    ]);
  });

  it('saturates a tumbling bin at the cap but still counts a value it already holds', () => {
    const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { eq: 2 } });
    const call = (t: number, name: string) => at(T0 + t, 'alice', { eventName: name });
    const out = evaluateCorrelations([c], [call(0, 'A'), call(1, 'B'), call(2, 'C'), call(3, 'D'), call(4, 'A')], { window: 'tumbling' });
    expect(out).toEqual([]);
    const two = evaluateCorrelations([c], [call(0, 'A'), call(1, 'B'), call(2, 'A'), call(3, 'B')], { window: 'tumbling' });
    expect(brief(two).map((m) => [m.count, m.first, m.last, m.ref])).toEqual([[2, 0, 3, 'base@3']]);
  });

  it('does not count a match without the counted value, in a window or a bin', () => {
    const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 1 } });
    const noName = at(T0, 'alice', { eventName: null });
    expect(evaluateCorrelations([c], [noName])).toEqual([]);
    expect(evaluateCorrelations([c], [noName], { window: 'tumbling' })).toEqual([]);
  });
});

describe('CorrelationStream: the sliding window', () => {
  it('fires again exactly one timespan after it last fired, not before', () => {
    const c = correlationOver([base], { condition: { gte: 3 } });
    const burst = (from: number) => [at(from, 'alice'), at(from + 1, 'alice'), at(from + 2, 'alice')];
    expect(evaluateCorrelations([c], [...burst(T0), ...burst(T0 + 5 * MIN)]).map((m) => m.last - T0)).toEqual([2, 5 * MIN + 2]);
    expect(evaluateCorrelations([c], [...burst(T0), ...burst(T0 + 5 * MIN - 1)]).map((m) => m.last - T0)).toEqual([2]);
  });

  it('forgets a distinct value seen exactly a timespan before: the window is (t - timespan, t]', () => {
    const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 2 } });
    const call = (t: number, name: string) => at(T0 + t, 'alice', { eventName: name });
    expect(evaluateCorrelations([c], [call(0, 'A'), call(5 * MIN, 'B')])).toEqual([]);
    expect(evaluateCorrelations([c], [call(1, 'A'), call(5 * MIN, 'B')]).map((m) => m.count)).toEqual([2]);
  });

  it('reports as first the oldest time held: a distinct value at its latest sighting', () => {
    const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 2 } });
    const call = (t: number, name: string) => at(T0 + t, 'alice', { eventName: name });
    expect(brief(evaluateCorrelations([c], [call(0, 'A'), call(5, 'A'), call(9, 'B')])).map((m) => [m.first, m.last])).toEqual([[5, 9]]);
  });
});

describe('CorrelationStream: tumbling bins', () => {
  it('opens a new bin at the boundary, reporting each bin with its first and last match and the ref of its last', () => {
    const c = correlationOver([base], { condition: { gte: 2 } });
    const input = [at(T0 + MIN, 'alice'), at(T0 + 2 * MIN, 'alice'), at(T0 + 5 * MIN - 1, 'alice'), at(T0 + 5 * MIN, 'alice'), at(T0 + 6 * MIN, 'alice')];
    expect(brief(evaluateCorrelations([c], input, { window: 'tumbling' }))).toEqual([
      {
        group: { 'userIdentity.arn': 'alice' },
        count: 3,
        window: 'tumbling',
        start: 0,
        end: 5 * MIN,
        first: MIN,
        last: 5 * MIN - 1,
        ref: `base@${5 * MIN - 1}`,
      },
      {
        group: { 'userIdentity.arn': 'alice' },
        count: 2,
        window: 'tumbling',
        start: 5 * MIN,
        end: 10 * MIN,
        first: 5 * MIN,
        last: 6 * MIN,
        ref: `base@${6 * MIN}`,
      },
    ]);
  });

  it('starts a bin empty after the last closed, even when a bin in between had nothing', () => {
    const c = correlationOver([base], { condition: { gte: 3 } });
    const input = [at(T0, 'alice'), at(T0 + 1, 'alice'), at(T0 + 11 * MIN, 'alice'), at(T0 + 11 * MIN + 1, 'alice')];
    expect(evaluateCorrelations([c], input, { window: 'tumbling' })).toEqual([]);
  });

  it('reports a temporal bin with every rule, counted once each', () => {
    const c = correlationOver([base, other], { type: 'temporal', condition: { gte: 2 } });
    const input = [at(T0, 'alice'), at(T0 + 1, 'alice'), at(T0 + 2, 'alice', {}, 'other')];
    expect(brief(evaluateCorrelations([c], input, { window: 'tumbling' })).map((m) => [m.count, m.first, m.last])).toEqual([[2, 0, 2]]);
  });
});

describe('the order of correlation matches', () => {
  const match = (id: string, window: 'sliding' | 'tumbling', last: number, windowEnd: number, group: Record<string, string>) =>
    ({ correlation: { id } as Correlation, group, count: 1, window, windowStart: 0, windowEnd, first: 0, last }) as CorrelationMatch;

  it('orders by when each fired (sliding: its last match; tumbling: its bin end), then correlation id, then group', () => {
    const matches = [
      match('b', 'sliding', 5, 99, { g: 'x' }),
      match('a', 'tumbling', 99, 5, { g: 'y' }),
      match('a', 'sliding', 5, 0, { g: 'x' }),
      match('a', 'sliding', 3, 100, { g: 'z' }),
    ];
    expect(sortMatches(matches).map((m) => `${m.correlation.id}/${m.group['g']}`)).toEqual(['a/z', 'a/x', 'a/y', 'b/x']);
  });

  it('evaluates sliding unless told, and orders matches of several correlations by time then id', () => {
    const first = correlationOver([base], { id: 'zeta', condition: { gte: 1 } });
    const second = correlationOver([base], { id: 'alpha', condition: { gte: 1 } });
    const out = evaluateCorrelations([first, second], [at(T0 + 1, 'bob'), at(T0, 'alice')]);
    expect(out.map((m) => [m.correlation.id, m.group['userIdentity.arn'], m.window])).toEqual([
      ['alpha', 'alice', 'sliding'],
      ['zeta', 'alice', 'sliding'],
      ['alpha', 'bob', 'sliding'],
      ['zeta', 'bob', 'sliding'],
    ]);
  });
});

describe('a correlation over a pipeline-mapped log source', () => {
  it('reads the group-by and counted fields as the base rule names them', () => {
    const failed = signinRule('failed', ['50126']);
    const c = correlationOver([failed], { type: 'value_count', groupBy: ['IPAddress'], field: 'UserPrincipalName', condition: { gte: 2 } });
    const signin = (t: number, user: string) => ({
      rule: 'failed',
      time: T0 + t,
      event: { IPAddress: '192.0.2.9', UserPrincipalName: user, ResultType: '50126' },
    });
    expect(evaluateCorrelations([c], [signin(0, 'a@example.com'), signin(1, 'b@example.com')]).map((m) => [m.group, m.count, iso(m.last)])).toEqual([
      [{ IPAddress: '192.0.2.9' }, 2, iso(T0 + 1)],
    ]);
  });
});
