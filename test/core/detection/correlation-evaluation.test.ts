/**
 * The reference evaluation of correlations (core/detection/correlation.ts evaluateCorrelations): window
 * edges, group-by, value_count distinctness, the order events come in, the sliding window the Sigma
 * correlation specification asks for ("The time frame should not be restricted to boundaries if this is not
 * required by the given backend") against the tumbling bins KQL deploys (the difference a burst across a
 * boundary makes is pinned here), temporal, bounded memory and late input, and event times.
 */
import { describe, expect, it } from 'vitest';
import { CorrelationStream, evaluateCorrelations, eventTime, parseTimestamp, type TimedMatch } from '../../../core/detection/correlation.ts';
import { cloudtrailRule, correlationOver, iso, MIN, T0 } from '../../helpers/correlations.ts';

const base = cloudtrailRule('base');
const other = cloudtrailRule('other');

/** A base-rule match at `t` for `arn`, with these event fields. */
const at = (t: number, arn: string | undefined, fields: Record<string, unknown> = {}, rule = 'base'): TimedMatch<string> => ({
  rule,
  time: t,
  event: { eventName: 'ListUsers', ...(arn === undefined ? {} : { userIdentity: { arn } }), ...fields },
  ref: `${rule}@${iso(t)}`,
});

const summary = (matches: ReturnType<typeof evaluateCorrelations<string>>) =>
  matches.map((m) => ({ group: m.group, count: m.count, first: iso(m.first), last: iso(m.last), ref: m.ref }));

describe('event_count over a sliding window (the default)', () => {
  const c = correlationOver([base], { condition: { gte: 3 } });

  it('fires at the match that brings its group to the threshold within the timespan, with the group, count and window', () => {
    const matches = evaluateCorrelations([c], [at(T0, 'alice'), at(T0 + MIN, 'alice'), at(T0 + 2 * MIN, 'alice')]);
    expect(summary(matches)).toEqual([
      { group: { 'userIdentity.arn': 'alice' }, count: 3, first: iso(T0), last: iso(T0 + 2 * MIN), ref: `base@${iso(T0 + 2 * MIN)}` },
    ]);
    expect(matches[0]).toMatchObject({ window: 'sliding', windowStart: T0 + 2 * MIN - 5 * MIN, windowEnd: T0 + 2 * MIN });
  });

  it('counts matches less than a timespan apart together, and not those a full timespan apart: the window is (t - timespan, t]', () => {
    const two = correlationOver([base], { condition: { gte: 2 } });
    expect(evaluateCorrelations([two], [at(T0, 'alice'), at(T0 + 5 * MIN, 'alice')])).toEqual([]);
    expect(summary(evaluateCorrelations([two], [at(T0, 'alice'), at(T0 + 5 * MIN - 1, 'alice')]))).toEqual([
      { group: { 'userIdentity.arn': 'alice' }, count: 2, first: iso(T0), last: iso(T0 + 5 * MIN - 1), ref: `base@${iso(T0 + 5 * MIN - 1)}` },
    ]);
  });

  it('counts each group on its own, and leaves out matches without the group-by field', () => {
    const events = [at(T0, 'alice'), at(T0 + 1, 'bob'), at(T0 + 2, 'alice'), at(T0 + 3, undefined), at(T0 + 4, 'bob'), at(T0 + 5, ''), at(T0 + 6, 'bob')];
    expect(summary(evaluateCorrelations([c], events)).map((m) => [m.group, m.count])).toEqual([[{ 'userIdentity.arn': 'bob' }, 3]]);
    expect(evaluateCorrelations([c], [...events, at(T0 + 7, 'alice')]).map((m) => m.group['userIdentity.arn'])).toEqual(['bob', 'alice']);
  });

  it('groups by several fields (AND), as the specification says', () => {
    const pair = correlationOver([base], { groupBy: ['userIdentity.arn', 'sourceIPAddress'], condition: { gte: 2 } });
    const events = [
      at(T0, 'alice', { sourceIPAddress: '192.0.2.1' }),
      at(T0 + 1, 'alice', { sourceIPAddress: '192.0.2.2' }),
      at(T0 + 2, 'alice', { sourceIPAddress: '192.0.2.1' }),
    ];
    expect(evaluateCorrelations([pair], events).map((m) => m.group)).toEqual([{ 'userIdentity.arn': 'alice', sourceIPAddress: '192.0.2.1' }]);
  });

  it('fires once per burst and timespan, then again for a burst a timespan later', () => {
    const burst = (from: number) => Array.from({ length: 10 }, (_, i) => at(from + i * 1000, 'alice'));
    expect(evaluateCorrelations([c], burst(T0)).map((m) => iso(m.last))).toEqual([iso(T0 + 2000)]);
    expect(evaluateCorrelations([c], [...burst(T0), ...burst(T0 + 6 * MIN)]).map((m) => iso(m.last))).toEqual([iso(T0 + 2000), iso(T0 + 6 * MIN + 2000)]);
  });

  it('gives the same result whatever order the matches come in (they are sorted by time)', () => {
    const events = Array.from({ length: 40 }, (_, i) => at(T0 + ((i * 7919) % 40) * 20_000, i % 3 === 0 ? 'alice' : 'bob'));
    const sorted = [...events].sort((a, b) => a.time - b.time);
    const reversed = [...sorted].reverse();
    const expected = summary(evaluateCorrelations([c], sorted)).map(({ group, count, last }) => ({ group, count, last }));
    expect(expected.length).toBeGreaterThan(1);
    for (const input of [events, reversed])
      expect(summary(evaluateCorrelations([c], input)).map(({ group, count, last }) => ({ group, count, last }))).toEqual(expected);
  });

  it('meets conditions as the specification defines them: gt, lte, eq, and several ANDed (a range)', () => {
    const three = [at(T0, 'alice'), at(T0 + 1, 'alice'), at(T0 + 2, 'alice')];
    const counts = (condition: Parameters<typeof correlationOver>[1]['condition']) =>
      evaluateCorrelations([correlationOver([base], { condition })], three, { window: 'tumbling' }).map((m) => m.count);
    expect(counts({ gt: 2 })).toEqual([3]);
    expect(counts({ gt: 3 })).toEqual([]);
    expect(counts({ eq: 3 })).toEqual([3]);
    expect(counts({ lte: 2 })).toEqual([]);
    expect(counts({ gt: 1, lte: 3 })).toEqual([3]);
    expect(counts({ gt: 1, lte: 2 })).toEqual([]);
  });
});

