/**
 * `guardrails detect --engine duckdb`: the catalog as SQL (duckdb-plan.ts) on an embedded DuckDB
 * (@duckdb/node-api; its json functions are built in, nothing is installed or loaded at run time), over
 * the same inputs as the js engine, with the same matches, order, counts and file problems.
 *
 * Load, per file: an NDJSON file (gzip or not, a line may be a CloudTrail file) is read by DuckDB
 * itself, on every core, into one table of events (file, line, record, log source, guard fields, text,
 * the texts of every field the rules read).
 * If DuckDB cannot read it (a whole-document JSON file, a malformed or over-long line, a corrupt gzip, a
 * FIFO), Node reads it instead with read-events.ts, so every problem is reported by the same code and
 * in the same words as with --engine js; the events Node reads are classified there (detect-source.ts)
 * and stored the same way. So are the events DuckDB could not classify (Azure records, odd shapes).
 * Detect, once over all events: per log source present, one query per rule whose guard value occurs
 * there; the hits are read back in event order (file, line, record) and reported as js reports them.
 * The database is a file in a temp directory, removed at the end, so past memory_limit it spills to disk.
 */
import { mkdtempSync, readSync, closeSync, openSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CatalogRule } from '../catalog.ts';
import { readEvents, type InputProblem, type Malformed, type ReadLimits, MAX_LINE_BYTES } from '../input/read-events.ts';
import { detectSource, type SourcedEvent } from '../logsources/detect-source.ts';
import type { RuleIndex } from '../rule-index.ts';
import type { DetectPlan, PlanColumn } from './duckdb-plan.ts';

/** What the engine reports, in event order; detect.ts prints and counts. */
export interface EngineSink {
  onEvents(events: number, unrecognised: number): void;
  onMatch(rule: CatalogRule, file: string, index: number): void;
  onBase(rule: CatalogRule, sourced: SourcedEvent, file: string, index: number): void;
  onMalformed(malformed: Malformed): void;
  /** A file done: read to its end (undefined) or stopped by a problem. */
  onFile(file: string, problem: InputProblem | undefined): void;
  onBytes?(bytes: number): void;
}

export interface DuckdbRun {
  readonly files: readonly string[];
  readonly plan: DetectPlan;
  /** The js engine's indexes per log source, to order several hits on one event as it does. */
  readonly ruleIndex: ReadonlyMap<string, RuleIndex>;
  readonly baseIndex: ReadonlyMap<string, RuleIndex>;
  readonly limits: ReadLimits;
  readonly sink: EngineSink;
  /** DuckDB's memory limit (spilling to a temp directory beyond it); default 512 MB. */
  readonly memoryLimit?: string;
  /** Which reader read each file: DuckDB, or Node when DuckDB could not (for tests and the bench). */
  readonly onReader?: (file: string, reader: 'duckdb' | 'node') => void;
}

/** DuckDB reads a line of at most this much (read_csv max_line_size); a longer one sends its file to Node. */
const DUCKDB_MAX_LINE = 16 * 1024 * 1024;

