/**
 * `guardrails detect --engine js` on several cores: the same evaluator (event-evaluation.ts) in worker
 * threads, with the same matches, order, counts and file problems as on one thread (--workers 1).
 *
 * The main thread lists, reads and reports; the workers parse and evaluate (evaluation-worker.ts), which is
 * where the time goes (bench/detect-engines.md). A large NDJSON file is read by the main thread and cut
 * into blocks of whole lines (BLOCK_BYTES) sent to the workers in turn; a smaller file (or a JSON document,
 * found from its first line) is read whole by a worker. What a worker returns is reported in input order,
 * whichever worker finishes first: the blocks' line and record numbers are offset by those of the blocks
 * before them, so a match's index and a malformed line's number are those readEvents gives. A file that is
 * not a regular file (a FIFO such as `<(zcat x)`) can be read only once, by the main thread, on its own.
 * At most IN_FLIGHT_PER_WORKER jobs per worker are outstanding, so memory stays flat whatever the input.
 */
import { createReadStream, statSync, type Stats } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import type { CatalogRule } from '../catalog.ts';
import { describeError, lineTooLong, MAX_LINE_BYTES, opensDocument, readEvents, type InputProblem, type ReadLimits } from '../input/read-events.ts';
import type { SourcedEvent } from '../logsources/detect-source.ts';
import type { EngineSink } from './engine-sink.ts';
import { evaluateEvent, indexBySource } from './event-evaluation.ts';
import type { Evaluated, Job, Reply, WorkerSetup } from './job-evaluation.ts';

export interface ParallelRun {
  readonly files: readonly string[];
  /** The rules that report, and the correlations' base rules, in the order the js engine runs them. */
  readonly rules: readonly CatalogRule[];
  readonly bases: readonly CatalogRule[];
  readonly limits: ReadLimits;
  readonly sink: EngineSink;
  readonly workers: number;
  /** From this size on, a regular file is read by the main thread and cut into blocks; default SPLIT_BYTES. */
  readonly splitBytes?: number;
  /** The size a block is cut at (at the next line end); default BLOCK_BYTES. */
  readonly blockBytes?: number;
  /** The main thread's reads of a file it cuts into blocks; default READ_BYTES. */
  readonly readBytes?: number;
  /** How each file was read (for tests and the bench): in blocks, whole by a worker, or on the main thread. */
  readonly onReader?: (file: string, reader: 'blocks' | 'worker' | 'main') => void;
}

/** A smaller file is one job: its worker reads it itself (a CloudTrail file is at most a few MB). */
const SPLIT_BYTES = 8 * 1024 * 1024;
/** About a thousand CloudTrail records: large enough that sending it costs little beside evaluating it. */
const BLOCK_BYTES = 1024 * 1024;
const READ_BYTES = 1024 * 1024;
const IN_FLIGHT_PER_WORKER = 2;

export async function runParallel(run: ParallelRun): Promise<void> {
  const maxLine = run.limits.maxLineBytes ?? MAX_LINE_BYTES;
  const pool = new WorkerPool(run.workers, {
    rules: run.rules.map(({ rule, expr }) => ({ rule, expr })),
    bases: run.bases.map(({ rule, expr }) => ({ rule, expr })),
    limits: run.limits,
    maxLine,
  });
  const reported = new InOrder(run.workers * IN_FLIGHT_PER_WORKER);
  const { sink } = run;
  /** Reports what a job found; offsets are the lines and records of the file's blocks before it. */
  const report = (file: string, found: Evaluated, offset = { lines: 0, records: 0 }) => {
    sink.onEvents(found.events, found.unrecognised);
    for (const m of found.malformed) sink.onMalformed({ ...m, line: m.line + offset.lines });
    let base = 0;
    const { hits } = found;
    for (let i = 0; i < hits.length; i += 4) {
      const slot = hits[i + 1] as number;
      const at = hits[i + 2] as number;
      const index = hits[i + 3] === 1 ? at + offset.records : at;
      if (hits[i] === 1) sink.onBase(run.bases[slot] as CatalogRule, found.sourced[base++] as SourcedEvent, file, index);
      else sink.onMatch(run.rules[slot] as CatalogRule, file, index);
    }
  };
  try {
    for (const file of run.files) {
      const stats = statOf(file);
      if (stats && !stats.isFile()) {
        run.onReader?.(file, 'main');
        await reported.drain();
        sink.onFile(file, await readOnMainThread(run, file));
      } else if (!stats || stats.size < (run.splitBytes ?? SPLIT_BYTES)) {
        run.onReader?.(file, 'worker');
        await reported.add(pool.run({ kind: 'file', file }), (found) => {
          sink.onBytes?.(found.bytes);
          report(file, found);
          sink.onFile(file, found.problem);
        });
      } else {
        await readInBlocks(run, file, maxLine, pool, reported, report);
      }
    }
    await reported.drain();
  } finally {
    await pool.close();
  }
}

