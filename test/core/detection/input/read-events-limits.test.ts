/**
 * readEvents' size caps (ReadLimits), with small caps instead of big files: a line over maxLineBytes is
 * reported (tooLong, at its line, in detect's wording) and skipped without stopping the file, wherever
 * it falls among the read chunks; a document over maxDocumentBytes is reported as the file's problem and
 * the file is not read further. A line or document exactly at its cap is read.
 */
import { readdirSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES, MAX_LINE_BYTES } from '../../../../core/detection/input/read-events.ts';
import { CHUNK, fill, indexed, jsonLine, read, scratch } from './read-helpers.ts';

const tmp = scratch('read-events-limits-');
afterAll(tmp.remove);

const tooLong = (file: string, line: number, cap: string) => ({ file, line, problem: `line longer than ${cap}, not read`, tooLong: true });
const documentTooLarge = (file: string, cap: string) => ({
  file,
  problem: `JSON document larger than ${cap}, not read (as NDJSON it is read at any size: jq -c '.Records[]' or jq -c '.[]')`,
  eventsRead: 0,
});
const parsed = (lines: string[], skip: number[]) => lines.flatMap((line, i) => (skip.includes(i) ? [] : [[i, JSON.parse(line)]]));

describe('readEvents caps line length (maxLineBytes)', () => {
  it('reads lines of exactly the cap: first, middle and last without a newline', async () => {
    const lines = [jsonLine(0, 20), jsonLine(1, 20), jsonLine(2, 20)];
    const r = await read(tmp.write('e.ndjson', lines.join('\n')), { maxLineBytes: 20 });
    expect(r.malformed).toEqual([]);
    expect(indexed(r)).toEqual(parsed(lines, []));
  });

  it('skips lines one byte over the cap, each at its line, keeping record numbers', async () => {
    const lines = [jsonLine(0, 20), jsonLine(1, 21), jsonLine(2, 20), jsonLine(3, 21), jsonLine(4, 20), jsonLine(5, 21)];
    const file = tmp.write('e.ndjson', lines.join('\n'));
    const r = await read(file, { maxLineBytes: 20 });
    expect(r.malformed).toEqual([tooLong(file, 2, '20 bytes'), tooLong(file, 4, '20 bytes'), tooLong(file, 6, '20 bytes')]);
    expect(indexed(r)).toEqual(parsed(lines, [1, 3, 5]));
    expect(r.problem).toBeUndefined();
  });

  it('counts a long first line as record 0', async () => {
    const lines = [jsonLine(0, 30), jsonLine(1, 20)];
    const file = tmp.write('e.ndjson', `${lines.join('\n')}\n`);
    const r = await read(file, { maxLineBytes: 20 });
    expect(r.malformed).toEqual([tooLong(file, 1, '20 bytes')]);
    expect(indexed(r)).toEqual(parsed(lines, [0]));
  });

  it('skips a line over the cap that spans three chunks, and reads the lines after it across chunk boundaries', async () => {
    const lines = [jsonLine(0, 100), jsonLine(1, 3 * CHUNK), ...fill(3 * CHUNK, 2)];
    const file = tmp.write('e.ndjson', `${lines.join('\n')}\n`);
    const r = await read(file, { maxLineBytes: 4096 });
    expect(r.malformed).toEqual([tooLong(file, 2, '4 KiB')]);
    expect(indexed(r)).toEqual(parsed(lines, [1]));
    expect(r.bytes).toBe(statSync(file).size);
  });

  it('skips a line over the cap whose start was held from the previous chunk, then joins the next split line cleanly', async () => {
    // The long line starts 3000 bytes before the first chunk boundary (held, under the cap) and ends 3000 bytes after it.
    const before = fill(CHUNK - 3000);
    const lines = [...before, jsonLine(before.length, 6000), ...fill(2 * CHUNK, before.length + 1)];
    const file = tmp.write('e.ndjson', `${lines.join('\n')}\n`);
    const r = await read(file, { maxLineBytes: 4096 });
    expect(r.malformed).toEqual([tooLong(file, before.length + 1, '4 KiB')]);
    expect(indexed(r)).toEqual(parsed(lines, [before.length]));
  });

  it('reads a line split by a chunk boundary that is under the cap', async () => {
    const before = fill(CHUNK - 3000);
    const lines = [...before, jsonLine(before.length, 4000), ...fill(1000, before.length + 1)];
    const r = await read(tmp.write('e.ndjson', `${lines.join('\n')}\n`), { maxLineBytes: 4000 });
    expect(r.malformed).toEqual([]);
    expect(indexed(r)).toEqual(parsed(lines, []));
  });

  it('names the cap in bytes, KiB or MiB, whichever is exact', async () => {
    for (const [cap, text] of [
      [0, '0 bytes'],
      [1000, '1000 bytes'],
      [1024, '1 KiB'],
      [1536, '1536 bytes'],
      [4096, '4 KiB'],
      [1048576, '1 MiB'],
      [1048577, '1048577 bytes'],
    ] as const) {
      const file = tmp.write('e.ndjson', `${jsonLine(0, Math.max(cap + 1, 20))}\n`);
      expect((await read(file, { maxLineBytes: cap })).malformed, text).toEqual([tooLong(file, 1, text)]);
    }
  });

  it('defaults to 64 MiB lines and 256 MiB documents', async () => {
    expect([MAX_LINE_BYTES, MAX_DOCUMENT_BYTES]).toEqual([64 * 1024 * 1024, 256 * 1024 * 1024]);
    // A line and a document far over any small cap are read with no limits given.
    const big = jsonLine(0, 200_000);
    expect(indexed(await read(tmp.write('e.ndjson', `${big}\n${big}\n`)))).toHaveLength(2);
    expect(indexed(await read(tmp.write('e.json', JSON.stringify({ Records: [JSON.parse(big)] }, null, 2))))).toHaveLength(1);
    expect(indexed(await read(tmp.write('e.ndjson', `${big}\n`), {}))).toHaveLength(1);
  });
});

