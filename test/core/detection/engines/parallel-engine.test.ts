/**
 * `detect --engine js` in worker threads (parallel-engine.ts) against the main thread alone (--workers 1),
 * in-process on the same inputs: the same stdout (every match row, in order), the same stderr (file
 * problems, malformed lines, summary) and the same counts and exit code. Small split and block sizes make
 * every way of reading a file happen on small inputs: whole files read by a worker (the corpus's JSON
 * documents), large files cut into many blocks by the main thread (NDJSON, gzip or not, with blank,
 * CloudTrail-file, malformed and over-long lines at block edges), a document found from its first line,
 * a file cut short, and a FIFO, which only the main thread can read.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DetectOptions } from '../../../../core/cli/detect.ts';
import type { CatalogRule } from '../../../../core/detection/catalog.ts';
import { runParallel } from '../../../../core/detection/engines/parallel-engine.ts';
import { CORPUS_DIR, corpusFiles } from '../../../helpers/corpus.ts';
import { cli, corpus, detectRun, inputFolder, rules } from './engine-inputs.ts';

const { dir, write } = inputFolder('guardrails-parallel-engine-');

const trail = corpus('aws/trail_tampering.json');
const azure = corpus('azure/activity_diagnostic_format_panther.json');
const gcp = corpus('gcp/gcloud_gsutil_cli.json');
/** Each copy of an event with its own eventID, so that the lines differ. */
const copies = (events: Record<string, unknown>[], count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ ...events[i % events.length], eventID: `copy-${i}` }));

/** Reads of 1000 bytes, blocks of about 2 KiB from files of 4 KiB on: lines span reads, a few hundred make dozens of blocks. */
const SMALL = { splitBytes: 4096, blockBytes: 2048, readBytes: 1000 };

async function both(paths: string[], options: Partial<DetectOptions> = {}) {
  const readers: [string, string][] = [];
  const run = (workers: number) =>
    detectRun(paths, {
      workers,
      ...options,
      parallel: { ...SMALL, ...options.parallel, onReader: (file, reader) => readers.push([file.slice(dir.length + 1), reader]) },
    });
  const one = await run(1);
  expect(readers).toEqual([]);
  return { one, two: await run(2), three: await run(3), readers: readers.slice(0, readers.length / 2) };
}

