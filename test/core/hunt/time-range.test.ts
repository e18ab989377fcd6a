/** --since/--until: durations back from now, ISO dates and date-times with a zone, and the days they cover. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/cli/args.ts';
import { daysOf, parseInstant, timeRange } from '../../../core/hunt/time-range.ts';

const NOW = new Date('2026-11-30T12:00:00Z');

describe('parseInstant', () => {
  it.each([
    ['90m', '2026-11-30T10:30:00.000Z'],
    ['12h', '2026-11-30T00:00:00.000Z'],
    ['30d', '2026-10-31T12:00:00.000Z'],
    ['2026-10-01', '2026-10-01T00:00:00.000Z'],
    ['2026-10-01T12:00Z', '2026-10-01T12:00:00.000Z'],
    ['2026-10-01T12:00:00+02:00', '2026-10-01T10:00:00.000Z'],
    ['2026-10-01T12:00:00.5Z', '2026-10-01T12:00:00.500Z'],
  ])('%s', (text, iso) => {
    expect(parseInstant('since', text, NOW).toISOString()).toBe(iso);
  });

  it.each(['30', '30w', '-1d', '2026-10-01T12:00:00', '2026-13-01', '2026-10-01 12:00Z', 'yesterday'])('refuses %s', (text) => {
    expect(() => parseInstant('until', text, NOW)).toThrow(UsageError);
    expect(() => parseInstant('until', text, NOW)).toThrow(`--until ${text}: expected`);
  });
});

describe('timeRange and daysOf', () => {
  it('ends at now without --until', () => {
    expect(timeRange('1d', undefined, NOW)).toEqual({ start: new Date('2026-11-29T12:00:00Z'), end: NOW });
  });

  it('covers the days the window touches, the exclusive end excluded, and the extra days after it', () => {
    const range = { start: new Date('2026-11-01T23:59:59Z'), end: new Date('2026-11-03T00:00:00Z') };
    expect(daysOf(range)).toEqual({ first: '2026/11/01', last: '2026/11/02' });
    expect(daysOf(range, 1)).toEqual({ first: '2026/11/01', last: '2026/11/03' });
    expect(daysOf({ ...range, end: new Date('2026-11-03T00:00:01Z') })).toEqual({ first: '2026/11/01', last: '2026/11/03' });
  });
});
