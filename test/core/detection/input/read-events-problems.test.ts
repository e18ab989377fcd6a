/**
 * readEvents when a file is broken: a malformed line is reported at its exact line with the parser's
 * message and skipped (it keeps its record number); a file that cannot be opened or read to its end
 * (missing, a directory, an I/O error, truncated or fake gzip) resolves to one InputProblem worded as
 * detect prints it ("skipped: <file>: <problem>"), with the events delivered before it counted.
 */
import { mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../../../core/detection/input/read-events.ts';
import { fill, indexed, parseError, read, scratch } from './read-helpers.ts';

const tmp = scratch('read-events-problems-');
afterAll(tmp.remove);

const a = { eventName: 'A' };
const b = { eventName: 'B' };

describe('readEvents reports malformed lines and goes on', () => {
  it('reports a broken line in the middle at its line, and reads the lines after it', async () => {
    const broken = '{"eventName": "B",';
    const file = tmp.write('e.ndjson', `${JSON.stringify(a)}\n\n${broken}\n${JSON.stringify(b)}\n`);
    const r = await read(file);
    expect(r.malformed).toEqual([{ file, line: 3, problem: parseError(broken) }]);
    // The broken line keeps its record number: b is record 2.
    expect(indexed(r)).toEqual([
      [0, a],
      [2, b],
    ]);
    expect(r.problem).toBeUndefined();
  });

  it('reports a broken first line that is not an object opening, and reads the rest as NDJSON', async () => {
    const file = tmp.write('e.ndjson', `not json\n${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
    const r = await read(file);
    expect(r.malformed).toEqual([{ file, line: 1, problem: parseError('not json') }]);
    expect(indexed(r)).toEqual([
      [1, a],
      [2, b],
    ]);
  });

  it('reports a broken first line that closes its braces, and reads the rest as NDJSON', async () => {
    const file = tmp.write('e.ndjson', `{not json}\n${JSON.stringify(a)}\n`);
    const r = await read(file);
    expect(r.malformed).toEqual([{ file, line: 1, problem: parseError('{not json}') }]);
    expect(indexed(r)).toEqual([[1, a]]);
  });

  it('reports a broken last line without a newline at its line', async () => {
    const file = tmp.write('e.ndjson', `${JSON.stringify(a)}\n\n{"eventName":`);
    const r = await read(file);
    expect(r.malformed).toEqual([{ file, line: 3, problem: parseError('{"eventName":') }]);
    expect(indexed(r)).toEqual([[0, a]]);
  });

  it('numbers lines across chunk boundaries', async () => {
    const lines = fill(200_000);
    const at = lines.length - 2;
    lines[at] = '{"broken": ';
    const file = tmp.write('e.ndjson', `${lines.join('\n')}\n`);
    const r = await read(file);
    expect(r.malformed).toEqual([{ file, line: at + 1, problem: parseError('{"broken":') }]);
    expect(r.events).toHaveLength(lines.length - 1);
  });
});

describe('readEvents reports a file it cannot read as its problem', () => {
  it('reports a missing file', async () => {
    const file = tmp.path('missing.json');
    expect(await read(file)).toEqual({ events: [], malformed: [], bytes: 0, problem: { file, problem: 'no such file or directory (ENOENT)', eventsRead: 0 } });
  });

  it('reports a directory given as a file', async () => {
    const dir = tmp.path('dir.json');
    mkdirSync(dir);
    expect((await read(dir)).problem).toEqual({ file: dir, problem: 'illegal operation on a directory (EISDIR)', eventsRead: 0 });
  });

  // Root reads any chmod 000 file; reading /proc/self/mem at offset 0 fails with EIO for anyone.
  it.skipIf(process.platform !== 'linux')('reports an I/O error (EIO)', async () => {
    expect((await read('/proc/self/mem')).problem).toEqual({ file: '/proc/self/mem', problem: 'i/o error (EIO)', eventsRead: 0 });
  });

  it('reports a fake gzip (plain text named .gz)', async () => {
    const file = tmp.write('plain.ndjson.gz', `${JSON.stringify(a)}\n`);
    const r = await read(file);
    expect(r.problem).toEqual({ file, problem: 'not valid gzip data: incorrect header check (Z_DATA_ERROR)', eventsRead: 0 });
    expect(r.events).toEqual([]);
  });

  it('reports gzip data corrupted after its header', async () => {
    const gz = gzipSync(fill(50_000).join('\n'));
    // Past the 10-byte header, bytes set to 0xff are not a valid deflate stream.
    gz.fill(0xff, 10, 200);
    const file = tmp.write('corrupt.ndjson.gz', gz);
    const r = await read(file);
    expect(r.problem?.problem).toMatch(/^not valid gzip data: [a-z ]+ \(Z_DATA_ERROR\)$/);
    expect(r.problem).toMatchObject({ file, eventsRead: r.events.length });
  });

  it('reports a truncated gzip, keeping and counting the events read before the cut', async () => {
    const lines = fill(300_000);
    const gz = gzipSync(`${lines.join('\n')}\n`);
    const file = tmp.write('cut.ndjson.gz', gz.subarray(0, gz.length >> 1));
    const r = await read(file);
    expect(r.problem).toEqual({ file, problem: 'gzip data ends early, file truncated? (Z_BUF_ERROR)', eventsRead: r.events.length });
    expect(r.events.length).toBeGreaterThan(0);
    expect(r.events.length).toBeLessThan(lines.length);
    expect(indexed(r)).toEqual(lines.slice(0, r.events.length).map((line, i) => [i, JSON.parse(line)]));
    expect(r.malformed).toEqual([]);
  });

  it('lets an exception from a callback propagate', async () => {
    const file = tmp.write('e.ndjson', `${JSON.stringify(a)}\n`);
    const stop = new Error('stop');
    await expect(
      readEvents(file, {
        onEvent: () => {
          throw stop;
        },
        onMalformed: () => {},
      }),
    ).rejects.toBe(stop);
  });
});
