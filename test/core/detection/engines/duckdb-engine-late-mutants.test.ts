/**
 * runDuckdb with plans whose SQL is swapped for a query of the test's own: the streamed rows' order check
 * (rows out of order send the file to Node), and the settings the DuckDB instance is created with; the
 * records of a source without rules, which are never staged nor counted towards BATCH_RECORDS; a gzip DuckDB
 * would read but Node does not inflate; a file whose relative path starts like a DuckDB SQL error. (A result
 * that ends before its count needs @duckdb/node-api wrapped, and the suite shares modules between test files:
 * no vi.mock, vitest.config.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bindRules } from '../../../../core/detection/catalog.ts';
import { type DuckdbRun, runDuckdb } from '../../../../core/detection/engines/duckdb-engine.ts';
import { type DetectPlan, planDetect } from '../../../../core/detection/engines/duckdb-plan.ts';
import { indexRules } from '../../../../core/detection/rule-index.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const guarded = bindRules(
  [inlineRule({ selection: { eventName: 'X' }, condition: 'selection' }, { product: 'aws', service: 'cloudtrail' }, { id: 'test-late' })],
  exampleModel(),
)[0]!;
const plan = planDetect([guarded], []);
const ruleIndex = new Map([['aws/cloudtrail', indexRules([guarded])]]);

const dir = mkdtempSync(join(tmpdir(), 'guardrails-engine-late-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'one.ndjson');
writeFileSync(file, `${JSON.stringify({ eventSource: 's.amazonaws.com', eventName: 'X', eventVersion: '1.08' })}\n`);

/** The reader of `file`, its event counts and matches, with `options` overriding the run's. */
async function logged(options: Partial<DuckdbRun>): Promise<string[]> {
  const log: string[] = [];
  await runDuckdb({
    files: [file],
    plan,
    ruleIndex,
    baseIndex: new Map(),
    limits: {},
    threads: 1,
    onReader: (_, reader) => log.push(`reader ${reader}`),
    sink: {
      onEvents: (events, unrecognised) => log.push(`events ${events} ${unrecognised}`),
      onMatch: (r, _, index) => log.push(`match ${r.rule.id}#${index}`),
      onBase: () => log.push('base'),
      onMalformed: (m) => log.push(`malformed ${m.line}`),
      onFile: (f, problem) => log.push(`file ${basename(f)}${problem ? ` ${problem.problem}` : ''}`),
    },
    ...options,
  });
  return log;
}

/** plan.ndjson's columns for rows (n, sub), in this order, none a hit, the last one marked last. */
const rowsSql = (rows: [number, number][]): string =>
  `SELECT n::BIGINT AS n, sub::BIGINT AS sub, FALSE AS ct, NULL::BIGINT AS idx, 1 AS src, '' AS hits, NULL::VARCHAR AS text, ${rows.length}::BIGINT AS c, o = ${rows.length} AS last
   FROM (VALUES ${rows.map(([n, sub], i) => `(${n}, ${sub}, ${i + 1})`).join(', ')}) t(n, sub, o) WHERE $1::VARCHAR IS NOT NULL ORDER BY o`;

/** What Node reports reading the file itself. */
const byNode = ['events 1 0', 'reader node', 'file one.ndjson', 'match test-late#0'];

describe('runDuckdb, late mutants', () => {
  it('reads a streamed file in Node when DuckDB returns its rows out of order (n back, sub back or repeated)', { timeout: 60_000 }, async () => {
    const streamed = (rows: [number, number][]) => logged({ streamBytes: 0, plan: { ...plan, ndjson: () => rowsSql(rows) } });
    // In order: DuckDB's rows are taken (3 records, none a hit).
    expect(
      await streamed([
        [1, 0],
        [1, 1],
        [2, 0],
      ]),
    ).toEqual(['events 3 0', 'reader duckdb', 'file one.ndjson']);
    expect(
      await streamed([
        [2, 0],
        [1, 0],
      ]),
    ).toEqual(byNode);
    expect(
      await streamed([
        [1, 1],
        [1, 0],
      ]),
    ).toEqual(byNode);
    expect(
      await streamed([
        [1, 0],
        [1, 0],
      ]),
    ).toEqual(byNode);
  });

  it('reads in Node a file whose relative path starts like a DuckDB SQL error, when its rows come out of order', { timeout: 60_000 }, async () => {
    // The engine's own errors about a file must not read as a bug in its SQL (rethrowSqlBug), whatever the file's name.
    const name = 'Binder Error.ndjson';
    writeFileSync(name, readFileSync(file));
    try {
      const log = await logged({
        files: [name],
        streamBytes: 0,
        plan: {
          ...plan,
          ndjson: () =>
            rowsSql([
              [2, 0],
              [1, 0],
            ]),
        },
      });
      expect(log).toEqual(['events 1 0', 'reader node', `file ${name}`, 'match test-late#0']);
    } finally {
      rmSync(name, { force: true });
    }
  });

  it('creates DuckDB with the run threads, preserve_insertion_order off and a guardrails temp directory', { timeout: 30_000 }, async () => {
    // The records' query fails (and Node reads the file) unless every setting is as runDuckdb sets it.
    const check = `current_setting('threads') = 3 AND NOT current_setting('preserve_insertion_order') AND current_setting('temp_directory') LIKE '%guardrails-duckdb-%'`;
    const records = () =>
      `SELECT 1::BIGINT AS n, 0::BIGINT AS sub, FALSE AS ct, CASE WHEN ${check} THEN 1 ELSE error('settings') END AS src, '{}' AS event WHERE $1::VARCHAR IS NOT NULL`;
    const checked: DetectPlan = { ...plan, records };
    expect(await logged({ threads: 3, plan: checked })).toEqual(['events 1 0', 'reader duckdb', 'file one.ndjson']);
    expect(await logged({ threads: 2, plan: checked })).toEqual(byNode);
  });

  it('never stages the records of a source without rules (no batch flush before BATCH_RECORDS)', { timeout: 60_000 }, async () => {
    // 50,000 Azure Activity records, which DuckDB leaves to Node and the plan has no rule for: counted once, as
    // read, so the batch (with one.ndjson's record) stays under 100,000 and its match is reported after the last file.
    const azure = join(dir, 'azure.ndjson');
    writeFileSync(azure, `${JSON.stringify({ OperationNameValue: 'x' })}\n`.repeat(50_000));
    const last = join(dir, 'last.ndjson');
    writeFileSync(last, '\n');
    const log = await logged({ files: [file, azure, last], streamBytes: Number.MAX_SAFE_INTEGER });
    expect(log.filter((l) => !l.startsWith('reader'))).toEqual([
      'events 1 0',
      'file one.ndjson',
      'events 50000 0',
      'file azure.ndjson',
      'events 0 0',
      'file last.ndjson',
      'match test-late#0',
    ]);
  });

  it('leaves a gzip whose start does not inflate (a small one with a wrong CRC) to Node, which reports it', { timeout: 30_000 }, async () => {
    const gz = gzipSync(readFileSync(file));
    // The trailer's CRC-32 (its first 4 of 8 bytes): DuckDB does not check it, Node does.
    gz[gz.length - 8]! ^= 0xff;
    const bad = join(dir, 'bad.ndjson.gz');
    writeFileSync(bad, gz);
    expect(await logged({ files: [bad] })).toEqual([
      'events 0 0',
      'reader node',
      'file bad.ndjson.gz not valid gzip data: incorrect data check (Z_DATA_ERROR)',
    ]);
  });
});