describe('detect --engine js in worker threads gives the main thread alone results', () => {
  it('on the corpus (JSON documents, each read whole by a worker), correlations included', { timeout: 60_000 }, async () => {
    const { one, two, three } = await both([CORPUS_DIR], { parallel: { splitBytes: 1 << 30 } });
    expect(one.summary.events).toBe(corpusFiles().reduce((n, f) => n + f.events.length, 0));
    expect(one.summary.matched).toBeGreaterThan(10);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });

  it('on NDJSON cut into blocks: blank, CloudTrail-file, Azure, GCP, unrecognised and malformed lines, CRLF and gzip, table format', {
    timeout: 60_000,
  }, async () => {
    const lines = [
      '',
      ...copies(trail, 40),
      '   ',
      JSON.stringify({ Records: trail.slice(3) }),
      ...azure.map((e) => JSON.stringify(e)),
      JSON.stringify({ Records: [] }),
      ...gcp.map((e) => JSON.stringify(e)),
      '{"not":"a log"}',
      // Twelve malformed lines: the first ten are shown, in line order, across blocks.
      ...Array.from({ length: 12 }, (_, i) => [`{"eventName": oops ${i}`, ...copies(trail, 3)]).flat(),
      ...copies(trail, 60),
    ];
    const plain = write('mixed.ndjson', `${lines.join('\n')}\n`);
    const gz = write('mixed.ndjson.gz', gzipSync(`${lines.join('\r\n')}`));
    const { one, two, three, readers } = await both([plain, gz], { format: 'table' });
    expect(readers).toEqual([
      ['mixed.ndjson', 'blocks'],
      ['mixed.ndjson.gz', 'blocks'],
    ]);
    expect(one.summary.malformed).toBe(24);
    expect(one.err).toMatch(/first 10 shown/);
    expect(one.summary.unrecognised).toBe(2);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });

  it('on lines over the cap: the first line, one within a block, one across blocks, the last without a line end', { timeout: 60_000 }, async () => {
    // The cap is just over the longest ordinary line; the long lines are the cap and then some.
    const cap = Math.max(...copies(trail, 10).map((line) => line.length)) + 10;
    const long = (n: number) => JSON.stringify({ ...trail[0], padding: 'x'.repeat(cap + n) });
    const lines = [long(3000), ...copies(trail, 10), long(100), ...copies(trail, 10), long(6000), ...copies(trail, 10), long(2500)];
    const file = write('long-lines.ndjson', lines.join('\n'));
    const { one, two, readers } = await both([file], { maxLineBytes: cap });
    expect(readers).toEqual([['long-lines.ndjson', 'blocks']]);
    const skipped = [...one.err.matchAll(/skipped: .*long-lines\.ndjson:(\d+): line longer than \d+ bytes, not read; the rest of the file was read/g)];
    expect(skipped.map((m) => Number(m[1]))).toEqual([1, 12, 23, 34]);
    expect(one.summary.events).toBe(30);
    expect(one.summary.skippedFiles).toBe(1);
    expect(two).toEqual(one);
  });

  it('on a JSON array and a pretty-printed CloudTrail file over the split size: read whole, found from their first line', { timeout: 60_000 }, async () => {
    const array = write('array.json', JSON.stringify(trail, null, 2));
    const records = write('records.json.gz', gzipSync(`\n\n${JSON.stringify({ Records: trail }, null, 2)}`));
    const { one, two, readers } = await both([array, records], { parallel: { splitBytes: 100 } });
    expect(readers).toEqual([
      ['array.json', 'worker'],
      ['records.json.gz', 'worker'],
    ]);
    expect(one.summary.events).toBe(2 * trail.length);
    expect(two).toEqual(one);
  });

  it('on a file cut short, a missing path, a file of blank lines and an empty file: same stderr lines and exit code', { timeout: 60_000 }, async () => {
    const cut = write('problems/a-cut.ndjson.gz', gzipSync(`${copies(trail, 200).join('\n')}\n`).subarray(0, 3000));
    write('problems/b-blank.ndjson', '\n \n\n'.repeat(2000));
    write('problems/c-empty.json', '');
    const missing = join(dir, 'missing.ndjson');
    const { one, two, readers } = await both([join(dir, 'problems'), missing], { parallel: { splitBytes: 1000, blockBytes: 500 } });
    expect(readers).toEqual([
      ['problems/a-cut.ndjson.gz', 'blocks'],
      ['problems/b-blank.ndjson', 'worker'],
      ['problems/c-empty.json', 'worker'],
    ]);
    expect(one.err).toMatch(
      new RegExp(`skipped: ${cut}: gzip data ends early, file truncated\\? \\(Z_BUF_ERROR\\); the \\d+ event\\(s\\) before it were read`),
    );
    expect(one.err).toContain(`skipped: ${missing}: no such file or directory (ENOENT)`);
    expect(one.exit).toBe(3);
    expect(two).toEqual(one);
  });

  it.skipIf(process.platform !== 'linux')('on a FIFO, read by the main thread between files read by workers', { timeout: 60_000 }, async () => {
    const before = write('fifo/a.ndjson', `${copies(trail, 30).join('\n')}\n`);
    const after = write('fifo/c.ndjson', `${copies(trail, 30).join('\n')}\n`);
    // Read-only calls: the base rule of aws-recon-burst, so the main thread reports base-rule matches too.
    const source = write('fifo-source.ndjson', `${copies(corpus('aws/aws_cli_calls.json'), 50).join('\n')}\n`);
    const fifo = join(dir, 'fifo', 'b.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const feed = () => spawn('sh', ['-c', `cat '${source}' > '${fifo}'`]);
    const run = async (workers: number) => {
      const writer = feed();
      const readers: string[] = [];
      const result = await detectRun([before, fifo, after], { workers, parallel: { ...SMALL, onReader: (_file, reader) => readers.push(reader) } });
      await new Promise((done) => (writer.exitCode === null ? writer.on('exit', done) : done(undefined)));
      return { ...result, readers };
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.summary.events).toBe(110);
    expect(two.readers).toEqual(['blocks', 'main', 'blocks']);
    expect({ ...two, readers: [] }).toEqual(one);
  });

  it('through the CLI: --workers 2 prints what --workers 1 prints; a bad count, or --workers with duckdb, is a usage error', { timeout: 60_000 }, async () => {
    const file = write('cli/trail.ndjson', `${copies(trail, 50).join('\n')}\n`);
    const one = await cli(['detect', file, '--format', 'ndjson', '--workers', '1']);
    expect(one.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(10);
    expect(await cli(['detect', file, '--format', 'ndjson', '--workers', '2'])).toEqual(one);
    for (const bad of ['0', '65', '1.5', 'two']) {
      const result = await cli(['detect', file, '--workers', bad]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^error: --workers must be a whole number from 1 to 64$/m);
    }
    const duckdb = await cli(['detect', file, '--engine', 'duckdb', '--workers', '2']);
    expect(duckdb.status).toBe(2);
    expect(duckdb.stderr).toMatch(/^error: --workers is for --engine js or auto: DuckDB runs on every core itself$/m);
  });
});

describe('runParallel: a worker that fails ends the run with its error, never a hang', () => {
  const none = () => {};
  const sink = { onEvents: none, onMatch: none, onBase: none, onMalformed: none, onFile: none };
  const [good] = rules;

  it('rethrows an error thrown while a worker evaluates a job, naming the worker', { timeout: 60_000 }, async () => {
    const file = write('failing/trail.ndjson', `${copies(trail, 20).join('\n')}\n`);
    // A rule whose expression has no kind compiles to no predicate: evaluating it throws in the worker.
    const broken = {
      ...good!,
      rule: { ...good!.rule, logsource: { product: 'aws', service: 'cloudtrail' } },
      expr: { kind: 'none' },
    } as unknown as CatalogRule;
    const run = runParallel({ files: [file, file], rules: [broken], bases: [], limits: {}, sink, workers: 2 });
    await expect(run).rejects.toThrow(/^detect worker: TypeError: .*matches is not a function/);
  });

  it('rethrows an error thrown while a worker starts, for every job it was given', { timeout: 60_000 }, async () => {
    const file = write('failing/start.ndjson', `${copies(trail, 20).join('\n')}\n`);
    const badRegex = { ...good!, expr: { kind: 'match', field: 'eventName', op: 're', values: ['('], all: false, cased: true } } as unknown as CatalogRule;
    const run = runParallel({ files: [file, file, file], rules: [badRegex], bases: [], limits: {}, sink, workers: 2 });
    await expect(run).rejects.toThrow(/Invalid regular expression/);
  });
});

describe('runParallel: what each way of reading a file reports besides matches', () => {
  const recording = () => {
    const bytes = new Map<string, number>();
    const malformed: string[] = [];
    const none = () => {};
    const sink = {
      onEvents: none,
      onMatch: none,
      onBase: none,
      onFile: none,
      onMalformed: (m: { file: string; line: number; problem: string }) => malformed.push(`${m.file.slice(dir.length + 1)}:${m.line}`),
      onBytes: (n: number) => {
        const key = 'total';
        bytes.set(key, (bytes.get(key) ?? 0) + n);
      },
    };
    return { sink, bytes: () => bytes.get('total') ?? 0, malformed };
  };

  it('counts every byte of each file once for progress (compressed bytes for .gz), whichever way it was read', { timeout: 60_000 }, async () => {
    const lines = `${copies(trail, 40).join('\n')}\n`;
    const files = [
      write('bytes/small.ndjson', '{"not":"a log"}\n'),
      write('bytes/large.ndjson', lines),
      write('bytes/large.ndjson.gz', gzipSync(lines)),
      write('bytes/document.json', JSON.stringify(trail, null, 2)),
      write('bytes/document.json.gz', gzipSync(JSON.stringify(trail, null, 2))),
    ];
    const readers: string[] = [];
    const { sink, bytes } = recording();
    // Files of 500 bytes and more are cut into blocks: the gzip one too, by its size on disk.
    await runParallel({ files, rules, bases: [], limits: {}, sink, workers: 2, ...SMALL, splitBytes: 500, onReader: (_f, reader) => readers.push(reader) });
    expect(readers).toEqual(['worker', 'blocks', 'blocks', 'worker', 'worker']);
    expect(bytes()).toBe(files.reduce((n, f) => n + readFileSync(f).length, 0));
  });

  it('numbers a malformed line of a file read whole by a worker from the file start', { timeout: 60_000 }, async () => {
    const file = write('whole/small.ndjson', `${copies(trail, 2).join('\n')}\n{"eventName": oops\n`);
    const { sink, malformed } = recording();
    await runParallel({ files: [file], rules, bases: [], limits: {}, sink, workers: 2, ...SMALL });
    expect(malformed).toEqual(['whole/small.ndjson:3']);
  });

  it('evaluates the whole lines read before a file is cut short, though no block was full yet', { timeout: 60_000 }, async () => {
    const cut = write('cut/pending.ndjson.gz', gzipSync(`${copies(trail, 200).join('\n')}\n`).subarray(0, 3000));
    const { one, two, readers } = await both([cut], { parallel: { splitBytes: 1000, blockBytes: 1 << 30 } });
    expect(readers).toEqual([['cut/pending.ndjson.gz', 'blocks']]);
    expect(one.summary.events).toBeGreaterThan(0);
    expect(two).toEqual(one);
  });

  it('runs through every way of reading without an onReader hook, and leaves no worker thread running', { timeout: 60_000 }, async () => {
    const paths = [
      write('hookless/large.ndjson', `${copies(trail, 40).join('\n')}\n`),
      write('hookless/document.json', JSON.stringify(trail, null, 2)),
      write('hookless/blank.ndjson', '\n'.repeat(5000)),
      // A character device: not a regular file, so the main thread reads it.
      ...(process.platform === 'linux' ? ['/dev/null'] : []),
    ];
    const threads = () => readdirSync('/proc/self/task').length;
    const run = (workers: number) => detectRun(paths, { workers, parallel: SMALL });
    const one = await run(1);
    await run(2);
    const before = threads();
    const two = await run(2);
    expect(two).toEqual(one);
    if (process.platform === 'linux') expect(threads()).toBe(before);
  });
});

describe('runParallel: lines of exactly the cap, at the edge of a read', () => {
  const CAP = 200;
  /** An NDJSON line of exactly `bytes` bytes: a small CloudTrail event, padded. */
  const lineOf = (bytes: number) => {
    const event = { eventVersion: '1.08', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', padding: '' };
    return JSON.stringify({ ...event, padding: 'x'.repeat(bytes - JSON.stringify(event).length) });
  };
  /** A CloudTrail file whose first line is `{` and spaces, `bytes` in all: it opens a document. */
  const documentOpening = (bytes: number) => `{${' '.repeat(bytes - 1)}\n"Records": ${JSON.stringify(trail.slice(0, 2))}}\n`;
  const limits = (readBytes: number) => ({ maxLineBytes: CAP, parallel: { splitBytes: 10, blockBytes: 1 << 20, readBytes } });

  it('reads a line of exactly the cap, open at the end of a read, as a line (over the cap is one byte more)', { timeout: 60_000 }, async () => {
    const first = '{"eventName":"x"}';
    const file = write('edge/exact-open.ndjson', `${first}\n${lineOf(CAP)}\n${lineOf(CAP + 1)}\n`);
    const { one, two } = await both([file], limits(first.length + 1 + CAP));
    expect(one.err.match(/line longer than/g)).toHaveLength(1);
    expect(one.summary.events).toBe(2);
    expect(two).toEqual(one);
  });

  it('finds a document from a first line of exactly the cap, whole in the first read or open at its end', { timeout: 60_000 }, async () => {
    const file = write('edge/exact-document.json', documentOpening(CAP));
    for (const readBytes of [CAP, 1 << 20]) {
      const { one, two, readers } = await both([file], limits(readBytes));
      expect(readers).toEqual([['edge/exact-document.json', 'worker']]);
      expect(one.summary.events).toBe(2);
      expect(two).toEqual(one);
    }
  });

  it('finds a document from its first non-blank line after blank lines, the blank lines not counted in its length', { timeout: 60_000 }, async () => {
    const file = write('edge/blank-then-document.json', `${'\n'.repeat(CAP / 2)}${documentOpening(CAP - 10)}`);
    // The first line whole in the first read, or open at its end.
    for (const readBytes of [CAP / 2 + CAP - 10, 1 << 20]) {
      const { one, two, readers } = await both([file], limits(readBytes));
      expect(readers).toEqual([['edge/blank-then-document.json', 'worker']]);
      expect(one.summary.events).toBe(2);
      expect(two).toEqual(one);
    }
  });
});

describe('runParallel: malformed files a worker reads whole after the main thread looked at them', () => {
  it('numbers the malformed line of a broken document, and of a file whose only line never ended, from the file start', { timeout: 60_000 }, async () => {
    const broken = write('whole-again/broken.json', `[\n${' '.repeat(600)}\n{"eventName": oops\n`);
    const unended = write('whole-again/unended.ndjson', `${'\n'.repeat(600)}{"eventName": oops`);
    const { one, two, readers } = await both([broken, unended], { parallel: { splitBytes: 500 } });
    expect(readers).toEqual([
      ['whole-again/broken.json', 'worker'],
      ['whole-again/unended.ndjson', 'worker'],
    ]);
    expect(one.err).toContain(`malformed: ${broken}:1: not JSON, JSON lines or a CloudTrail file`);
    expect(one.err).toContain(`malformed: ${unended}:1: not JSON, JSON lines or a CloudTrail file`);
    expect(two).toEqual(one);
  });
});
