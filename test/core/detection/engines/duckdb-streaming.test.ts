/**
 * The duckdb engine's two ways through a file DuckDB reads: a large file streams through one query
 * that evaluates every rule and lets only the hits out (streamBytes), a small one is stored and
 * evaluated with other files in a batch. Both must give exactly what --engine js gives: the same
 * matches at the same indexes, in file and event order, and the same event counts; here on many
 * events with sparse hits, a CloudTrail Records file, and several files of each kind in one run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetect } from '../../../../core/cli/detect.ts';
import { loadCatalog, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { runDuckdb } from '../../../../core/detection/engines/duckdb-engine.ts';
import { planDetect, type DetectPlan } from '../../../../core/detection/engines/duckdb-plan.ts';
import { detectSource } from '../../../../core/detection/logsources/detect-source.ts';
import { indexRules } from '../../../../core/detection/rule-index.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { CORPUS_DIR } from '../../../helpers/corpus.ts';
import { capture } from '../../cli/detect-inputs.ts';

const rules = loadCatalog(exampleModel());
const dir = mkdtempSync(join(tmpdir(), 'guardrails-duckdb-streaming-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const corpus = (name: string): Record<string, unknown>[] => JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) as Record<string, unknown>[];
const write = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const ndjson = (events: unknown[]): string => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;

/** What --engine js reports: `rule file#index` per match, in order, and the counts. */
async function js(paths: string[]) {
  const out = capture();
  const summary = await runDetect({ paths, rules, format: 'ndjson', out: out.stream, err: capture().stream, engine: 'js' });
  const matches = out
    .text()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { rule: string; file: string; index: number })
    .map((m) => `${m.rule} ${m.file}#${m.index}`);
  return { matches, events: summary.events, unrecognised: summary.unrecognised };
}

/** The duckdb engine run directly, every file streamed (streamBytes 0) or every file batched. */
async function duckdb(files: string[], streamBytes: number, plan: DetectPlan = planDetect(rules, [])) {
  const bySource = new Map<string, CatalogRule[]>();
  for (const r of rules) {
    const key = `${r.rule.logsource.product}/${r.rule.logsource.service}`;
    bySource.set(key, [...(bySource.get(key) ?? []), r]);
  }
  const matches: string[] = [];
  const readers: string[] = [];
  let events = 0;
  let unrecognised = 0;
  await runDuckdb({
    files,
    plan,
    ruleIndex: new Map([...bySource].map(([key, list]) => [key, indexRules(list)])),
    baseIndex: new Map(),
    limits: {},
    streamBytes,
    onReader: (_file, reader) => readers.push(reader),
    sink: {
      onEvents: (e, u) => {
        events += e;
        unrecognised += u;
      },
      onMatch: (rule, file, index) => matches.push(`${rule.rule.id} ${file}#${index}`),
      onBase: () => {},
      onMalformed: () => {},
      onFile: () => {},
    },
  });
  return { matches, events, unrecognised, readers };
}

const STREAMED = 0;
const BATCHED = Number.MAX_SAFE_INTEGER;

