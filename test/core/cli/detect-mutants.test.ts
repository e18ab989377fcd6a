/**
 * `guardrails detect` in-process (runDetect), pinned to the exact lines a user sees: the table and NDJSON
 * rows of rule and correlation matches, the stderr summary and its every optional line, --cloud, the
 * correlation lateness, the duckdb engine, the notes for inputs named twice, and the progress bar on a TTY.
 * Small inline rules and correlations keep every count known.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectExitCode, runDetect, type DetectOptions } from '../../../core/cli/detect.ts';
import { cloudtrailRule, correlationOver, MIN, signinRule, T0 } from '../../helpers/correlations.ts';
import { catalogRule } from '../hunt/hunt-fixtures.ts';
import { capture } from './detect-inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'detect-mutants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARN = 'arn:aws:iam::111122223333:user/alice';
const trail = (t: number, eventName: string, time: string = new Date(t).toISOString()) => ({
  eventVersion: '1.09',
  userIdentity: { type: 'IAMUser', arn: ARN, accountId: '111122223333' },
  eventTime: time,
  eventSource: 'iam.amazonaws.com',
  eventName,
  awsRegion: 'us-east-1',
});
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const ndjson = (name: string, records: readonly unknown[]) => file(name, records.map((r) => `${JSON.stringify(r)}\n`).join(''));

const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' };
const stop = catalogRule('stop-logging', { selection: { eventName: 'StopLogging' }, condition: 'selection' }, CLOUDTRAIL);
const lists = catalogRule('list-calls', { selection: { 'eventName|startswith': 'List' }, condition: 'selection' }, CLOUDTRAIL);
const listBase = cloudtrailRule('base-list', 'List');
/** Two List* calls by one identity within 5 minutes. */
const eventCount = correlationOver([listBase], { condition: { gte: 2 } });
const valueCount = correlationOver([listBase], {
  id: 'value-count',
  type: 'value_count',
  field: 'eventName',
  groupBy: ['userIdentity.arn', 'eventSource'],
  condition: { gte: 2 },
});
const temporal = correlationOver([listBase, cloudtrailRule('base-stop', 'Stop')], { id: 'temporal-one', type: 'temporal', groupBy: [], condition: { gte: 2 } });

async function detect(paths: string[], options: Partial<DetectOptions> = {}, tty = false) {
  const out = capture();
  const err = capture(tty);
  const summary = await runDetect({ paths, rules: [stop, lists], format: 'table', out: out.stream, err: err.stream, engine: 'js', ...options });
  return { summary, out: out.text(), err: err.text() };
}

/** JSON.parse's message for `text`, as a malformed line reports it. */
function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

const HEADER = `${'RULE'.padEnd(44)} ${'LEVEL'.padEnd(13)} EVENT`;
const row = (id: string, level: string, where: string, title: string) => `${id.padEnd(44)} ${level.padEnd(13)} ${where}  ${title}`;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

// StopLogging, then two List* calls, then a call no rule matches.
const events = ndjson('events.ndjson', [
  trail(T0, 'StopLogging'),
  trail(T0 + 1000, 'ListUsers'),
  trail(T0 + 2000, 'ListRoles'),
  trail(T0 + 3000, 'CreateUser'),
]);
const TABLE = [
  HEADER,
  row('stop-logging', 'low', `${events}#0`, 'Title of stop-logging'),
  row('list-calls', 'low', `${events}#1`, 'Title of list-calls'),
  row('list-calls', 'low', `${events}#2`, 'Title of list-calls'),
];
const SUMMARY_TOP = ['  list-calls: 2', '  stop-logging: 1'];