/**
 * Reads a large regular file on the main thread and sends it to the workers in blocks of whole lines. Its
 * first non-blank line decides, as in readEvents, whether it is NDJSON or one JSON document; a document
 * is sent whole to a worker instead, before any block. A line over the cap is reported here once its
 * start passes the cap, and skipped to its end, as readEvents does.
 */
async function readInBlocks(
  run: ParallelRun,
  file: string,
  maxLine: number,
  pool: WorkerPool,
  reported: InOrder,
  report: (file: string, found: Evaluated, offset: { lines: number; records: number }) => void,
): Promise<void> {
  const blockBytes = run.blockBytes ?? BLOCK_BYTES;
  const gzip = file.endsWith('.gz');
  const raw = createReadStream(file, { highWaterMark: run.readBytes ?? READ_BYTES });
  const stream: Readable = gzip ? pipeline(raw, createGunzip({ chunkSize: 256 * 1024 }), () => {}) : raw;
  const onBytes = run.sink.onBytes;
  // Bytes read from disk (compressed for .gz), for progress: a worker that reads the file again adds only the rest.
  let bytesRead = 0;
  const read = (bytes: number) => {
    bytesRead += bytes;
    onBytes?.(bytes);
  };
  // The gzip side reads raw itself; a 'data' listener on a stream read by its iterator would take its chunks.
  if (gzip) raw.on('data', (chunk) => read(chunk.length));
  // The lines and records of the blocks reported so far, and the events read (for a problem's note).
  const done = { lines: 0, records: 0, events: 0 };
  const reportBlock = (found: Evaluated) => {
    report(file, found, done);
    done.lines += found.lines;
    done.records += found.records;
    done.events += found.events;
  };
  let parts: Buffer[] = [];
  let partsBytes = 0;
  /** Where the line that has not ended yet starts, in parts' bytes. */
  let lineStart = 0;
  let deciding = true;
  let skipping = false;
  const send = (upTo: number) => {
    if (upTo === 0) return Promise.resolve();
    const block = Buffer.allocUnsafeSlow(upTo);
    let at = 0;
    const rest: Buffer[] = [];
    for (const part of parts) {
      const take = Math.min(part.length, upTo - at);
      part.copy(block, at, 0, take);
      at += take;
      if (take < part.length) rest.push(part.subarray(take));
    }
    parts = rest;
    partsBytes -= upTo;
    lineStart -= upTo;
    return reported.add(pool.run({ kind: 'block', file, block }, [block.buffer]), reportBlock);
  };
  /** The lines so far are whole lines; the one still open is past the cap: report it and drop it to its end. */
  const tooLong = async () => {
    await send(lineStart);
    parts = [];
    partsBytes = 0;
    lineStart = 0;
    skipping = true;
    const found: Evaluated = { events: 0, unrecognised: 0, hits: [], sourced: [], malformed: [lineTooLong(file, 1, maxLine)], lines: 1, records: 1, bytes: 0 };
    await reported.add(Promise.resolve(found), reportBlock);
  };
  let problem: InputProblem | undefined;
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        problem = { file, problem: describeError(error), eventsRead: 0 };
        break;
      }
      if (next.done) break;
      let chunk = next.value;
      if (!gzip) read(chunk.length);
      if (skipping) {
        const end = chunk.indexOf(10);
        if (end === -1) continue;
        skipping = false;
        chunk = chunk.subarray(end + 1);
      }
      const last = chunk.lastIndexOf(10);
      parts.push(chunk);
      partsBytes += chunk.length;
      if (last !== -1) lineStart = partsBytes - chunk.length + last + 1;
      if (deciding) {
        const decided = firstLine(parts, lineStart, partsBytes, maxLine);
        if (decided === 'document') {
          // Nothing was sent yet: a worker reads the document from the start, as readEvents would.
          run.onReader?.(file, 'worker');
          stream.destroy();
          raw.destroy();
          await reported.add(pool.run({ kind: 'file', file }), (found) => {
            onBytes?.(Math.max(0, found.bytes - bytesRead));
            report(file, found, { lines: 0, records: 0 });
            run.sink.onFile(file, found.problem);
          });
          return;
        }
        if (decided === 'undecided') continue;
        deciding = false;
      }
      if (partsBytes - lineStart > maxLine) await tooLong();
      else if (lineStart >= blockBytes) await send(lineStart);
    }
  } finally {
    stream.destroy();
    raw.destroy();
  }
  if (problem) {
    // The whole lines read before the problem are evaluated, as readEvents does; the open one is not.
    await send(lineStart);
  } else if (deciding) {
    // The file ended before a whole non-blank line: a worker reads it from the start.
    run.onReader?.(file, 'worker');
    await reported.add(pool.run({ kind: 'file', file }), (found) => {
      report(file, found, { lines: 0, records: 0 });
      run.sink.onFile(file, found.problem);
    });
    return;
  } else {
    await send(partsBytes);
  }
  run.onReader?.(file, 'blocks');
  const stopped = problem;
  await reported.add(Promise.resolve(undefined), () => run.sink.onFile(file, stopped && { ...stopped, eventsRead: done.events }));
}