describe('detect --engine duckdb, streamed and batched, gives the js engine results', () => {
  it('on many events with sparse hits: every event counted, each hit at its index', { timeout: 120_000 }, async () => {
    const all = corpus('aws/service_originated_and_sdk_benign.json');
    const quiet = all.filter((e) => !rules.some((r) => r.rule.logsource.product === 'aws' && r.matches(e)));
    const loud = corpus('aws/trail_tampering.json').filter((e) => rules.some((r) => r.matches(e)));
    expect(quiet.length).toBeGreaterThan(0);
    expect(loud.length).toBeGreaterThan(0);
    // 5,000 quiet events with a loud one every 997 lines and a blank line every 1,500.
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      lines.push(JSON.stringify(i % 997 === 500 ? loud[i % loud.length] : { ...quiet[i % quiet.length], eventID: `quiet-${i}` }));
      if (i % 1500 === 1499) lines.push('');
    }
    const file = write('sparse.ndjson', `${lines.join('\n')}\n`);
    const expected = await js([file]);
    expect(expected.events).toBe(5000);
    expect(expected.matches.length).toBeGreaterThanOrEqual(5);
    expect(expected.matches.length).toBeLessThan(100);
    for (const streamBytes of [STREAMED, BATCHED]) {
      const got = await duckdb([file], streamBytes);
      expect(got.readers).toEqual(['duckdb']);
      expect({ matches: got.matches, events: got.events, unrecognised: got.unrecognised }).toEqual(expected);
    }
  });

  it('on a CloudTrail file (one {"Records": [...]} line, gzip): indexes are positions in Records', { timeout: 120_000 }, async () => {
    const records = [...corpus('aws/trail_tampering.json'), ...corpus('aws/console_login.json')];
    const file = write('trail.json.gz', gzipSync(JSON.stringify({ Records: records })));
    const expected = await js([file]);
    expect(expected.events).toBe(records.length);
    expect(expected.matches.some((m) => !m.endsWith('#0'))).toBe(true);
    for (const streamBytes of [STREAMED, BATCHED]) {
      const got = await duckdb([file], streamBytes);
      expect(got.readers).toEqual(['duckdb']);
      expect({ matches: got.matches, events: got.events, unrecognised: got.unrecognised }).toEqual(expected);
    }
  });

  it('on several files, streamed, batched and read by Node mixed: matches in file order', { timeout: 120_000 }, async () => {
    const trail = corpus('aws/trail_tampering.json');
    const azure = corpus('azure/activity_diagnostic_format_panther.json');
    const gcp = corpus('gcp/gcloud_gsutil_cli.json');
    const files = [
      write('m1.ndjson', ndjson([...trail.slice(0, 4), ...azure])),
      write('m2.json', JSON.stringify(trail)),
      write('m3.ndjson', `${ndjson(gcp)}\n${ndjson(trail.slice(4))}`),
      write('m4.ndjson.gz', gzipSync(ndjson([...azure, { not: 'a log' }, ...trail]))),
    ];
    const expected = await js(files);
    expect(expected.unrecognised).toBe(1);
    expect(new Set(expected.matches.map((m) => m.slice(m.indexOf(' ') + 1, m.indexOf('#')))).size).toBe(4);
    // m1 and m3 streamed (larger than the threshold), m4 batched, m2 (a JSON document) read by Node.
    const threshold = Math.min(readFileSync(files[0]!).length, readFileSync(files[2]!).length);
    const got = await duckdb(files, threshold);
    expect(got.readers).toEqual(['duckdb', 'node', 'duckdb', 'duckdb']);
    expect({ matches: got.matches, events: got.events, unrecognised: got.unrecognised }).toEqual(expected);
    const streamed = await duckdb(files, STREAMED);
    expect(streamed.matches).toEqual(expected.matches);
  });

  it('on a CloudTrail-file line mixing CloudTrail and Azure records: hits of both, in Records order', { timeout: 120_000 }, async () => {
    // The Azure records are classified in Node and evaluated in a batch, the CloudTrail ones stream: their
    // hits merge by line and position in Records.
    const loud = corpus('aws/trail_tampering.json').filter((e) => rules.some((r) => r.matches(e)));
    const azure = corpus('azure/activity_diagnostic_format_panther.json').filter((e) => rules.some((r) => r.matches(detectSource(e)!.event)));
    expect(azure.length).toBeGreaterThan(0);
    const records = [loud[0], azure[0], loud[1], azure.at(-1), loud[2]];
    const file = write('mixed-records.ndjson', `${ndjson(loud.slice(3))}${JSON.stringify({ Records: records })}\n${ndjson([azure[0], loud[0]])}`);
    const expected = await js([file]);
    const got = await duckdb([file], STREAMED);
    expect(got.readers).toEqual(['duckdb']);
    expect({ matches: got.matches, events: got.events, unrecognised: got.unrecognised }).toEqual(expected);
  });

  it('on an empty file: no row from DuckDB, so Node reads it (no event)', async () => {
    const got = await duckdb([write('empty.ndjson', '')], STREAMED);
    expect(got).toEqual({ matches: [], events: 0, unrecognised: 0, readers: ['node'] });
  });

  it('on a streamed file DuckDB fails on (a malformed last line): Node reads the file and reports it as js does', { timeout: 120_000 }, async () => {
    const loud = corpus('aws/trail_tampering.json').filter((e) => rules.some((r) => r.matches(e)));
    const broken = write('late-failure.ndjson', `${ndjson(loud)}{"eventName": not json\n`);
    const after = write('after.ndjson', ndjson(loud));
    const expected = await js([broken, after]);
    expect(expected.matches.length).toBeGreaterThanOrEqual(2 * loud.length);
    const got = await duckdb([broken, after], STREAMED);
    expect(got.readers).toEqual(['node', 'duckdb']);
    expect({ matches: got.matches, events: got.events, unrecognised: got.unrecognised }).toEqual(expected);
  });

  it('on a streamed result that ends without its last row (how the C API ends a result an error cut short): nothing it let out is kept, Node reads the file', {
    timeout: 120_000,
  }, async () => {
    // Hits (spooled) and Azure records (classified in Node and staged) leave DuckDB before the cut.
    const loud = corpus('aws/trail_tampering.json').filter((e) => rules.some((r) => r.matches(e)));
    const azure = corpus('azure/activity_diagnostic_format_panther.json');
    const file = write('cut.ndjson', ndjson([...loud, ...azure, ...loud]));
    const expected = await js([file]);
    expect(expected.matches.length).toBeGreaterThan(2 * loud.length);
    const plan = planDetect(rules, []);
    const cut: DetectPlan = { ...plan, ndjson: (max) => `SELECT * FROM (${plan.ndjson(max)}) WHERE NOT last` };
    const got = await duckdb([file], STREAMED, cut);
    expect(got.readers).toEqual(['node']);
    expect({ matches: got.matches, events: got.events, unrecognised: got.unrecognised }).toEqual(expected);
  });
});