describe('value_count', () => {
  const c = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 3 } });
  const call = (t: number, eventName: unknown, arn = 'alice') => at(t, arn, { eventName });

  it('counts distinct values: a value seen again does not count twice', () => {
    expect(evaluateCorrelations([c], [call(T0, 'ListUsers'), call(T0 + 1, 'ListUsers'), call(T0 + 2, 'ListRoles'), call(T0 + 3, 'ListRoles')])).toEqual([]);
    expect(summary(evaluateCorrelations([c], [call(T0, 'ListUsers'), call(T0 + 1, 'ListUsers'), call(T0 + 2, 'ListRoles'), call(T0 + 3, 'GetUser')]))).toEqual([
      { group: { 'userIdentity.arn': 'alice' }, count: 3, first: iso(T0 + 1), last: iso(T0 + 3), ref: `base@${iso(T0 + 3)}` },
    ]);
  });

  it('compares values as text, case-sensitively, and an absent, null or empty value is no value', () => {
    expect(evaluateCorrelations([c], [call(T0, 'ListUsers'), call(T0 + 1, 'listusers'), call(T0 + 2, 'LISTUSERS')]).map((m) => m.count)).toEqual([3]);
    expect(evaluateCorrelations([c], [call(T0, 'ListUsers'), call(T0 + 1, ''), call(T0 + 2, null), at(T0 + 3, 'alice', { eventName: undefined })])).toEqual([]);
    expect(evaluateCorrelations([c], [call(T0, 1), call(T0 + 1, '1'), call(T0 + 2, true), call(T0 + 3, 'true')])).toEqual([]);
  });

  it('forgets a value once its last sighting leaves the window', () => {
    // ListUsers at 0 and again at 4m, ListRoles at 1m, GetUser at 8m: at 8m the window (3m, 8m] holds ListUsers and GetUser only.
    expect(
      evaluateCorrelations([c], [call(T0, 'ListUsers'), call(T0 + MIN, 'ListRoles'), call(T0 + 4 * MIN, 'ListUsers'), call(T0 + 8 * MIN, 'GetUser')]),
    ).toEqual([]);
    expect(
      evaluateCorrelations(
        [c],
        [call(T0, 'ListUsers'), call(T0 + 4 * MIN, 'ListRoles'), call(T0 + 4 * MIN + 1, 'ListUsers'), call(T0 + 8 * MIN, 'GetUser')],
      ).map((m) => m.count),
    ).toEqual([3]);
  });
});

