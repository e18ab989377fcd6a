/**
 * runDuckdb called directly with a sink that logs every call in order: when a file is streamed (from
 * streamBytes on) and its matches reported (right after it, or when the batch is flushed), the order of
 * several hits on one event (the js index's), what a correlation base receives, the indexes of records
 * Node classifies around blank lines, which files DuckDB tries (not a JSON array, gzip or not, whose
 * start inflates), the bytes per file, a line over the limit, an error in the SQL itself, the temp
 * directory, and the batch flushed at BATCH_RECORDS staged records.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { runDuckdb, type DuckdbRun } from '../../../../core/detection/engines/duckdb-engine.ts';
import { planDetect, type DetectPlan } from '../../../../core/detection/engines/duckdb-plan.ts';
import { indexRules } from '../../../../core/detection/rule-index.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { CORPUS_DIR } from '../../../helpers/corpus.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const model = exampleModel();
const rule = (id: string, selection: Record<string, unknown>, logsource = { product: 'aws', service: 'cloudtrail' }): CatalogRule =>
  bindRules([inlineRule({ selection, condition: 'selection' }, logsource, { id: `test-${id}` })], model)[0]!;
const guarded = rule('guarded', { eventName: 'X' });
const unguarded = rule('unguarded', { 'eventName|contains': 'X' });
const azureRule = rule('azure', { OperationNameValue: 'Microsoft.Storage/storageAccounts/listkeys/action' }, { product: 'azure', service: 'azureactivity' });
const baseRule = rule('base', { eventName: 'Start' });
const rules = [guarded, unguarded, azureRule];
const plan = planDetect(rules, [baseRule]);
const ruleIndex = new Map([
  ['aws/cloudtrail', indexRules([guarded, unguarded])],
  ['azure/azureactivity', indexRules([azureRule])],
]);
const baseIndex = new Map([['aws/cloudtrail', indexRules([baseRule])]]);

const dir = mkdtempSync(join(tmpdir(), 'guardrails-engine-mutants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const corpus = (name: string): Record<string, unknown>[] => JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) as Record<string, unknown>[];
const aws = (eventName: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ eventSource: 's.amazonaws.com', eventName, eventVersion: '1.08', ...extra });
const azure = JSON.stringify(corpus('azure/activity_diagnostic_format_panther.json')[0]);
const auditlogs = JSON.stringify(corpus('azure/auditlogs_diagnostic_format_panther.json')[0]);

/** Every sink call, in order, with file names shortened to their base names. */
async function logged(files: string[], options: Partial<DuckdbRun> = {}): Promise<string[]> {
  const log: string[] = [];
  await runDuckdb({
    files,
    plan,
    ruleIndex,
    baseIndex,
    limits: {},
    threads: 1,
    onReader: (file, reader) => log.push(`reader ${basename(file)} ${reader}`),
    sink: {
      onEvents: (events, unrecognised) => log.push(`events ${events} ${unrecognised}`),
      onMatch: (r, file, index) => log.push(`match ${r.rule.id} ${basename(file)}#${index}`),
      onBase: (r, sourced, file, index) =>
        log.push(`base ${r.rule.id} ${sourced.product} ${sourced.service} ${sourced.event['eventName']} ${basename(file)}#${index}`),
      onMalformed: (m) => log.push(`malformed ${m.line}`),
      onFile: (file, problem) => log.push(`file ${basename(file)}${problem ? ` ${problem.problem}` : ''}`),
      onBytes: (bytes) => log.push(`bytes ${bytes}`),
    },
    ...options,
  });
  return log;
}