describe('detect: the table and the summary', () => {
  it('prints a row per match and a correlation row with its group, count and window; the summary counts each rule, the busiest first', async () => {
    const { out, err, summary } = await detect([events], { correlations: [eventCount] });
    expect(out).toBe(
      `${[
        ...TABLE,
        row('test-correlation', 'high', `${events}#2`, `A correlation under test (userIdentity.arn=${ARN}: 2 matches within 5m, ${at(1)} to ${at(2)})`),
      ].join('\n')}\n`,
    );
    expect(err).toBe(
      `${['4 events in 1 file(s); 3 match(es) of 2 rules; 1 correlation match(es) of 1 correlations', ...SUMMARY_TOP, '  test-correlation: 1'].join('\n')}\n`,
    );
    expect(summary).toMatchObject({ events: 4, matched: 3, correlated: 1, files: 1, skippedFiles: 0 });
    expect(summary.byRule.get('test-correlation')).toBe(1);
  });

  it('says nothing of correlations when none run', async () => {
    const { out, err } = await detect([events]);
    expect(out).toBe(`${TABLE.join('\n')}\n`);
    expect(err).toBe(`${['4 events in 1 file(s); 3 match(es) of 2 rules', ...SUMMARY_TOP].join('\n')}\n`);
  });

  it('words each correlation type: distinct values of the field for value_count (groups joined by a space), rules seen for temporal (no group)', async () => {
    const { out, err } = await detect([events], { correlations: [valueCount, temporal] });
    expect(out).toBe(
      `${[
        ...TABLE,
        row('temporal-one', 'high', `${events}#1`, `A correlation under test (2 of 2 rules within 5m, ${at(0)} to ${at(1)})`),
        row(
          'value-count',
          'high',
          `${events}#2`,
          `A correlation under test (userIdentity.arn=${ARN} eventSource=iam.amazonaws.com: 2 distinct eventName within 5m, ${at(1)} to ${at(2)})`,
        ),
      ].join('\n')}\n`,
    );
    expect(err).toContain('; 2 correlation match(es) of 2 correlations\n');
  });

  it('writes NDJSON records: one per rule match, one per correlation match with its field only when it counts one', async () => {
    const { out } = await detect([events], { correlations: [valueCount, temporal, eventCount], format: 'ndjson' });
    const record = (rule: string, index: number) => ({ rule, title: `Title of ${rule}`, level: 'low', file: events, index });
    const correlation = { title: 'A correlation under test', level: 'high', count: 2, timespan: '5m', window: 'sliding', file: events };
    expect(out.endsWith('\n')).toBe(true);
    expect(
      out
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      record('stop-logging', 0),
      record('list-calls', 1),
      record('list-calls', 2),
      { correlation: 'temporal-one', type: 'temporal', group: {}, first: at(0), last: at(1), index: 1, ...correlation },
      { correlation: 'test-correlation', type: 'event_count', group: { 'userIdentity.arn': ARN }, first: at(1), last: at(2), index: 2, ...correlation },
      {
        correlation: 'value-count',
        type: 'value_count',
        group: { 'userIdentity.arn': ARN, eventSource: 'iam.amazonaws.com' },
        field: 'eventName',
        first: at(1),
        last: at(2),
        index: 2,
        ...correlation,
      },
    ]);
  });

  it('runs the same with --engine duckdb: the rules, the correlation bases and the summary', async () => {
    const { out, err, summary } = await detect([events], { correlations: [eventCount], engine: 'duckdb' });
    expect(out.split('\n').sort()).toEqual(
      [
        ...TABLE,
        row('test-correlation', 'high', `${events}#2`, `A correlation under test (userIdentity.arn=${ARN}: 2 matches within 5m, ${at(1)} to ${at(2)})`),
        '',
      ].sort(),
    );
    expect(err).toBe(
      `${['4 events in 1 file(s); 3 match(es) of 2 rules; 1 correlation match(es) of 1 correlations', ...SUMMARY_TOP, '  test-correlation: 1'].join('\n')}\n`,
    );
    expect(summary).toMatchObject({ events: 4, unrecognised: 0, matched: 3, correlated: 1 });
    const unknown = ndjson('duck-unknown.ndjson', [{ hello: 'world' }, trail(T0, 'StopLogging')]);
    expect((await detect([unknown], { engine: 'duckdb' })).summary).toMatchObject({ events: 2, unrecognised: 1, matched: 1 });
  });
});

describe('detect --cloud', () => {
  it('keeps the rules and the correlations of the cloud asked for', async () => {
    const { out, err } = await detect([events], { correlations: [eventCount], cloud: 'aws' });
    expect(out.split('\n')).toHaveLength(TABLE.length + 2);
    expect(err.split('\n')[0]).toBe('4 events in 1 file(s); 3 match(es) of 2 rules; 1 correlation match(es) of 1 correlations');
  });

  it('leaves out the rules and correlations of another cloud', async () => {
    const { out, err } = await detect([events], { correlations: [eventCount], cloud: 'azure' });
    expect(out).toBe(`${HEADER}\n`);
    expect(err).toBe('4 events in 1 file(s); 0 match(es) of 2 rules\n');
  });

  it('leaves out a correlation any of whose base rules is of another cloud', async () => {
    const mixed = correlationOver([cloudtrailRule('base-one', 'List'), signinRule('base-two', ['50126'])], {
      id: 'mixed-one',
      type: 'temporal',
      groupBy: [],
      condition: { gte: 2 },
    });
    const { err } = await detect([events], { correlations: [mixed], cloud: 'aws' });
    expect(err.split('\n')[0]).toBe('4 events in 1 file(s); 3 match(es) of 2 rules');
    const all = await detect([events], { correlations: [mixed] });
    expect(all.err.split('\n')[0]).toBe('4 events in 1 file(s); 3 match(es) of 2 rules; 0 correlation match(es) of 1 correlations');
  });
});

