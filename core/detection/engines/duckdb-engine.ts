/**
 * `guardrails detect --engine duckdb`: the catalog as SQL (duckdb-plan.ts) on an embedded DuckDB
 * (@duckdb/node-api; its json functions are built in, nothing is installed or loaded at run time), over
 * the same inputs as the js engine, with the same matches, order, counts and file problems.
 *
 * A file DuckDB can read as NDJSON (gzip or not, a line may be a CloudTrail file) streams through one
 * query, on one thread: its lines are numbered (read_csv WITH ORDINALITY), which DuckDB scans serially (100 MB
 * read: 151 ms on 1 thread, 144 ms on 2; unnumbered, 148 and 77 ms), and DuckDB 1.5's CSV reader has no line
 * number otherwise. Each record is parsed for the paths the plan reads, every rule evaluated in the
 * same SELECT, and only the records with a hit (or that Node must classify) leave it, in file order, as
 * they are evaluated, the others counted on the way. Nothing is held per event: the hits go to a spool file
 * (hit-spool.ts) until the file has been read to its end (bench/detect-engines.md). A small file's records
 * are stored instead and evaluated in a batch with other files' (STREAM_BYTES).
 * If DuckDB cannot read the file (a whole-document JSON file, a malformed or over-long line, a corrupt
 * gzip, a FIFO), Node reads it instead with read-events.ts, so every problem is reported by the same code
 * and in the same words as with --engine js; the events Node reads are classified there
 * (detect-source.ts) and evaluated by the same SQL in a batch. So are the records DuckDB could not
 * classify (Azure records, odd shapes). Hits are read back in file and event order (line, record) and
 * reported as js reports them.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { MAX_LINE_BYTES, readEvents, type InputProblem, type ReadLimits } from '../input/read-events.ts';
import { detectSource, type SourcedEvent } from '../logsources/detect-source.ts';
import type { RuleIndex } from '../rule-index.ts';
import type { DetectPlan, PlanColumn } from './duckdb-plan.ts';
import type { EngineSink } from './engine-sink.ts';
import { HitSpool, type SpooledHit } from './hit-spool.ts';

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
  /** DuckDB's threads; default every core (availableParallelism). */
  readonly threads?: number;
  /** From this file size on, a file DuckDB reads is streamed through the rules alone; default STREAM_BYTES. */
  readonly streamBytes?: number;
  /** Which reader read each file: DuckDB, or Node when DuckDB could not (for tests and the bench). */
  readonly onReader?: (file: string, reader: 'duckdb' | 'node') => void;
}

/** DuckDB reads a line of at most this much (read_csv max_line_size); a longer one sends its file to Node. */
const DUCKDB_MAX_LINE = 16 * 1024 * 1024;

/**
 * From this size on, a file DuckDB reads gets a query of its own that streams it through every rule;
 * a smaller one is stored and evaluated in a batch with other files, so many small files share one
 * start of the catalog's query (0.25 to 0.35 s, whatever the input). Both ways evaluate at about the
 * same speed (on 2 shared cores, 20 MB: 1.8 to 2.6 s streamed, 1.5 to 2.5 s batched); a large file
 * streams so that its records are never stored.
 */
const STREAM_BYTES = 4 * 1024 * 1024;

/** The stored records past which the batch is evaluated and reported, so memory stays bounded. */
const BATCH_RECORDS = 100_000;

/** The rows to report (plan.ndjson's columns, with the file number f). */
const HITS = 'f INTEGER, n BIGINT, sub BIGINT, ct BOOLEAN, idx BIGINT, src INTEGER, hits VARCHAR, text VARCHAR, c BIGINT';

/** Records read, not yet evaluated (plan.staged's table). */
const STAGED = 'f INTEGER, n BIGINT, sub BIGINT, ct BOOLEAN, idx BIGINT, src INTEGER, event VARCHAR';