describe('runDuckdb', () => {
  it('streams a file from streamBytes on and reports its matches at once, batches smaller ones; hit order, bases, bytes, temp directory', {
    timeout: 30_000,
  }, async () => {
    const one = write('one.ndjson', `${aws('X', { pad: 'padding' })}\n`);
    const two = write('two.ndjson', `${aws('X')}\n`);
    const document = write('document.json', `[${aws('X', { pad: 'a JSON document, read by Node' })}]`);
    const three = write('three.ndjson', [aws('X'), '', azure, '{"not":"a log"}', aws('Start')].join('\n'));
    const missing = join(dir, 'missing.ndjson');
    const size = (file: string) => statSync(file).size;
    expect(size(two)).toBeLessThan(size(one));
    expect(size(three)).toBeGreaterThan(size(one));
    expect(size(document)).toBeGreaterThan(size(one));
    const temp = mkdtempSync(join(dir, 'tmp-'));
    const saved = process.env['TMPDIR'];
    const during: string[][] = [];
    process.env['TMPDIR'] = temp;
    let log: string[];
    try {
      log = await logged([one, two, document, three, missing], {
        streamBytes: size(one),
        onReader: (file, reader) => during.push([basename(file), reader, ...readdirSync(temp)]),
      });
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    expect(log).toEqual([
      'events 1 0',
      `bytes ${size(one)}`,
      'file one.ndjson',
      'match test-unguarded one.ndjson#0',
      'match test-guarded one.ndjson#0',
      'events 1 0',
      `bytes ${size(two)}`,
      'file two.ndjson',
      // A file Node reads is batched whatever its size.
      'events 1 0',
      `bytes ${size(document)}`,
      'file document.json',
      'events 4 1',
      `bytes ${size(three)}`,
      'file three.ndjson',
      'match test-unguarded two.ndjson#0',
      'match test-guarded two.ndjson#0',
      'match test-unguarded document.json#0',
      'match test-guarded document.json#0',
      'match test-unguarded three.ndjson#0',
      'match test-guarded three.ndjson#0',
      'match test-azure three.ndjson#1',
      'base test-base aws cloudtrail Start three.ndjson#3',
      'events 0 0',
      'bytes 0',
      expect.stringMatching(/^file missing\.ndjson .+/),
    ]);
    // The temp directory DuckDB was given is under tmpdir(), named for guardrails, and removed at the end.
    expect(during.map((d) => d.slice(0, 2))).toEqual([
      ['one.ndjson', 'duckdb'],
      ['two.ndjson', 'duckdb'],
      ['document.json', 'node'],
      ['three.ndjson', 'duckdb'],
      ['missing.ndjson', 'node'],
    ]);
    for (const d of during) expect(d.slice(2)).toEqual([expect.stringMatching(/^guardrails-duckdb-/)]);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('hands JSON arrays (gzip or not, after spaces) to Node, tries a large gzip; classifies batched records in Node', { timeout: 30_000 }, async () => {
    const array = `[${aws('X')},${aws('Y')}]`;
    const noise = Array.from({ length: 1500 }, () => aws('Quiet', { eventID: randomBytes(48).toString('base64') }));
    const files = [
      write('array.json.gz', gzipSync(array)),
      write('array.json', array),
      write('spaced.json', `  ${array}`),
      write('large.ndjson.gz', gzipSync(`${[aws('X'), ...noise].join('\n')}\n`)),
      write('mixed.ndjson', [aws('Y'), '', azure, auditlogs, '{"not":"a log"}', '', azure].join('\n')),
    ];
    expect(statSync(files[3]!).size).toBeGreaterThan(64 * 1024);
    const log = await logged(files, { streamBytes: Number.MAX_SAFE_INTEGER });
    // Every file opened to look at its start is closed again: no descriptor of this process points into
    // the test's directory (Linux /proc; other descriptors of the shared worker may come and go).
    const open = readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return [];
      }
    });
    expect(open.filter((target) => target.startsWith(dir))).toEqual([]);
    expect(log.filter((l) => l.startsWith('reader') || l.startsWith('events') || l.startsWith('match'))).toEqual([
      'events 2 0',
      'reader array.json.gz node',
      'events 2 0',
      'reader array.json node',
      'events 2 0',
      'reader spaced.json node',
      'events 1501 0',
      'reader large.ndjson.gz duckdb',
      'events 5 1',
      'reader mixed.ndjson duckdb',
      'match test-unguarded array.json.gz#0',
      'match test-guarded array.json.gz#0',
      'match test-unguarded array.json#0',
      'match test-guarded array.json#0',
      'match test-unguarded spaced.json#0',
      'match test-guarded spaced.json#0',
      'match test-unguarded large.ndjson.gz#0',
      'match test-guarded large.ndjson.gz#0',
      'match test-azure mixed.ndjson#1',
      'match test-azure mixed.ndjson#4',
    ]);
  });

  it('sends a file with a line over maxLineBytes to Node, even when its name reads like a SQL error', { timeout: 30_000 }, async () => {
    const file = write('Catalog Error.ndjson', `${aws('X')}\n${aws('X', { pad: 'p'.repeat(300) })}\n`);
    const log = await logged([file], { limits: { maxLineBytes: 200 } });
    expect(log.filter((l) => !l.startsWith('bytes'))).toEqual([
      'malformed 2',
      'events 1 0',
      'reader Catalog Error.ndjson node',
      'file Catalog Error.ndjson',
      'match test-unguarded Catalog Error.ndjson#0',
      'match test-guarded Catalog Error.ndjson#0',
    ]);
  });

  it('throws an error in its SQL instead of handing the file to Node', { timeout: 30_000 }, async () => {
    const file = write('sql.ndjson', `${aws('X')}\n`);
    // Prepared without complaint (read_csv($1) binds when run): the Binder Error comes from the run.
    const read = "read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', auto_detect = false)";
    const broken: DetectPlan = { ...plan, records: () => `SELECT 1 AS n, 0 AS sub, FALSE AS ct, 1 AS src, no_such_column AS event FROM ${read}` };
    await expect(logged([file], { plan: broken })).rejects.toThrow(/^Binder Error: Referenced column "no_such_column" not found/);
  });

  it('leaves a FIFO to Node, which reads it once', { timeout: 30_000 }, async () => {
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    // A writer of its own, which writes as soon as a reader opens the FIFO: whoever opens it first gets the line.
    const writer = spawn('sh', ['-c', 'printf "%s\\n" "$1" > "$2"', 'sh', aws('X'), fifo], { stdio: 'ignore' });
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    const log = await logged([fifo]);
    await exited;
    expect(log.filter((l) => !l.startsWith('bytes'))).toEqual([
      'events 1 0',
      'reader events.fifo node',
      'file events.fifo',
      'match test-unguarded events.fifo#0',
      'match test-guarded events.fifo#0',
    ]);
  });

  it('evaluates and reports the batch once BATCH_RECORDS (100,000) records are staged', { timeout: 60_000 }, async () => {
    const quiet = aws('Quiet');
    const first = write('first.ndjson', `${aws('X')}\n`);
    const many = write('many.ndjson', `${[aws('X'), ...Array.from({ length: 99_998 }, () => quiet)].join('\n')}\n`);
    const last = write('last.ndjson', `${aws('X')}\n`);
    const log = await logged([first, many, last], { streamBytes: Number.MAX_SAFE_INTEGER });
    expect(log.filter((l) => l.startsWith('file') || l.startsWith('match test-guarded'))).toEqual([
      'file first.ndjson',
      'file many.ndjson',
      'match test-guarded first.ndjson#0',
      'match test-guarded many.ndjson#0',
      'file last.ndjson',
      'match test-guarded last.ndjson#0',
    ]);
  });
});
