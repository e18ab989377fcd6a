/**
 * `detect` never loses results to one bad input: each file-level problem is one stderr line naming the
 * file, every other file is still read (the good file's matches are all reported), and the summary
 * counts the input skipped.
 */
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetect } from '../../../core/cli/detect.ts';
import {
  canRunAsNobody,
  capture,
  caseDir,
  detect,
  detectAsNobody,
  linesNaming,
  ndjsonLines,
  removeCaseDirs,
  rows,
  rules,
  type Run,
  subdir,
  trailEvents,
} from './detect-inputs.ts';

afterAll(removeCaseDirs);

const asRoot = process.getuid?.() === 0;
/** chmod 000 stops reads for anyone but root: as root, those runs go to a child process as nobody. */
const unprivileged = !asRoot || canRunAsNobody();
const detectUnprivileged = async (paths: string[]): Promise<Run> => (asRoot ? detectAsNobody(paths) : detect(paths));

describe('detect with a bad input next to a good file', () => {
  let baseline: Run;
  beforeAll(async () => {
    const { good } = caseDir();
    baseline = await detect([good]);
    expect(rows(baseline.out).length).toBeGreaterThan(0);
  });

  /** The good file's rows, with the path of this case's good file. */
  const goodRows = (good: string) => rows(baseline.out).map((row) => row.replace(/\S*good\.ndjson#/, `${good}#`));

  it('reports a missing path and reads the rest', async () => {
    const { dir, good } = caseDir();
    const missing = join(dir, 'missing.json');
    const run = await detect([missing, good]);
    expect(linesNaming(run.err, missing)).toEqual([`skipped: ${missing}: no such file or directory (ENOENT)`]);
    expect(rows(run.out)).toEqual(goodRows(good));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1, events: baseline.summary.events });
    expect(run.err).toMatch(/^1 input\(s\) skipped or partly read \(listed above\): the result is incomplete$/m);
  });

  it.skipIf(!unprivileged)('reports an unreadable file (chmod 000; as root, run as nobody) and reads the rest', async () => {
    const { dir, good } = caseDir();
    const locked = join(dir, 'locked.ndjson');
    writeFileSync(locked, ndjsonLines(3).join('\n'));
    chmodSync(locked, 0);
    const run = await detectUnprivileged([locked, good]);
    expect(linesNaming(run.err, locked)).toEqual([`skipped: ${locked}: permission denied (EACCES)`]);
    expect(rows(run.out)).toEqual(goodRows(good));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1 });
  });

  it.skipIf(!unprivileged)('reports an unreadable directory (chmod 000; as root, run as nobody) and reads the rest', async () => {
    const { dir, good } = caseDir();
    const locked = subdir(dir, 'locked');
    writeFileSync(join(locked, 'hidden.ndjson'), ndjsonLines(3).join('\n'));
    chmodSync(locked, 0);
    const run = await detectUnprivileged([dir]);
    expect(linesNaming(run.err, locked)).toEqual([`skipped: ${locked}: cannot list directory: permission denied (EACCES)`]);
    expect(rows(run.out)).toEqual(goodRows(good));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1 });
  });

  it('reports a truncated gzip as partly read, keeping the events before the cut', async () => {
    const { dir, good } = caseDir();
    const truncated = join(dir, 'cut.ndjson.gz');
    const gz = gzipSync(`${ndjsonLines(300).join('\n')}\n`);
    writeFileSync(truncated, gz.subarray(0, gz.length >> 1));
    const run = await detect([truncated, good]);
    const [line, ...more] = linesNaming(run.err, truncated);
    expect(more).toEqual([]);
    const kept = Number(
      /^skipped: .*: gzip data ends early, file truncated\? \(Z_BUF_ERROR\); the (\d+) event\(s\) before it were read and checked$/.exec(line ?? '')?.[1],
    );
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(300);
    expect(line).toContain(`skipped: ${truncated}: `);
    expect(rows(run.out)).toEqual(expect.arrayContaining(goodRows(good)));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1, events: baseline.summary.events + kept });
  });

  it('reports a fake gzip (plain text named .gz)', async () => {
    const { dir, good } = caseDir();
    const fake = join(dir, 'plain.ndjson.gz');
    writeFileSync(fake, `${ndjsonLines(3).join('\n')}\n`);
    const run = await detect([fake, good]);
    expect(linesNaming(run.err, fake)).toEqual([`skipped: ${fake}: not valid gzip data: incorrect header check (Z_DATA_ERROR)`]);
    expect(rows(run.out)).toEqual(goodRows(good));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1, events: baseline.summary.events });
  });

  it('lists a directory once when a symlink points back to it, and reads the files below it once', async () => {
    const { dir, good } = caseDir();
    const up = join(subdir(dir, 'sub'), 'up');
    symlinkSync('..', up);
    const run = await detect([dir]);
    expect(linesNaming(run.err, up)).toEqual([`note: ${up}: same directory as ${dir}, already read, not read again`]);
    expect(rows(run.out)).toEqual(goodRows(good));
    // Nothing was left unread, so this is no skipped input.
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 0, events: baseline.summary.events });
  });

  it('reports a self-referencing symlink (ELOOP) in a directory', async () => {
    const { dir, good } = caseDir();
    const loop = join(dir, 'loop.json');
    symlinkSync('loop.json', loop);
    const run = await detect([dir]);
    expect(linesNaming(run.err, loop)).toEqual([`skipped: ${loop}: too many symbolic links encountered (ELOOP)`]);
    expect(rows(run.out)).toEqual(goodRows(good));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1 });
  });

  it('skips a line over the size cap without stopping, whether it spans chunks or not', async () => {
    const { dir, good } = caseDir();
    const long = join(dir, 'long.ndjson');
    const [first, second, third] = ndjsonLines(3);
    // 1 MiB of one line spans many read chunks; the 5 KB one ends inside the chunk it started in.
    writeFileSync(long, [first, `{"pad":"${'x'.repeat(1 << 20)}"}`, second, `{"pad":"${'y'.repeat(5000)}"}`, third].join('\n'));
    const run = await detect([long, good], { maxLineBytes: 4096 });
    expect(linesNaming(run.err, long)).toEqual([
      `skipped: ${long}:2: line longer than 4 KiB, not read; the rest of the file was read`,
      `skipped: ${long}:4: line longer than 4 KiB, not read; the rest of the file was read`,
    ]);
    expect(rows(run.out)).toEqual(expect.arrayContaining(goodRows(good)));
    // The events around the long lines, the last one included, were read.
    expect(
      new Set(
        rows(run.out)
          .filter((r) => r.includes(long))
          .map((r) => /#(\d+)/.exec(r)?.[1]),
      ),
    ).toEqual(new Set(['0', '2', '4']));
    // The file was only partly checked, so it counts as skipped (exit 3), not as read.
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1, malformed: 0, events: baseline.summary.events + 3 });
  });

  it('skips a whole-document JSON file over the size cap instead of buffering it', async () => {
    const { dir, good } = caseDir();
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ Records: trailEvents() }, null, 2));
    const run = await detect([big, good], { maxDocumentBytes: 4096 });
    expect(linesNaming(run.err, big)).toEqual([
      `skipped: ${big}: JSON document larger than 4 KiB, not read (as NDJSON it is read at any size: jq -c '.Records[]' or jq -c '.[]')`,
    ]);
    expect(rows(run.out)).toEqual(goodRows(good));
    expect(run.summary).toMatchObject({ files: 1, skippedFiles: 1, events: baseline.summary.events });
    // Under the cap it is read as before.
    expect((await detect([big, good], { maxDocumentBytes: 1 << 20 })).summary).toMatchObject({
      files: 2,
      skippedFiles: 0,
      events: 2 * baseline.summary.events,
    });
  });

  it('gives each problem a line of its own under the progress bar', async () => {
    const { dir, good } = caseDir();
    const fake = join(dir, 'plain.ndjson.gz');
    writeFileSync(fake, `${ndjsonLines(3).join('\n')}\n`);
    const err = capture(true);
    await runDetect({ paths: [good, fake, join(dir, 'missing.json')], rules, format: 'ndjson', out: capture().stream, err: err.stream, progressMinBytes: 1 });
    const lines = err.text().split('\n');
    expect(lines.filter((l) => l.startsWith(`skipped: ${fake}: `))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(`skipped: ${join(dir, 'missing.json')}: `))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('skipped: ') && !l.startsWith('skipped: '))).toEqual([]);
    expect(err.text()).toMatch(/\r\[#+\s*\] 100% of 0 MB/);
  });
});
