/** File-level problems of loadConfigFile: each is one ConfigError line naming the file, never a stack trace. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../core/config/config-error.ts';
import { loadConfigFile, MAX_CONFIG_BYTES, parseConfigText } from '../../../core/config/load.ts';
import { EXAMPLE_PATH } from '../../helpers/config.ts';

// readFileSync can be made to fail like an unreadable file (root ignores chmod, so chmod cannot).
const readFailure = vi.hoisted(() => ({ error: undefined as Error | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readFileSync: ((...args: Parameters<typeof fs.readFileSync>) => {
      if (readFailure.error) throw readFailure.error;
      return fs.readFileSync(...args);
    }) as typeof fs.readFileSync,
  };
});

afterEach(() => {
  readFailure.error = undefined;
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('config was accepted');
}

const dir = mkdtempSync(join(tmpdir(), 'guardrails-load-'));

describe('loadConfigFile', () => {
  it('loads the example', () => {
    expect(loadConfigFile(EXAMPLE_PATH).aws?.homeRegion).toBe('us-east-1');
  });

  it('refuses a directory', () => {
    const path = join(dir, 'guardrails.yaml');
    mkdirSync(path);
    expect(messageOf(() => loadConfigFile(path))).toBe(`guardrails.yaml: ${path} is a directory, not a YAML file. Point the config at the guardrails YAML file, e.g. guardrails.yaml.`);
  });

  it('refuses a file over 1 MiB without reading it', () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    readFailure.error = new Error('read a file that stat had already refused');
    expect(messageOf(() => loadConfigFile(path))).toBe(
      'big.yaml: is 1,048,579 bytes, over the 1,048,576-byte (1 MiB) limit for a config file. A guardrails config is a few kilobytes: check the path points at the right file.',
    );
  });

  it('turns a read error into one line', () => {
    const path = join(dir, 'locked.yaml');
    writeFileSync(path, 'mode: report\n');
    readFailure.error = Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    expect(messageOf(() => loadConfigFile(path))).toBe("locked.yaml: cannot be read (EACCES: permission denied). Check the path and the file's permissions.");
  });
});

describe('YAML aliases', () => {
  it('refuses a "billion laughs" file with one line at the first alias', () => {
    const bomb = [
      'mode: report',
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    expect(messageOf(() => parseConfigText(bomb, 'guardrails.yaml'))).toBe(
      'guardrails.yaml:3 (yaml): too many alias expansions (over 100), the shape of a "billion laughs" file that exhausts memory. Remove the YAML aliases (&anchor/*alias) and write the values out.',
    );
  });

  it('reports an alias used before its anchor as one line', () => {
    expect(messageOf(() => parseConfigText('mode: *m\nx: &m report\n', 'g.yaml'))).toBe(
      'g.yaml:1 (yaml): Unresolved alias (the anchor must be set before the alias): m. Fix the YAML aliases (&anchor/*alias).',
    );
  });

  it('still accepts a few aliases', () => {
    const text = 'mode: &m report\nnotifications: { emails: [a@example.com] }\naws_mode_again: *m\n';
    // The alias itself is fine; the unknown key is what fails, after the data was built.
    expect(messageOf(() => parseConfigText(text, 'g.yaml'))).toMatch(/^g\.yaml:3 aws_mode_again: is not a known setting/);
  });
});
