/**
 * readEvents, every input shape its contract names: CloudTrail files ({"Records":[...]}), JSON arrays,
 * NDJSON (a line may itself be a CloudTrail file), pretty-printed documents, gzip or not, with each
 * event's index (its Records/array position, or its NDJSON record number) and the bytes read reported.
 */
import { statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { fill, indexed, parseError, read, scratch } from './read-helpers.ts';

const tmp = scratch('read-events-shapes-');
afterAll(tmp.remove);

const a = { eventName: 'A' };
const b = { eventName: 'B' };
const c = { eventName: 'C' };

describe('readEvents reads NDJSON', () => {
  it('delivers one event per line, numbered by record, with the file named', async () => {
    const file = tmp.write('e.ndjson', `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
    const r = await read(file);
    expect(r.events).toEqual([
      { file, index: 0, value: a },
      { file, index: 1, value: b },
    ]);
    expect(r.malformed).toEqual([]);
    expect(r.problem).toBeUndefined();
  });

  it('reads a last line without a newline', async () => {
    const r = await read(tmp.write('e.ndjson', `${JSON.stringify(a)}\n${JSON.stringify(b)}`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
  });

  it('skips blank and whitespace-only lines without numbering them, and reads CRLF lines', async () => {
    const r = await read(tmp.write('e.ndjson', `\n${JSON.stringify(a)}\r\n\r\n   \n\t\n${JSON.stringify(b)}\r\n\n`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
    expect(r.malformed).toEqual([]);
  });

  it('reads a file that starts with a byte order mark', async () => {
    const r = await read(tmp.write('e.ndjson', `\uFEFF${JSON.stringify(a)}\n${JSON.stringify(b)}\n`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
    expect(r.malformed).toEqual([]);
  });

  it('delivers any JSON value on a line as an event, null included', async () => {
    const r = await read(tmp.write('e.ndjson', 'null\n42\n"text"\n[1,2]\n{"Records":"not a list"}\n'));
    expect(indexed(r)).toEqual([
      [0, null],
      [1, 42],
      [2, 'text'],
      [3, [1, 2]],
      [4, { Records: 'not a list' }],
    ]);
  });

  it('expands a line that is a CloudTrail file into its Records, indexed by Records position', async () => {
    const r = await read(
      tmp.write('e.ndjson', `${JSON.stringify({ Records: [a, b] })}\n${JSON.stringify({ Records: [] })}\n${JSON.stringify({ Records: [c] })}\n`),
    );
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
      [0, c],
    ]);
  });

  it('reads a one-line JSON array as its elements', async () => {
    const r = await read(tmp.write('e.json', `${JSON.stringify([a, b])}\n`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
  });

  it('reads a one-line CloudTrail file (as CloudTrail delivers it) as its Records', async () => {
    const r = await read(tmp.write('e.json', JSON.stringify({ Records: [a, b, c] })));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
      [2, c],
    ]);
  });
});

describe('readEvents reads a pretty-printed file as one document', () => {
  it('reads a pretty-printed CloudTrail file as its Records', async () => {
    const r = await read(tmp.write('e.json', JSON.stringify({ Records: [a, b] }, null, 2)));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
    expect(r.malformed).toEqual([]);
  });

  it('reads a CloudTrail file whose first line opens the Records list', async () => {
    const r = await read(tmp.write('e.json', `{"Records": [\n  ${JSON.stringify(a)},\n  ${JSON.stringify(b)}\n]}\n`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
  });

  it('reads a pretty-printed array as its elements, even after blank lines and indentation', async () => {
    const r = await read(tmp.write('e.json', `\n\n  ${JSON.stringify([a, b, c], null, 2)}\n`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
      [2, c],
    ]);
  });

  it('reads a pretty-printed single object as one event', async () => {
    const r = await read(tmp.write('e.json', JSON.stringify({ ...a, detail: { x: 1 } }, null, 2)));
    expect(indexed(r)).toEqual([[0, { ...a, detail: { x: 1 } }]]);
  });

  it('reads a pretty-printed file with CRLF line ends and a byte order mark', async () => {
    const r = await read(tmp.write('e.json', `\uFEFF${JSON.stringify({ Records: [a, b] }, null, 2).replaceAll('\n', '\r\n')}\r\n`));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
  });

  it('reports a broken document once, at line 1, with the parser message for its text', async () => {
    const text = '{\n  "eventName": "A",\n  "detail": oops\n}';
    const file = tmp.write('e.json', `${text}\n`);
    const r = await read(file);
    expect(r.events).toEqual([]);
    expect(r.malformed).toEqual([{ file, line: 1, problem: `not JSON, JSON lines or a CloudTrail file: ${parseError(text)}` }]);
    expect(r.problem).toBeUndefined();
  });
});

describe('readEvents reads large and gzip files', () => {
  // Over three read chunks, so lines cross chunk boundaries.
  const lines = fill(200_000);
  const text = `${lines.join('\n')}\n`;
  const values = lines.map((line) => JSON.parse(line));

  it('reads every line of a file read in several chunks, and reports its size in bytes', async () => {
    const file = tmp.write('big.ndjson', text);
    const r = await read(file);
    expect(r.malformed).toEqual([]);
    expect(indexed(r)).toEqual(values.map((v, i) => [i, v]));
    expect(r.bytes).toBe(statSync(file).size);
    expect(r.problem).toBeUndefined();
  });

  it('reads a .gz file, reporting its compressed size', async () => {
    const file = tmp.write('big.ndjson.gz', gzipSync(text));
    const r = await read(file);
    expect(r.malformed).toEqual([]);
    expect(indexed(r)).toEqual(values.map((v, i) => [i, v]));
    expect(r.bytes).toBe(statSync(file).size);
    expect(r.problem).toBeUndefined();
  });

  it('reads a gzip CloudTrail file', async () => {
    const r = await read(tmp.write('trail.json.gz', gzipSync(JSON.stringify({ Records: [a, b] }))));
    expect(indexed(r)).toEqual([
      [0, a],
      [1, b],
    ]);
  });

  it('reads a file named .gz only when it ends so (a .gz.json is plain)', async () => {
    const r = await read(tmp.write('e.gz.json', `${JSON.stringify(a)}\n`));
    expect(indexed(r)).toEqual([[0, a]]);
    expect(r.problem).toBeUndefined();
  });
});