describe('sliding (the specification) and tumbling (what KQL deploys)', () => {
  const c = correlationOver([base], { condition: { gte: 3 } });
  // 09:04, 09:05:30, 09:06: three matches within five minutes, across the 09:05 boundary of the 5-minute bins.
  const straddling = [at(T0 + 4 * MIN, 'alice'), at(T0 + 5.5 * MIN, 'alice'), at(T0 + 6 * MIN, 'alice')];

  it('a burst across a bin boundary is found by the sliding window and missed by the bins (the documented difference)', () => {
    expect(evaluateCorrelations([c], straddling).map((m) => [m.window, m.count])).toEqual([['sliding', 3]]);
    expect(evaluateCorrelations([c], straddling, { window: 'tumbling' })).toEqual([]);
  });

  it('tumbling counts each bin [k * timespan, (k + 1) * timespan) from 1970 on its own and reports every bin that meets the condition', () => {
    const inBins = [...straddling, at(T0 + 7 * MIN, 'alice'), at(T0 + 9 * MIN + 59_999, 'alice'), at(T0 + 10 * MIN, 'alice')];
    expect(
      evaluateCorrelations([c], inBins, { window: 'tumbling' }).map((m) => ({
        start: iso(m.windowStart),
        end: iso(m.windowEnd),
        count: m.count,
        first: iso(m.first),
        last: iso(m.last),
      })),
    ).toEqual([{ start: iso(T0 + 5 * MIN), end: iso(T0 + 10 * MIN), count: 4, first: iso(T0 + 5.5 * MIN), last: iso(T0 + 9 * MIN + 59_999) }]);
  });

  it('tumbling with lt: a bin that holds fewer matches than the threshold (a group only appears in a bin it has a match in)', () => {
    const few = correlationOver([base], { condition: { lt: 2 } });
    expect(
      evaluateCorrelations([few], [at(T0, 'alice'), at(T0 + 6 * MIN, 'alice'), at(T0 + 7 * MIN, 'alice')], { window: 'tumbling' }).map((m) =>
        iso(m.windowStart),
      ),
    ).toEqual([iso(T0)]);
  });

  it('every tumbling match of gt/gte is also found sliding (a bin is a window)', () => {
    const events = Array.from({ length: 60 }, (_, i) => at(T0 + ((i * 104729) % 3600) * 1000, ['alice', 'bob'][i % 2]!));
    const tumbling = evaluateCorrelations([c], events, { window: 'tumbling' });
    const sliding = evaluateCorrelations([c], events);
    expect(tumbling.length).toBeGreaterThan(0);
    for (const m of tumbling)
      expect(
        sliding.some((s) => s.group['userIdentity.arn'] === m.group['userIdentity.arn'] && s.last >= m.windowStart && s.last - 5 * MIN < m.windowEnd),
      ).toBe(true);
  });
});

describe('temporal (all base rules within the timespan, in any order)', () => {
  const c = correlationOver([base, other], { type: 'temporal', condition: { gte: 2 } });

  it('fires when every base rule matched for the group within the timespan', () => {
    expect(evaluateCorrelations([c], [at(T0, 'alice', {}, 'other'), at(T0 + MIN, 'alice')]).map((m) => [m.group, m.count])).toEqual([
      [{ 'userIdentity.arn': 'alice' }, 2],
    ]);
    expect(evaluateCorrelations([c], [at(T0, 'alice'), at(T0 + MIN, 'alice'), at(T0 + 2 * MIN, 'bob', {}, 'other')])).toEqual([]);
    expect(evaluateCorrelations([c], [at(T0, 'alice', {}, 'other'), at(T0 + 6 * MIN, 'alice')])).toEqual([]);
  });
});