describe('readEvents caps whole documents (maxDocumentBytes)', () => {
  const doc = JSON.stringify({ Records: [{ eventName: 'A' }, { eventName: 'B' }] }, null, 2);

  it('reads a document of exactly the cap, with or without a final newline', async () => {
    for (const text of [doc, `${doc}\n`]) {
      const r = await read(tmp.write('e.json', text), { maxDocumentBytes: doc.length });
      expect(r.problem).toBeUndefined();
      expect(indexed(r)).toEqual([
        [0, { eventName: 'A' }],
        [1, { eventName: 'B' }],
      ]);
    }
  });

  it('reports a document one byte over the cap as the file problem, with no event and no malformed line', async () => {
    for (const text of [doc, `${doc}\n`]) {
      const file = tmp.write('e.json', text);
      const r = await read(file, { maxDocumentBytes: doc.length - 1 });
      expect(r.problem).toEqual(documentTooLarge(file, `${doc.length - 1} bytes`));
      expect(r.events).toEqual([]);
      expect(r.malformed).toEqual([]);
    }
  });

  it('does not cap NDJSON by the document cap', async () => {
    const lines = fill(3000);
    const r = await read(tmp.write('e.ndjson', lines.join('\n')), { maxDocumentBytes: 1024 });
    expect(r.problem).toBeUndefined();
    expect(indexed(r)).toEqual(parsed(lines, []));
  });

  /** Open file descriptors of this process, to show the file is closed after the problem. */
  const openFiles = () => readdirSync('/proc/self/fd').length;
  const closed = async (count: number) => {
    for (let i = 0; i < 100 && openFiles() > count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return openFiles();
  };

  it('stops reading a many-line document at the cap, and closes the file', async () => {
    const file = tmp.write(
      'e.json',
      JSON.stringify(
        fill(5 * CHUNK).map((line) => JSON.parse(line)),
        null,
        1,
      ),
    );
    const before = process.platform === 'linux' ? openFiles() : 0;
    const r = await read(file, { maxDocumentBytes: 100_000 });
    expect(r.problem).toEqual(documentTooLarge(file, '100000 bytes'));
    expect(r.bytes).toBeLessThan(statSync(file).size / 2);
    if (process.platform === 'linux') expect(await closed(before)).toBe(before);
  });

  it('stops reading a document whose unfinished line outgrows the cap at a chunk end, and closes the file', async () => {
    const file = tmp.write('e.json', `{\n  "pad": "${'x'.repeat(5 * CHUNK)}",\n  "Records": []\n}\n`);
    const before = process.platform === 'linux' ? openFiles() : 0;
    const r = await read(file, { maxDocumentBytes: 100 * 1024 });
    expect(r.problem).toEqual(documentTooLarge(file, '100 KiB'));
    expect(r.bytes).toBeLessThan(statSync(file).size / 2);
    if (process.platform === 'linux') expect(await closed(before)).toBe(before);
  });
});
