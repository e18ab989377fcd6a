/**
 * core/cli/args.ts: how `--flag`, `--key value`, `--key=value` and positionals are read, and the one-line
 * errors for an unknown option, a missing value and a value outside the allowed ones. Written against the
 * surviving mutants of args.ts (bench/mutation-results.md).
 */
import { describe, expect, it } from 'vitest';
import { oneOf, parseArgs, UsageError } from '../../../core/cli/args.ts';

const KNOWN = { config: 'value', out: 'value', 'fail-on-match': 'flag' } as const;

/** The UsageError `run` throws (fails the test if it throws nothing or something else). */
function usageErrorOf(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('no UsageError was thrown');
}

describe('parseArgs', () => {
  it('reads --key value, --key=value (everything after the first =), flags and positionals', () => {
    expect(parseArgs(['a.json', '--config', 'c.yaml', '--out=dir=x/y', '--fail-on-match', '-h', 'b.json'], KNOWN)).toEqual({
      positionals: ['a.json', '-h', 'b.json'],
      options: { config: 'c.yaml', out: 'dir=x/y', 'fail-on-match': true },
    });
  });

  it('takes a value that merely ends or contains dashes', () => {
    expect(parseArgs(['--config', 'my--', '--out', 'a--b'], KNOWN).options).toEqual({ config: 'my--', out: 'a--b' });
  });

  it('refuses an unknown option, listing the known ones, with the command for its usage line', () => {
    const error = usageErrorOf(() => parseArgs(['--confg', 'x'], KNOWN, 'plan'));
    expect(error.message).toBe('unknown option --confg (known: --config, --out, --fail-on-match)');
    expect(error.command).toBe('plan');
  });

  it('refuses a value option at the end of the line or followed by another option', () => {
    expect(usageErrorOf(() => parseArgs(['--config'], KNOWN, 'validate')).message).toBe('--config needs a value');
    const error = usageErrorOf(() => parseArgs(['--out', '--fail-on-match'], KNOWN, 'plan'));
    expect(error.message).toBe('--out needs a value');
    expect(error.command).toBe('plan');
  });
});

describe('oneOf', () => {
  const formats = ['table', 'ndjson'] as const;

  it('is undefined when the option was not given, and the value when it is allowed', () => {
    expect(oneOf('format', undefined, formats)).toBeUndefined();
    expect(oneOf('format', 'ndjson', formats)).toBe('ndjson');
  });

  it('refuses any other value, naming the allowed ones', () => {
    const error = usageErrorOf(() => oneOf('format', 'xml', formats, 'detect'));
    expect(error.message).toBe('--format must be one of table, ndjson');
    expect(error.command).toBe('detect');
    expect(usageErrorOf(() => oneOf('format', true, formats)).message).toBe('--format must be one of table, ndjson');
  });
});