describe('detect: base-rule matches that cannot be correlated', () => {
  it('counts the base-rule matches without a readable event time, and correlates only the timed ones', async () => {
    const untimed = ndjson('untimed.ndjson', [
      trail(T0, 'ListUsers', 'yesterday'),
      trail(T0, 'ListGroups', 'never'),
      trail(T0, 'ListRoles'),
      trail(T0 + 1000, 'ListKeys'),
    ]);
    const { err, summary } = await detect([untimed], { correlations: [eventCount] });
    expect(err.split('\n').slice(0, 2)).toEqual([
      '4 events in 1 file(s); 4 match(es) of 2 rules; 1 correlation match(es) of 1 correlations',
      '2 base-rule match(es) had no readable event time (eventTime, timestamp, receiveTimestamp, TimeGenerated) and were not correlated',
    ]);
    expect(summary.correlated).toBe(1);
  });

  it('counts the matches more than the lateness behind the newest, in minutes (default 15)', async () => {
    const later = ndjson('later.ndjson', [trail(T0 + 60 * MIN, 'ListUsers')]);
    const third = ndjson('third.ndjson', [trail(T0 + 80 * MIN, 'ListGroups')]);
    const earlier = ndjson('earlier.ndjson', [trail(T0, 'ListRoles')]);
    const line = (min: number) =>
      `1 base-rule match(es) came more than ${min} min behind the newest one read and were not correlated: give the inputs in time order`;
    const byDefault = await detect([later, third, earlier], { correlations: [eventCount] });
    expect(byDefault.err.split('\n')[1]).toBe(line(15));
    const oneMinute = await detect([later, third, earlier], { correlations: [eventCount], correlationLateness: MIN });
    expect(oneMinute.err.split('\n')[1]).toBe(line(1));
    // Within 30 minutes, the 20-minute gap is put in order: nothing is late.
    const thirty = await detect([later, third, earlier], { correlations: [eventCount], correlationLateness: 30 * MIN });
    expect(thirty.err).not.toContain('behind the newest');
  });
});

describe('detect: the summary lines for bad input', () => {
  it('shows the first 10 malformed lines and says so when there were more', async () => {
    const eleven = file('eleven.ndjson', `${JSON.stringify(trail(T0, 'StopLogging'))}\n${'{oops\n'.repeat(11)}`);
    const { err, summary } = await detect([eleven]);
    const shown = Array.from({ length: 10 }, (_, i) => `malformed: ${eleven}:${i + 2}: ${parseError('{oops')}`);
    expect(err).toBe(
      `${[...shown, '1 events in 1 file(s); 1 match(es) of 2 rules', '11 malformed line(s) skipped (first 10 shown)', '  stop-logging: 1'].join('\n')}\n`,
    );
    expect(summary.malformed).toBe(11);
  });

  it('shows all of exactly 10 malformed lines, without "first 10 shown"', async () => {
    const ten = file('ten.ndjson', `${JSON.stringify(trail(T0, 'StopLogging'))}\n${'{oops\n'.repeat(10)}`);
    const { err } = await detect([ten]);
    expect(err.split('\n').filter((l) => l.startsWith('malformed: '))).toHaveLength(10);
    expect(err.split('\n').slice(-3)).toEqual(['10 malformed line(s) skipped', '  stop-logging: 1', '']);
  });

  it('counts the events not recognised, and says nothing was checked when none was', async () => {
    const unknown = ndjson('unknown.ndjson', [{ hello: 'world' }, { hello: 'again' }]);
    expect((await detect([unknown])).err).toBe(
      '2 events in 1 file(s); 0 match(es) of 2 rules\n2 event(s) not recognised as CloudTrail, Azure or GCP audit logs\nno event recognised: nothing was checked\n',
    );
    const some = ndjson('some-unknown.ndjson', [{ hello: 'world' }, trail(T0, 'StopLogging')]);
    expect((await detect([some])).err).toBe(
      '2 events in 1 file(s); 1 match(es) of 2 rules\n1 event(s) not recognised as CloudTrail, Azure or GCP audit logs\n  stop-logging: 1\n',
    );
  });

  it('notes a directory named twice, or again by another path, and reports a missing input as incomplete', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    ndjson('sub/b.ndjson', [trail(T0, 'StopLogging')]);
    const missing = join(dir, 'missing.ndjson');
    const { err, summary } = await detect([sub, sub, `${sub}/.`, missing]);
    expect(err).toBe(
      `${[
        `note: ${sub}: directory already read, not read again`,
        `note: ${sub}/.: same directory as ${sub}, already read, not read again`,
        `skipped: ${missing}: no such file or directory (ENOENT)`,
        '1 events in 1 file(s); 1 match(es) of 2 rules',
        '1 input(s) skipped or partly read (listed above): the result is incomplete',
        '  stop-logging: 1',
      ].join('\n')}\n`,
    );
    expect(summary).toMatchObject({ files: 1, skippedFiles: 1 });
  });
});

