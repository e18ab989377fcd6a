/** The hunt window's errors: a duration is the whole value, the window is not empty, and every error names `hunt` and its option. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/cli/args.ts';
import { parseInstant, timeRange } from '../../../core/hunt/time-range.ts';

const now = new Date('2026-11-30T12:00:00Z');
const usage = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('hunt window errors', () => {
  it('refuses a duration followed by anything, naming the option and the hunt command', () => {
    const error = usage(() => parseInstant('since', '30d5', now));
    expect(error.message).toMatch(/^--since 30d5: expected a duration/);
    expect(error.command).toBe('hunt');
  });

  it('names --until when the --until value is wrong', () => {
    expect(usage(() => timeRange('30d', 'tomorrow', now)).message).toMatch(/^--until tomorrow: /);
  });

  it('refuses an empty window (--since equal to --until), for the hunt command', () => {
    const error = usage(() => timeRange('2026-11-01', '2026-11-01T00:00:00Z', now));
    expect(error.message).toBe('--since (2026-11-01T00:00:00.000Z) must be before --until (2026-11-01T00:00:00.000Z)');
    expect(error.command).toBe('hunt');
  });
});