export async function runDuckdb(run: DuckdbRun): Promise<void> {
  const temp = mkdtempSync(join(tmpdir(), 'guardrails-duckdb-'));
  // A database file in a temp directory, so the stored events spill to disk past memory_limit
  // (https://duckdb.org/docs/stable/configuration/overview: threads, memory_limit, temp_directory);
  // insertion order is not kept (the hits are read back ORDER BY), which saves memory.
  const instance = await DuckDBInstance.create(join(temp, 'detect.duckdb'), {
    threads: String(availableParallelism()),
    memory_limit: run.memoryLimit ?? '512MB',
    temp_directory: temp,
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  try {
    await connection.run('CREATE TEMP TABLE staged (n BIGINT, sub BIGINT, idx BIGINT, src INTEGER, event VARCHAR)');
    await connection.run(`CREATE TABLE events (f INTEGER, ${run.plan.schema})`);
    for (const [f, file] of run.files.entries()) await loadFile(connection, run, f, file);
    // One query per log source present, over every event of every file, with only the rules that can
    // match something there: binding a rule's SQL costs far more than running it.
    await connection.run('CREATE TABLE hits (f INTEGER, n BIGINT, sub BIGINT, idx BIGINT, src INTEGER, hits VARCHAR, need BOOLEAN)');
    // One rule per query: a rule's SQL can hold large intermediate lists, and DuckDB's memory limit
    // must hold for the heaviest rule alone, not for the whole catalog at once.
    for (const [source, columns] of await wantedColumns(connection, run.plan))
      for (const column of columns) await connection.run(`INSERT INTO hits ${run.plan.select('events', source, [column])}`);
    // The text of an event only where Node needs it (a base, a loose guard, an array guard field); an
    // equality-only join, which DuckDB runs as a hash join (a filter in ON would make it a nested loop).
    const result = await connection.stream(
      `SELECT h.f, h.n, h.sub, h.idx, h.src, h.hits, CASE WHEN h.need THEN e.event END FROM (
        SELECT f, n, sub, any_value(idx) AS idx, any_value(src) AS src, string_agg(hits, ',') AS hits, bool_or(need) AS need FROM hits GROUP BY f, n, sub
      ) h JOIN events e ON e.f = h.f AND e.n = h.n AND e.sub = h.sub ORDER BY h.f, h.n, h.sub`,
    );
    for await (const rows of result.yieldRowsJs())
      for (const [f, , , idx, src, hits, text] of rows) report(run, run.files[f as number]!, Number(idx), src as number, hits as string, text as string | null);
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Per log source in the events, the columns that can match there: a guarded rule only when some event
 * of its source holds one of its guard values (or an array, which the index reads element by element).
 */
async function wantedColumns(connection: DuckDBConnection, plan: DetectPlan): Promise<Map<string, number[]>> {
  const present = await connection.runAndReadAll('SELECT DISTINCT src FROM events');
  const wanted = new Map<string, number[]>();
  for (const [src] of present.getRowsJS()) {
    const source = plan.sources[(src as number) - 1]!;
    const seen = new Map<number, { values: Set<string>; arrays: boolean }>();
    for (const at of plan.guards) {
      const values = await connection.runAndReadAll(`SELECT DISTINCT g${at}, a${at} FROM events WHERE src = ${src} AND (g${at} IS NOT NULL OR a${at})`);
      const rows = values.getRowsJS();
      seen.set(at, { values: new Set(rows.map(([g]) => g as string)), arrays: rows.some(([, a]) => a === true) });
    }
    const columns = plan.columns.flatMap((c, i) => {
      if (c.source !== source) return [];
      if (!c.guard) return [i];
      const s = seen.get(c.guard.at)!;
      return s.arrays || c.guard.values.some((v) => s.values.has(v)) ? [i] : [];
    });
    if (columns.length > 0) wanted.set(source, columns);
  }
  return wanted;
}

/** Stores a file's events (table events, with file number f), counting them and reporting its problems. */
async function loadFile(connection: DuckDBConnection, run: DuckdbRun, f: number, file: string): Promise<void> {
  const { plan, sink } = run;
  const maxLine = Math.min(run.limits.maxLineBytes ?? MAX_LINE_BYTES, DUCKDB_MAX_LINE);
  const gzip = file.endsWith('.gz');
  let read = false;
  if (byDuckdb(file, gzip)) {
    try {
      await connection.run(`INSERT INTO events SELECT ${f}, * FROM (${plan.ndjson(file, gzip, maxLine)})`);
      read = true;
    } catch (error) {
      // Not a file DuckDB reads as NDJSON (its input errors): Node reads it below, and reports what is
      // wrong with it. An error in the SQL itself is a bug, never hidden behind that.
      if (/^(Binder|Parser|Catalog|Internal|Not implemented) Error/.test((error as Error).message)) throw error;
    }
  }
  await connection.run('DELETE FROM staged');
  const appender = await connection.createAppender('staged');
  let unrecognised = 0;
  let staged = 0;
  const ruled = new Set(plan.columns.map((c) => plan.sources.indexOf(c.source) + 1));
  const classify = (value: unknown, n: bigint, sub: bigint, idx: number): void => {
    const sourced = detectSource(value);
    if (!sourced) {
      unrecognised++;
      return;
    }
    const src = plan.sources.indexOf(`${sourced.product}/${sourced.service}`) + 1;
    // A source without rules: recognised, nothing to run.
    if (!ruled.has(src)) return;
    appender.appendBigInt(n);
    appender.appendBigInt(sub);
    appender.appendBigInt(BigInt(idx));
    appender.appendInteger(src);
    appender.appendVarchar(JSON.stringify(sourced.event));
    appender.endRow();
    staged++;
  };
  let problem: InputProblem | undefined;
  let events = 0;
  if (read) {
    // f grows with each file, so DuckDB's zone maps skip the other files' rows in these.
    const counts = await connection.runAndReadAll(`SELECT count(*) FILTER (WHERE src >= 0), count(*) FILTER (WHERE src = -1) FROM events WHERE f = ${f}`);
    const [total, blanks] = counts.getRowsJS()[0]!.map(Number) as [number, number];
    events = total;
    // A blank line has a line number but no record number (read-events.ts skips it): renumber after it.
    if (blanks > 0)
      await connection.run(
        `UPDATE events SET idx = idx - (SELECT count(*) FROM events b WHERE b.f = ${f} AND b.src = -1 AND b.n < events.n) WHERE f = ${f} AND NOT ct AND src >= 0`,
      );
    // What DuckDB could not classify, Node does (detect-source.ts), normalising Azure records.
    const unclassified = await connection.stream(`SELECT n, sub, idx, event FROM events WHERE f = ${f} AND src = 0`);
    for await (const rows of unclassified.yieldRowsJs())
      for (const [n, sub, idx, text] of rows) classify(JSON.parse(text as string), n as bigint, sub as bigint, Number(idx));
    await connection.run(`DELETE FROM events WHERE f = ${f} AND src NOT IN (${[...ruled, -2].join(', ')})`);
  } else {
    let n = 0n;
    problem = await readEvents(
      file,
      {
        onEvent: (e) => {
          events++;
          classify(e.value, n++, 0n, e.index);
        },
        onMalformed: sink.onMalformed,
      },
      run.limits,
    );
  }
  appender.closeSync();
  // Binding the plan's load SQL costs more than running it on a few rows: only when Node staged some.
  if (staged > 0) await connection.run(`INSERT INTO events SELECT ${f}, * FROM (${plan.table('staged')})`);
  sink.onEvents(events, unrecognised);
  run.onReader?.(file, read ? 'duckdb' : 'node');
  sink.onBytes?.(sizeOf(file));
  sink.onFile(file, problem);
}

/** One event's hits, reported as the js engine would: bases first, each list in its index's order. */
function report(run: DuckdbRun, file: string, index: number, src: number, hits: string, text: string | null): void {
  const { plan, sink } = run;
  const columns = hits.split(',').map((id) => plan.columns[Number.parseInt(id, 10)]!);
  if (text === null) {
    // Reported rules only, whose guards SQL read exactly: in the index's order.
    for (const c of columns.sort((a, b) => a.rank - b.rank)) sink.onMatch(c.rule, file, index);
    return;
  }
  const key = plan.sources[src - 1]!;
  const event = JSON.parse(text) as Record<string, unknown>;
  const sourced: SourcedEvent = { product: key.slice(0, key.indexOf('/')) as SourcedEvent['product'], service: key.slice(key.indexOf('/') + 1), event };
  const hit = (role: 'reported' | 'base') => new Set(columns.filter((c: PlanColumn) => c[role]).map((c) => c.rule));
  const bases = hit('base');
  if (bases.size > 0) for (const r of run.baseIndex.get(key)?.(event) ?? []) if (bases.has(r)) sink.onBase(r, sourced, file, index);
  const reported = hit('reported');
  if (reported.size > 0) for (const r of run.ruleIndex.get(key)?.(event) ?? []) if (reported.has(r)) sink.onMatch(r, file, index);
}

/**
 * Whether DuckDB tries the file: a regular file whose first character is not `[` (a JSON array is one
 * document, read by Node as read-events.ts does). A FIFO is read once, by Node; a gzip whose start does
 * not inflate is Node's to report.
 */
function byDuckdb(file: string, gzip: boolean): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(64 * 1024);
    let bytes: number;
    try {
      bytes = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const text = (gzip ? gunzipSync(head.subarray(0, bytes), { finishFlush: constants.Z_SYNC_FLUSH }) : head.subarray(0, bytes)).toString('utf8');
    return text.trimStart()[0] !== '[';
  } catch {
    return false;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
