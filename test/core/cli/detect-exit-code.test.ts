/** `detect`'s exit code: 0 clean, 1 matches with --fail-on-match, 3 incomplete or nothing recognised (3 wins). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DETECT_EXIT_CODES, detectExitCode } from '../../../core/cli/detect.ts';
import { CORPUS_DIR } from '../../helpers/corpus.ts';
import { caseDir, detect, removeCaseDirs, subdir } from './detect-inputs.ts';

afterAll(removeCaseDirs);

describe('detectExitCode', () => {
  const clean = { events: 10, unrecognised: 0, matched: 0, skippedFiles: 0 };

  it.each([
    ['nothing matched', clean, false, 0],
    ['nothing matched, --fail-on-match', clean, true, 0],
    ['matches without --fail-on-match', { ...clean, matched: 2 }, false, 0],
    ['matches with --fail-on-match', { ...clean, matched: 2 }, true, 1],
    ['a skipped file', { ...clean, skippedFiles: 1 }, false, 3],
    ['a skipped file beats matches with --fail-on-match', { ...clean, matched: 2, skippedFiles: 1 }, true, 3],
    ['no events at all', { ...clean, events: 0 }, false, 3],
    ['no event recognised', { ...clean, unrecognised: 10 }, true, 3],
    ['some events recognised', { ...clean, unrecognised: 9 }, false, 0],
  ] as const)('%s', (_, summary, failOnMatch, code) => {
    expect(detectExitCode(summary, failOnMatch)).toBe(code);
  });

  it('documents every code, 2 (usage, config or rule error) included', () => {
    expect(DETECT_EXIT_CODES.map((line) => line.split(' ')[0])).toEqual(['0', '1', '2', '3']);
    expect(DETECT_EXIT_CODES[2]).toMatch(/usage, config or rule error/);
  });
});

describe('detect runs as CI sees them', () => {
  it('the corpus: 0, or 1 with --fail-on-match', async () => {
    const { summary } = await detect([CORPUS_DIR]);
    expect(summary.matched).toBeGreaterThan(0);
    expect(detectExitCode(summary, false)).toBe(0);
    expect(detectExitCode(summary, true)).toBe(1);
  });

  it('the corpus and a missing file: 3, its matches still printed', async () => {
    const { dir } = caseDir();
    const corpus = await detect([CORPUS_DIR]);
    const run = await detect([CORPUS_DIR, join(dir, 'missing.json')]);
    expect(run.out).toBe(corpus.out);
    expect(detectExitCode(run.summary, true)).toBe(3);
  });

  it('a directory without log files, or with nothing recognised: 3, said on stderr', async () => {
    const { dir } = caseDir();
    const empty = subdir(dir, 'empty');
    writeFileSync(join(empty, 'notes.txt'), 'not a log\n');
    const none = await detect([empty]);
    expect(none.summary).toMatchObject({ events: 0, files: 0, skippedFiles: 0 });
    expect(none.err).toMatch(/^no event recognised: nothing was checked$/m);
    expect(detectExitCode(none.summary, false)).toBe(3);

    const other = subdir(dir, 'other');
    writeFileSync(join(other, 'app.ndjson'), '{"level":"info","msg":"hello"}\n{"level":"warn","msg":"bye"}\n');
    const unrecognised = await detect([other]);
    expect(unrecognised.summary).toMatchObject({ events: 2, unrecognised: 2, files: 1 });
    expect(unrecognised.err).toMatch(/^no event recognised: nothing was checked$/m);
    expect(detectExitCode(unrecognised.summary, false)).toBe(3);
  });
});
