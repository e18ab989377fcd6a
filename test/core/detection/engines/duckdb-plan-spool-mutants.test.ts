/**
 * Surviving mutants of planDetect (core/detection/engines/duckdb-plan.ts) and HitSpool (hit-spool.ts),
 * pinned by behaviour: the index guard keeps a rule from events whose guard field holds no string, as the
 * js index does; lines near a max line size over 8 MiB are read whole (the CSV buffer twice that size);
 * the spool writes once exactly 1 MiB is gathered, closes its file, ignores hits written
 * after it was closed, and can be discarded when its file is already gone.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { planDetect } from '../../../../core/detection/engines/duckdb-plan.ts';
import { HitSpool, type SpooledHit } from '../../../../core/detection/engines/hit-spool.ts';
import { indexRules } from '../../../../core/detection/rule-index.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'guardrails-plan-spool-mutants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AWS = { product: 'aws', service: 'cloudtrail' };
const rule = (id: string, selection: Record<string, unknown>): CatalogRule =>
  bindRules([inlineRule({ selection, condition: 'selection' }, AWS, { id: `test-${id}` })], exampleModel())[0]!;

describe('planDetect: the index guard in SQL', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('keeps a rule from an event whose guard field holds a number, as the js index does', async () => {
    const five = rule('five', { eventName: '5' });
    const plan = planDetect([five], []);
    const events = [
      { eventSource: 's', eventVersion: '1', eventName: 5 },
      { eventSource: 's', eventVersion: '1', eventName: '5' },
      { eventSource: 's', eventVersion: '1', eventName: 'Quiet' },
    ];
    // The js index offers the rule only where eventName holds the string.
    expect(events.map((e) => indexRules([five])(e).length)).toEqual([0, 1, 0]);
    const path = join(dir, 'guard.ndjson');
    writeFileSync(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const statement = await connection.prepare(`SELECT n, hits FROM (${plan.ndjson(1 << 20)}) ORDER BY n`);
    statement.bindVarchar(1, path);
    const got = (await statement.runAndReadAll()).getRowsJS().map(([n, hits]) => [Number(n), hits]);
    expect(got).toEqual([
      [2, '0'],
      [3, ''],
    ]);
  });
  it('reads every record of a file whose lines near a max line size over 8 MiB (two 9 MB lines at 9 MiB)', async () => {
    const path = join(dir, 'long.ndjson');
    const line = JSON.stringify({ x: 'a'.repeat(9e6 - 10) });
    writeFileSync(path, `${line}\n${line}\n`);
    const statement = await connection.prepare(`SELECT n, src FROM (${planDetect([], []).records(9 << 20)}) ORDER BY n`);
    statement.bindVarchar(1, path);
    const got = (await statement.runAndReadAll()).getRowsJS().map((row) => row.map(Number));
    expect(got).toEqual([
      [1, 0],
      [2, 0],
    ]);
    rmSync(path);
  });
});

describe('HitSpool', () => {
  const hit = (text: string | null): SpooledHit => ({ n: 1, sub: 0, index: 0, src: 1, hits: '0', text });
  const lineOf = (h: SpooledHit): string => `${JSON.stringify([h.n, h.sub, h.index, h.src, h.hits, h.text])}\n`;

  it('writes to its file once exactly 1 MiB (1,048,576 characters) is gathered, not one before', () => {
    const path = join(dir, 'exact.ndjson');
    const spool = new HitSpool(path);
    const overhead = lineOf(hit('')).length;
    spool.write(hit('x'.repeat((1 << 20) - overhead - 1)));
    expect(readFileSync(path, 'utf8')).toBe('');
    spool.discard();
    const exact = new HitSpool(path);
    const big = hit('y'.repeat((1 << 20) - overhead));
    expect(lineOf(big).length).toBe(1 << 20);
    exact.write(big);
    expect(readFileSync(path, 'utf8')).toBe(lineOf(big));
    exact.discard();
  });

  it.runIf(process.platform === 'linux')('closes its file when closed', () => {
    const path = join(dir, 'closed.ndjson');
    const open = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      }).length;
    const spool = new HitSpool(path);
    expect(open()).toBe(1);
    spool.close();
    expect(open()).toBe(0);
    spool.discard();
  });

  it('ignores hits written after it was closed, and is discarded again or with its file gone without error', async () => {
    const path = join(dir, 'after.ndjson');
    const spool = new HitSpool(path);
    spool.write(hit('kept'));
    spool.close();
    spool.write(hit('late'));
    spool.close();
    expect(readFileSync(path, 'utf8')).toBe(lineOf(hit('kept')));
    spool.discard();
    expect(existsSync(path)).toBe(false);
    spool.discard();
    expect(existsSync(path)).toBe(false);
  });
});
