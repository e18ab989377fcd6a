/** Bytes from logs never reach the terminal raw: control and bidi characters are escaped (terminal-text.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonSafe, terminalSafe } from '../../../core/cli/terminal-text.ts';
import { caseDir, detect, ndjsonLines, removeCaseDirs, rows } from './detect-inputs.ts';

afterAll(removeCaseDirs);

const ESC = '\x1b';
const CLEAR = `${ESC}[2J`;

describe('terminalSafe', () => {
  it('escapes C0 (tab and newline included), DEL, C1, line separators and bidi formatting, and nothing else', () => {
    expect(terminalSafe(`a${CLEAR}b\tc\nd\re\x00f\x7fg\x9bh`)).toBe('a\\x1b[2Jb\\x09c\\x0ad\\x0de\\x00f\\x7fg\\x9bh');
    expect(terminalSafe('x\u202ey\u2066z\u2069\u200f\u061c\u2028')).toBe('x\\u202ey\\u2066z\\u2069\\u200f\\u061c\\u2028');
    const plain = 'C:\\logs\\été — 東京 🚀.json';
    expect(terminalSafe(plain)).toBe(plain);
  });

  it('keeps JSON valid and its value unchanged while escaping what JSON.stringify leaves raw', () => {
    const value = { file: `a${CLEAR}\x7f\x85\u2028\u2029\u202e\u2067b` };
    const json = jsonSafe(JSON.stringify(value));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts that no C0/C1 control character (ANSI escapes included) survives jsonSafe
    expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('detect output with ANSI escapes and bidi overrides in file names and log lines', () => {
  function evilCase() {
    const { dir, good } = caseDir();
    const evil = join(dir, `evil${CLEAR}\u202e.ndjson`);
    const [event] = ndjsonLines(1);
    writeFileSync(evil, [event, `not json ${CLEAR} \u202e`, `{"bad": "${CLEAR}`].join('\n'));
    return { dir, good, evil, missing: join(dir, `gone${CLEAR}.json`) };
  }

  it('table format: no raw ESC or bidi override on stdout or stderr, and the name shown escaped', async () => {
    const { good, evil, missing } = evilCase();
    const run = await detect([evil, good, missing]);
    for (const text of [run.out, run.err]) {
      expect(text).not.toContain(ESC);
      expect(text).not.toContain('\u202e');
    }
    const shown = terminalSafe(evil);
    expect(shown).toContain('evil\\x1b[2J\\u202e.ndjson');
    expect(rows(run.out).some((row) => row.includes(`${shown}#0`))).toBe(true);
    expect(run.err).toContain(`malformed: ${shown}:2: `);
    expect(run.err).toContain(`malformed: ${shown}:3: `);
    expect(run.err).toContain(`skipped: ${terminalSafe(missing)}: no such file or directory (ENOENT)`);
    // One problem, one line: nothing from the logs breaks a line.
    expect(run.err.split('\n').filter((l) => l.includes('evil'))).toHaveLength(2);
  });

  it('ndjson format: valid JSON carrying the real file name, with no raw ESC or bidi override', async () => {
    const { good, evil } = evilCase();
    const run = await detect([evil, good], { format: 'ndjson' });
    expect(run.out).not.toContain(ESC);
    expect(run.out).not.toContain('\u202e');
    expect(run.err).not.toContain(ESC);
    const files = run.out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { file: string }).file);
    expect(files).toContain(evil);
  });
});
