/** File-level problems of loadConfigFile: each is one ConfigError line naming the file, never a stack trace. */
import { chmodSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, MAX_CONFIG_BYTES, parseConfigText } from '../../../core/config/load.ts';
import { configErrorOf, EXAMPLE_PATH } from '../../helpers/config.ts';
import { canRunAsNobody, runsAsRoot, tsxAsNobody } from '../../helpers/run-as-nobody.ts';

const messageOf = configErrorOf;

const dir = mkdtempSync(join(tmpdir(), 'guardrails-load-'));

describe('loadConfigFile', () => {
  it('loads the example', () => {
    expect(loadConfigFile(EXAMPLE_PATH).aws?.homeRegion).toBe('us-east-1');
  });

  it('refuses a directory', () => {
    const path = join(dir, 'guardrails.yaml');
    mkdirSync(path);
    expect(messageOf(() => loadConfigFile(path))).toBe(
      `guardrails.yaml: ${path} is a directory, not a YAML file. Point the config at the guardrails YAML file, e.g. guardrails.yaml.`,
    );
  });

  it('refuses a file over 1 MiB without reading it', () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(messageOf(() => loadConfigFile(path))).toBe(
      'big.yaml: is 1,048,579 bytes, over the 1,048,576-byte (1 MiB) limit for a config file. A guardrails config is a few kilobytes: check the path points at the right file.',
    );
    // A sparse 3 GiB file: reading it would fail differently (over Node's 2 GiB read limit), so the size is checked first.
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, '');
    truncateSync(huge, 3 * 2 ** 30);
    expect(messageOf(() => loadConfigFile(huge))).toMatch(/^huge\.yaml: is 3,221,225,472 bytes, over the 1,048,576-byte/);
  });

  // Root reads through chmod 000, so as root the load runs in a child process as nobody.
  it.skipIf(runsAsRoot() && !canRunAsNobody())('turns a read error into one line', () => {
    const locked = mkdtempSync(join(tmpdir(), 'guardrails-locked-'));
    chmodSync(locked, 0o755);
    const path = join(locked, 'locked.yaml');
    writeFileSync(path, 'mode: report\n');
    chmodSync(path, 0o000);
    const expected = "locked.yaml: cannot be read (EACCES: permission denied). Check the path and the file's permissions.";
    if (!runsAsRoot()) {
      expect(messageOf(() => loadConfigFile(path))).toBe(expected);
      return;
    }
    const script = `const { loadConfigFile } = await import('./core/config/load.ts'); try { loadConfigFile(${JSON.stringify(path)}); } catch (e) { process.stdout.write(e.message); }`;
    expect(tsxAsNobody(['--input-type=module', '-e', script])).toBe(expected);
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