export async function runDuckdb(run: DuckdbRun): Promise<void> {
  const temp = mkdtempSync(join(tmpdir(), 'guardrails-duckdb-'));
  // In memory, spilling to a temp directory past memory_limit; insertion order is not kept (the hits
  // are read back ORDER BY), which lets the scan run without ordering buffers
  // (https://duckdb.org/docs/stable/configuration/overview: threads, memory_limit, temp_directory,
  // preserve_insertion_order).
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(run.threads ?? availableParallelism()),
    memory_limit: run.memoryLimit ?? '512MB',
    temp_directory: temp,
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  // Appenders write through a connection of their own, so a query streaming on the first is never cut
  // short by an appender's flush; the tables are the in-memory database's, seen by both.
  const writer = await instance.connect();
  try {
    await connection.run(`CREATE TABLE hits (${HITS})`);
    await connection.run(`CREATE TABLE staged (${STAGED})`);
    const batch = new Batch(connection, writer, run, temp);
    for (const [f, file] of run.files.entries()) await batch.read(f, file);
    await batch.flush();
  } finally {
    writer.closeSync();
    connection.closeSync();
    instance.closeSync();
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Files read in order; their hits are reported, in file and event order, when the batch is flushed.
 * Each file's counts and problems are reported as soon as it is read (the matches go to another stream).
 */
class Batch {
  readonly #statements = new Map<string, DuckDBPreparedStatement>();
  readonly #maxLine: number;
  /** The hits of streamed files not yet reported, by file number. */
  readonly #spools = new Map<number, HitSpool>();
  #staged = 0;
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly writer: DuckDBConnection,
    private readonly run: DuckdbRun,
    private readonly temp: string,
  ) {
    this.#maxLine = Math.min(run.limits.maxLineBytes ?? MAX_LINE_BYTES, DUCKDB_MAX_LINE);
  }

  /** A statement prepared the first time it is needed: binding the catalog's SQL costs more than running it on a small file. */
  async #prepared(name: string, sql: () => string): Promise<DuckDBPreparedStatement> {
    let statement = this.#statements.get(name);
    if (!statement) {
      statement = await this.connection.prepare(sql());
      this.#statements.set(name, statement);
    }
    return statement;
  }

  async read(f: number, file: string): Promise<void> {
    const { run, connection } = this;
    const { plan, sink } = run;
    let reader: 'duckdb' | 'node' = 'node';
    let events = 0;
    let unrecognised = 0;
    let problem: InputProblem | undefined;
    const stream = sizeOf(file) >= (run.streamBytes ?? STREAM_BYTES);
    const tried = byDuckdb(file);
    if (tried && stream) {
      const streamed = await this.#stream(f, file);
      if (streamed) {
        reader = 'duckdb';
        ({ events, unrecognised } = streamed);
      }
    } else if (tried) {
      const statement = await this.#prepared(
        'records',
        () => `INSERT INTO staged SELECT $2 AS f, n, sub, ct, NULL, src, event FROM (${plan.records(this.#maxLine)})`,
      );
      statement.bindVarchar(1, file);
      statement.bindInteger(2, f);
      try {
        await statement.run();
        reader = 'duckdb';
      } catch (error) {
        // Not a file DuckDB reads as NDJSON: Node reads it below, and reports what is wrong with it.
        rethrowSqlBug(error);
      }
      if (reader === 'duckdb') {
        const counts = await connection.runAndReadAll(
          `SELECT count(*) FILTER (WHERE src >= 0), count(*) FILTER (WHERE src = 0), count(*) FILTER (WHERE src = -1) FROM staged WHERE f = ${f}`,
        );
        const [total, unclassified, blanks] = counts.getRowsJS()[0]!.map((v) => Number(v ?? 0)) as [number, number, number];
        events = total;
        this.#staged += total;
        // A blank line has a line number but no record number (read-events.ts skips it): number around it.
        await connection.run(
          blanks > 0
            ? `UPDATE staged SET idx = CASE WHEN ct THEN sub ELSE n - 1 - (SELECT count(*) FROM staged b WHERE b.f = ${f} AND b.src = -1 AND b.n < staged.n) END WHERE f = ${f}`
            : `UPDATE staged SET idx = CASE WHEN ct THEN sub ELSE n - 1 END WHERE f = ${f}`,
        );
        // What DuckDB could not classify, Node does (detect-source.ts), normalising Azure records.
        if (unclassified > 0) unrecognised = await this.#classify(f, unclassified);
      }
    }
    if (reader === 'node') {
      const appender = await this.writer.createAppender('staged');
      let n = 0n;
      problem = await readEvents(
        file,
        {
          onEvent: (e) => {
            events++;
            if (!this.#append(appender, f, e.value, n++, 0n, false, e.index)) unrecognised++;
          },
          onMalformed: sink.onMalformed,
        },
        run.limits,
      );
      appender.closeSync();
    }
    sink.onEvents(events, unrecognised);
    run.onReader?.(file, reader);
    sink.onBytes?.(sizeOf(file));
    sink.onFile(file, problem);
    if (reader === 'duckdb' && stream) await this.flush();
    else if (this.#staged >= BATCH_RECORDS) await this.flush();
  }

  /**
   * Streams file f through every rule (plan.ndjson). Its rows arrive in file order (DuckDB evaluates a
   * numbered file on one thread), so each record's index is known as it arrives: hits go to a spool,
   * reported at the next flush; records DuckDB could not classify are classified here (detect-source.ts)
   * and staged. Undefined when DuckDB cannot read the file (Node then reads it), nothing kept from it.
   */
  async #stream(f: number, file: string): Promise<{ events: number; unrecognised: number } | undefined> {
    const statement = await this.#prepared('ndjson', () => this.run.plan.ndjson(this.#maxLine));
    statement.bindVarchar(1, file);
    const spool = new HitSpool(join(this.temp, `hits-${f}.ndjson`));
    const appender = await this.writer.createAppender('staged');
    const stagedBefore = this.#staged;
    let events = 0;
    let unrecognised = 0;
    let blanks = 0;
    let previous: [bigint, bigint] = [-1n, -1n];
    let complete = false;
    try {
      const result = await statement.stream();
      for await (const chunk of result.yieldRowsJs())
        for (const [n, sub, ct, , src, hits, text, c, last] of chunk as Row[]) {
          // Out of order, indexes would be wrong: Node reads the file instead (never seen; DuckDB does not
          // reorder a pipeline it runs on one thread).
          if (n < previous[0] || (n === previous[0] && sub <= previous[1])) throw new Error(`DuckDB returned the rows of ${file} out of order`);
          previous = [n, sub];
          events = Number(c);
          complete = last;
          if (src === -1) {
            blanks++;
            continue;
          }
          const index = recordIndex(n, sub, ct, blanks);
          if (src === 0) {
            if (!this.#append(appender, f, JSON.parse(text!), n, sub, ct, index)) unrecognised++;
          } else if (hits !== '') spool.write({ n: Number(n), sub: Number(sub), index, src, hits, text });
        }
      // A streamed result cut short by an error ends like a complete one (the C API's fetch returns NULL for
      // both, and @duckdb/node-api 1.5 reads that as the end): only its last row tells them apart. A file
      // without a line gives no row at all, and Node reads it too.
      if (!complete) throw new Error(`DuckDB's result for ${file} ended before its last row`);
    } catch (error) {
      // Not a file DuckDB reads as NDJSON: Node reads it, and reports what is wrong with it.
      rethrowSqlBug(error);
      appender.closeSync();
      spool.discard();
      await this.connection.run(`DELETE FROM staged WHERE f = ${f}`);
      this.#staged = stagedBefore;
      return undefined;
    }
    appender.closeSync();
    spool.close();
    this.#spools.set(f, spool);
    return { events, unrecognised };
  }

  /** Classifies in Node the records of small file f DuckDB could not (src 0), staging the recognised; returns how many were not. */
  async #classify(f: number, count: number): Promise<number> {
    const { connection } = this;
    // Streamed, not read whole.
    const rows = await connection.stream(`SELECT n, sub, ct, idx, event FROM staged WHERE f = ${f} AND src = 0 ORDER BY n, sub`);
    const appender = await this.writer.createAppender('staged');
    let unrecognised = 0;
    let read = 0;
    for await (const chunk of rows.yieldRowsJs())
      for (const [n, sub, ct, idx, text] of chunk) {
        read++;
        if (!this.#append(appender, f, JSON.parse(text as string), n as bigint, sub as bigint, ct as boolean, Number(idx))) unrecognised++;
      }
    appender.closeSync();
    endedEarly(read, count);
    // Classified and staged again (with their source), or not recognised: either way done with.
    await connection.run(`DELETE FROM staged WHERE f = ${f} AND src = 0`);
    return unrecognised;
  }

  /** Stages a record Node classified; false when detect-source.ts does not recognise it. */
  #append(appender: DuckDBAppender, f: number, value: unknown, n: bigint, sub: bigint, ct: boolean, idx: number): boolean {
    const sourced = detectSource(value);
    if (!sourced) return false;
    const src = this.run.plan.sources.indexOf(`${sourced.product}/${sourced.service}`) + 1;
    // A source without rules: recognised, nothing to run.
    if (src === 0) return true;
    appender.appendInteger(f);
    appender.appendBigInt(n);
    appender.appendBigInt(sub);
    appender.appendBoolean(ct);
    appender.appendBigInt(BigInt(idx));
    appender.appendInteger(src);
    appender.appendVarchar(JSON.stringify(sourced.event));
    appender.endRow();
    this.#staged++;
    return true;
  }

  /** Evaluates the staged records, then reports every hit in file and event order. */
  async flush(): Promise<void> {
    const { connection, run } = this;
    if (this.#staged > 0) {
      // Planned anew each time: a plan prepared once keeps what the table's statistics said then (the
      // sources present), and would skip the rules of a source staged later.
      await connection.run(`INSERT INTO hits ${run.plan.staged('staged')}`);
      await connection.run('DELETE FROM staged');
      this.#staged = 0;
    }
    // The staged records' hits, merged in file and event order with the streamed files' spooled hits.
    const spooled = new SpoolMerge([...this.#spools].sort(([a], [b]) => a - b));
    this.#spools.clear();
    const count = Number((await connection.runAndReadAll("SELECT count(*) FROM hits WHERE hits <> ''")).getRowsJS()[0]![0]);
    const result = await connection.stream("SELECT f, n, sub, idx, src, hits, text FROM hits WHERE hits <> '' ORDER BY f, n, sub");
    let read = 0;
    for await (const chunk of result.yieldRowsJs())
      for (const [f, n, sub, idx, src, hits, text] of chunk) {
        read++;
        await spooled.reportBefore(run, f as number, Number(n), Number(sub));
        report(run, run.files[f as number]!, Number(idx), src as number, hits as string, text as string | null);
      }
    endedEarly(read, count);
    await spooled.reportBefore(run, Number.POSITIVE_INFINITY, 0, 0);
    await connection.run('DELETE FROM hits');
  }
}

/** An error in the SQL itself is a bug, never hidden behind handing the file to Node (DuckDB's input errors are; the engine's own name the file after their start, so no file name reads as one). */
function rethrowSqlBug(error: unknown): void {
  if (/^(Binder|Parser|Catalog|Internal|Not implemented) Error/.test((error as Error).message)) throw error;
}

/**
 * A streamed result of a table's rows that ended before all of them: an error DuckDB's C API reports as the
 * end (its fetch returns NULL for both). Never hidden: the matches would be incomplete.
 */
function endedEarly(read: number, expected: number): void {
  if (read !== expected)
    throw new Error(`DuckDB's result ended after ${read} of ${expected} rows (an error inside DuckDB, such as running out of memory); run with --engine js`);
}

/** A row of plan.ndjson. */
type Row = [n: bigint, sub: bigint, ct: boolean, idx: null, src: number, hits: string, text: string | null, c: bigint, last: boolean];

/** Spooled hits of several files, reported in file and event order up to a given record. */
class SpoolMerge {
  #open: { f: number; spool: HitSpool; hits: AsyncGenerator<SpooledHit>; next: SpooledHit | undefined } | undefined;
  constructor(private readonly waiting: [number, HitSpool][]) {}

  /** Reports every spooled hit before record (n, sub) of file f, and all of the files before f. */
  async reportBefore(run: DuckdbRun, f: number, n: number, sub: number): Promise<void> {
    const next = async (hits: AsyncGenerator<SpooledHit>) => {
      const step = await hits.next();
      return step.done ? undefined : step.value;
    };
    for (;;) {
      if (!this.#open) {
        const first = this.waiting[0];
        if (first === undefined || first[0] > f) return;
        this.waiting.shift();
        const hits = first[1].read();
        this.#open = { f: first[0], spool: first[1], hits, next: await next(hits) };
      }
      const open = this.#open;
      const hit = open.next;
      if (hit === undefined) {
        open.spool.discard();
        this.#open = undefined;
        continue;
      }
      if (open.f === f && (hit.n > n || (hit.n === n && hit.sub >= sub))) return;
      report(run, run.files[open.f]!, hit.index, hit.src, hit.hits, hit.text);
      open.next = await next(open.hits);
    }
  }
}

/**
 * A streamed record's index as read-events.ts numbers it: its position in Records for a CloudTrail-file
 * line (ct), else its line (n, from 1) less the blank lines before it in the file.
 */
function recordIndex(n: bigint, sub: bigint, ct: boolean, blanks: number): number {
  return ct ? Number(sub) : Number(n) - 1 - blanks;
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
function byDuckdb(file: string): boolean {
  const gzip = file.endsWith('.gz');
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
