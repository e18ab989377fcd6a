/**
 * The time window of a hunt, from `--since` and `--until`: a duration back from now (`30d`, `12h`,
 * `90m`) or an ISO 8601 date or date-time (`2026-10-01`, `2026-10-01T12:00:00Z`). The window is
 * [start, end): start inclusive, end exclusive, both in UTC.
 */
import { UsageError } from '../cli/args.ts';

export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A date, or a date-time with an explicit zone (Z or ±hh:mm), so a window never depends on the machine's zone. */
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** One `--since`/`--until` value as an instant, relative to `now`. Throws UsageError naming the option. */
export function parseInstant(option: string, text: string, now: Date): Date {
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  const date = ISO.test(text) ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw new UsageError(
      `--${option} ${text}: expected a duration back from now (30d, 12h, 90m) or an ISO date or date-time with a zone (2026-10-01, 2026-10-01T12:00:00Z)`,
      'hunt',
    );
  return date;
}

/** The window of `--since` (required) and `--until` (default now). */
export function timeRange(since: string | undefined, until: string | undefined, now: Date): TimeRange {
  if (since === undefined) throw new UsageError('hunt needs --since (e.g. --since 30d): the window bounds what the engine scans and bills', 'hunt');
  const start = parseInstant('since', since, now);
  const end = until === undefined ? now : parseInstant('until', until, now);
  if (start.getTime() >= end.getTime()) throw new UsageError(`--since (${start.toISOString()}) must be before --until (${end.toISOString()})`, 'hunt');
  return { start, end };
}

/** The UTC days [first, last] that hold the window, as yyyy/MM/dd, `extraDays` added after the end. */
export function daysOf(range: TimeRange, extraDays = 0): { first: string; last: string } {
  const day = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '/');
  // The end is exclusive: a window ending at midnight does not reach into that day.
  const lastInstant = new Date(range.end.getTime() - 1 + extraDays * UNIT_MS.d);
  return { first: day(range.start), last: day(lastInstant) };
}