describe('bounded memory and late input', () => {
  it('keeps at most (largest threshold + 1) matches per group: counts above it saturate', () => {
    const c = correlationOver([base], { condition: { gte: 5 } });
    const many = Array.from({ length: 2000 }, (_, i) => at(T0 + i * 10, 'alice'));
    expect(evaluateCorrelations([c], many, { window: 'tumbling' }).map((m) => m.count)).toEqual([6]);
    const distinct = correlationOver([base], { type: 'value_count', field: 'eventName', condition: { gte: 5 } });
    const names = Array.from({ length: 2000 }, (_, i) => at(T0 + i * 10, 'alice', { eventName: `Call${i}` }));
    expect(evaluateCorrelations([distinct], names, { window: 'tumbling' }).map((m) => m.count)).toEqual([6]);
  });

  it('drops a group idle for a whole timespan: memory follows the groups active within a timespan', () => {
    for (const window of ['sliding', 'tumbling'] as const) {
      const c = correlationOver([base], { condition: { gte: 2 } });
      const stream = new CorrelationStream<string>([c], { window, lateness: 0 });
      // 20,000 identities, each seen once, one a second: five minutes hold 300 of them.
      for (let i = 0; i < 20_000; i++) stream.push(at(T0 + i * 1000, `user${i}`));
      expect(stream.heldGroups()).toBeLessThan(300 + 4096);
      expect(stream.flush()).toEqual([]);
    }
  });

  it('puts matches in order within the lateness, and counts a match that comes later than that as late, not correlated', () => {
    const c = correlationOver([base], { condition: { gte: 2 } });
    const stream = new CorrelationStream<string>([c], { lateness: MIN });
    const out = [...stream.push(at(T0 + 30_000, 'alice')), ...stream.push(at(T0, 'alice')), ...stream.push(at(T0 + 10 * MIN, 'bob'))];
    // The two alice matches were reordered and released once bob's came 10 minutes later.
    expect(out.map((m) => [m.group['userIdentity.arn'], iso(m.first), iso(m.last)])).toEqual([['alice', iso(T0), iso(T0 + 30_000)]]);
    // 09:00:10 comes after 09:00:30 was released: too late to be put in order.
    expect(stream.push(at(T0 + 10_000, 'alice'))).toEqual([]);
    expect(stream.late).toBe(1);
    expect(stream.flush()).toEqual([]);
  });

  it('ignores matches of rules no correlation reads', () => {
    const c = correlationOver([base], { condition: { gte: 1 } });
    expect(evaluateCorrelations([c], [at(T0, 'alice', {}, 'unrelated')])).toEqual([]);
  });
});

describe('event time', () => {
  it("reads each cloud's time field: CloudTrail eventTime, LogEntry timestamp (else receiveTimestamp), Log Analytics TimeGenerated", () => {
    expect(eventTime('aws', { eventTime: '2025-01-15T09:00:00Z' })).toBe(T0);
    expect(eventTime('gcp', { timestamp: '2025-01-15T09:00:00.123456789Z' })).toBe(T0 + 123);
    expect(eventTime('gcp', { receiveTimestamp: '2025-01-15T09:00:01Z' })).toBe(T0 + 1000);
    expect(eventTime('azure', { TimeGenerated: '2025-01-15T09:00:00.1234567Z' })).toBe(T0 + 123);
    expect(eventTime('aws', { time: '2025-01-15T09:00:00Z' })).toBeUndefined();
  });

  it('parses the forms the clouds write: T or space, fractions to the millisecond, Z, an offset or no zone (UTC)', () => {
    expect(
      [
        '2025-01-15T09:00:00Z',
        '2025-01-15 09:00:00',
        '2025-01-15 09:00:00.000000000',
        '2025-01-15T10:30:00+01:30',
        '2025-01-15T04:00:00-05:00',
        '2025-01-15t09:00:00z',
      ].map(parseTimestamp),
    ).toEqual([T0, T0, T0, T0, T0, T0]);
    expect(['2025-13-01T00:00:00Z', '2025-02-30T00:00:00Z', 'yesterday', '', 1736931600000, null].map(parseTimestamp)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