/**
 * Whether the file read so far (`parts`, whole lines up to `lineStart`) is NDJSON or opens a JSON
 * document, from its first non-blank line as readEvents decides it; undecided until that line has ended.
 * A first line over the cap is reported as such, so the file is NDJSON.
 */
function firstLine(parts: readonly Buffer[], lineStart: number, partsBytes: number, maxLine: number): 'ndjson' | 'document' | 'undecided' {
  const head = Buffer.concat(parts as Buffer[]);
  let start = 0;
  while (start < lineStart) {
    const end = head.indexOf(10, start);
    if (end - start > maxLine) return 'ndjson';
    const trimmed = head.toString('utf8', start, end).trim();
    if (trimmed !== '') return opensDocument(trimmed) ? 'document' : 'ndjson';
    start = end + 1;
  }
  return partsBytes - start > maxLine ? 'ndjson' : 'undecided';
}

/** A FIFO or other file that can be read only once: read and evaluated here, as with one thread. */
async function readOnMainThread(run: ParallelRun, file: string): Promise<InputProblem | undefined> {
  const rules = indexBySource(run.rules);
  const bases = indexBySource(run.bases);
  const { sink } = run;
  return readEvents(
    file,
    {
      onEvent: ({ index, value }) => {
        const known = evaluateEvent(value, rules, bases, {
          onBase: (r, sourced) => sink.onBase(r, sourced, file, index),
          onMatch: (r) => sink.onMatch(r, file, index),
        });
        sink.onEvents(1, known ? 0 : 1);
      },
      onMalformed: sink.onMalformed,
      onBytes: sink.onBytes,
    },
    run.limits,
  );
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    // Reported by the worker that tries to read it, in readEvents' words.
    return undefined;
  }
}

/**
 * Results reported in the order their jobs were added, however they finish. `add` waits, once `limit`
 * jobs are outstanding, for the oldest to be reported.
 */
class InOrder {
  readonly #queue: { found: Promise<unknown>; report: (found: never) => void }[] = [];
  constructor(private readonly limit: number) {}

  async add<T>(found: Promise<T>, report: (found: T) => void): Promise<void> {
    // A job that fails before its turn is rethrown in its turn, not as an unhandled rejection.
    found.catch(() => {});
    this.#queue.push({ found, report: report as (found: never) => void });
    while (this.#queue.length > this.limit) await this.#next();
  }

  async drain(): Promise<void> {
    while (this.#queue.length > 0) await this.#next();
  }

  async #next(): Promise<void> {
    const head = this.#queue.shift();
    if (head) head.report((await head.found) as never);
  }
}

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (found: Evaluated) => void; reject: (error: Error) => void }>;
  failed?: Error;
}

/** Worker threads, each given the job it has the fewest outstanding for. */
class WorkerPool {
  readonly #workers: PoolWorker[];
  #nextId = 0;

  constructor(count: number, setup: WorkerSetup) {
    this.#workers = Array.from({ length: count }, () => {
      const entry: PoolWorker = { worker: startWorker(setup), pending: new Map() };
      const fail = (error: Error) => {
        entry.failed ??= error;
        for (const job of entry.pending.values()) job.reject(error);
        entry.pending.clear();
      };
      entry.worker.on('message', (reply: Reply) => {
        const job = entry.pending.get(reply.id);
        entry.pending.delete(reply.id);
        if ('error' in reply) job?.reject(new Error(`detect worker: ${reply.error}`));
        else job?.resolve(reply.result);
      });
      entry.worker.on('error', fail);
      entry.worker.on('exit', (code) => fail(new Error(`detect worker exited with code ${code}`)));
      return entry;
    });
  }

  run(job: { kind: 'block'; file: string; block: Uint8Array } | { kind: 'file'; file: string }, transfer: ArrayBuffer[] = []): Promise<Evaluated> {
    const entry = this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // A worker that failed takes no more jobs: the run ends with its error.
      if (entry.failed) return reject(entry.failed);
      entry.pending.set(id, { resolve, reject });
      entry.worker.postMessage({ ...job, id } as Job, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}

/**
 * The worker's module beside this one: evaluation-worker.js once built; from the TypeScript sources (tests,
 * tsx), source-worker.mjs, which registers tsx in the worker before importing evaluation-worker.ts.
 */
function startWorker(setup: WorkerSetup): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./evaluation-worker.js', import.meta.url), { workerData: setup });
  const entry = new URL('./evaluation-worker.ts', import.meta.url).href;
  return new Worker(new URL('./source-worker.mjs', import.meta.url), { workerData: { ...setup, entry } });
}