describe('detectExitCode', () => {
  it('exits 1 with --fail-on-match when only correlations matched, and 0 without', () => {
    const summary = { events: 3, unrecognised: 0, matched: 0, skippedFiles: 0, correlated: 1 };
    expect(detectExitCode(summary, true)).toBe(1);
    expect(detectExitCode({ ...summary, matched: 1 }, true)).toBe(1);
    expect(detectExitCode(summary, false)).toBe(0);
    expect(detectExitCode({ ...summary, correlated: 0 }, true)).toBe(0);
  });
});

describe('detect: the progress bar on a TTY', () => {
  const blank = (name: string, bytes: number) => file(name, `${' '.repeat(bytes - 1)}\n`);
  const bar = (percent: number) => {
    const filled = Math.round((percent / 100) * 30);
    return `\r[${'#'.repeat(filled)}${' '.repeat(30 - filled)}] ${percent}% of 0 MB`;
  };
  const NOTHING = '0 events in 4 file(s); 0 match(es) of 2 rules\nno event recognised: nothing was checked\n';

  it('draws each new whole percent once, from the first, and ends its line before the summary', async () => {
    const files = [blank('p1', 100), blank('p2', 9850), blank('p3', 1), blank('p4', 49)];
    const { err } = await detect(files, { progressMinBytes: 0 }, true);
    expect(err).toBe(`${bar(1)}${bar(99)}${bar(100)}\n${NOTHING}`);
  });

  it('draws from exactly progressMinBytes of input on, not below it, and never off a TTY', async () => {
    const files = [blank('q1', 100), blank('q2', 9850), blank('q3', 1), blank('q4', 49)];
    expect((await detect(files, { progressMinBytes: 10_000 }, true)).err).toBe(`${bar(1)}${bar(99)}${bar(100)}\n${NOTHING}`);
    expect((await detect(files, { progressMinBytes: 10_001 }, true)).err).toBe(NOTHING);
    expect((await detect(files, { progressMinBytes: 0 }, false)).err).toBe(NOTHING);
  });

  it('puts a message on a line of its own, ends the bar only once, and draws nothing more for an input that adds no bytes', async () => {
    const bad = file('r1', 'oops\noops\n');
    const empty = file('r2', '');
    const { err } = await detect([bad, empty], { progressMinBytes: 0 }, true);
    const oops = `malformed: ${bad}:1: ${parseError('oops')}\nmalformed: ${bad}:2: ${parseError('oops')}\n`;
    expect(err).toBe(
      `${bar(100)}\n${oops}0 events in 2 file(s); 0 match(es) of 2 rules\nno event recognised: nothing was checked\n2 malformed line(s) skipped\n`,
    );
    // Nothing drawn at all: nothing to end.
    expect((await detect([empty], { progressMinBytes: 0 }, true)).err).toBe(
      '0 events in 1 file(s); 0 match(es) of 2 rules\nno event recognised: nothing was checked\n',
    );
  });

  it('with --engine duckdb, advances a whole file at a time, after that file was read (its messages first)', async () => {
    const mixed = file('engines.ndjson', `${JSON.stringify(trail(T0, 'StopLogging'))}\noops\n`);
    const oops = `malformed: ${mixed}:2: ${parseError('oops')}`;
    const rest = '1 events in 1 file(s); 1 match(es) of 2 rules\n1 malformed line(s) skipped\n  stop-logging: 1\n';
    expect((await detect([mixed], { progressMinBytes: 0, engine: 'duckdb' }, true)).err).toBe(`${oops}\n${bar(100)}\n${rest}`);
    // The js engine advances as it reads, before the lines of what it read.
    expect((await detect([mixed], { progressMinBytes: 0, engine: 'js' }, true)).err).toBe(`${bar(100)}\n${oops}\n${rest}`);
  });
});
