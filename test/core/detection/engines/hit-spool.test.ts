/**
 * The spool a streamed file's hits wait in (core/detection/engines/hit-spool.ts): every hit read back in the
 * order written, across the writes it gathers, with the text Node must see or none; discarded, its file is gone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HitSpool, type SpooledHit } from '../../../../core/detection/engines/hit-spool.ts';

const dir = mkdtempSync(join(tmpdir(), 'guardrails-hit-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hit = (i: number, text: string | null = null): SpooledHit => ({ n: i + 1, sub: i % 3, index: i, src: 1 + (i % 2), hits: `${i % 7},${i % 5}*`, text });
const readAll = async (spool: HitSpool): Promise<SpooledHit[]> => {
  const got: SpooledHit[] = [];
  for await (const h of spool.read()) got.push(h);
  return got;
};

describe('HitSpool', () => {
  it('gives back every hit in the order written, texts with quotes and line breaks included', async () => {
    const spool = new HitSpool(join(dir, 'few.ndjson'));
    const hits = [hit(0), hit(1, '{"a":"line\\nbreak","q":"\\"x\\""}'), hit(2, 'ünï\r\ncode')];
    for (const h of hits) spool.write(h);
    expect(spool.count).toBe(3);
    expect(await readAll(spool)).toEqual(hits);
  });

  it('writes to its file once about 1 MB is gathered, and the rest when closed', async () => {
    const path = join(dir, 'many.ndjson');
    const spool = new HitSpool(path);
    const text = 'x'.repeat(1000);
    const hits = Array.from({ length: 3000 }, (_, i) => hit(i, text));
    // Each line about 1,024 characters: the 1,025th brings the gathered text to 1 MiB, which is then written.
    for (const h of hits.slice(0, 1024)) spool.write(h);
    expect(readFileSync(path, 'utf8')).toBe('');
    spool.write(hits[1024]!);
    expect(readFileSync(path, 'utf8').split('\n').length - 1).toBe(1025);
    for (const h of hits.slice(1025)) spool.write(h);
    expect(spool.count).toBe(3000);
    spool.close();
    expect(readFileSync(path, 'utf8').split('\n').length - 1).toBe(3000);
    expect(await readAll(spool)).toEqual(hits);
  });

  it('holds nothing back below 1 MB until closed, and an empty spool reads back empty', async () => {
    const path = join(dir, 'small.ndjson');
    const spool = new HitSpool(path);
    spool.write(hit(0));
    expect(readFileSync(path, 'utf8')).toBe('');
    spool.close();
    spool.close();
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify([1, 0, 0, 1, '0,0*', null])}\n`);
    const empty = new HitSpool(join(dir, 'empty.ndjson'));
    expect(await readAll(empty)).toEqual([]);
  });

  it('discarded, its file is gone, gathered hits and all', () => {
    const path = join(dir, 'gone.ndjson');
    const spool = new HitSpool(path);
    spool.write(hit(0));
    spool.discard();
    expect(existsSync(path)).toBe(false);
  });
});
