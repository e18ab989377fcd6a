/**
 * Streams events out of log files: CloudTrail files (`{"Records":[...]}`), JSON arrays, NDJSON (one
 * event per line; a line may itself be a CloudTrail file), gzip-compressed or not, and directories
 * recursively. NDJSON is read line by line so memory stays flat on any size; whole-document JSON
 * (CloudTrail delivers files of at most a few MB) is parsed at once. Malformed lines are reported and
 * skipped, never fatal. So are lines over a size cap (skipped without being buffered whole) and
 * whole documents over a cap (the file is reported, not read). A file that cannot be listed, opened or
 * read to its end (missing, unreadable, truncated or fake gzip, symlink loop) is reported as an
 * InputProblem and the caller goes on with the next one; the events read before the problem were
 * already delivered.
 */
import { createReadStream, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface InputEvent {
  readonly file: string;
  /** 0-based position of the event in its file (array/Records position, or NDJSON record number). */
  readonly index: number;
  readonly value: unknown;
}

export interface Malformed {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
  /** The line was over the size cap: it may well be an event, unread, so its file counts as partly read. */
  readonly tooLong?: boolean;
}

/** A path given, listed or read that yielded none or only part of its events. */
export interface InputProblem {
  readonly file: string;
  readonly problem: string;
  /** Events delivered from the file before the problem (they stand: they were read whole). */
  readonly eventsRead: number;
}

export interface ReadCallbacks {
  /** Called synchronously per event: a callback, not a generator, because per-event awaits cost more than matching. */
  onEvent(event: InputEvent): void;
  onMalformed(malformed: Malformed): void;
  /** Bytes read from disk so far (compressed size for .gz), for progress. */
  onBytes?(bytes: number): void;
}

export interface ListCallbacks {
  /** A path that could not be listed or looked at: missing, unreadable directory, symlink loop (ELOOP). */
  onProblem(problem: InputProblem): void;
  /** A directory reached again (a symlink loop, or a directory given twice): it is listed once only. */
  onRepeated?(path: string, firstPath: string): void;
}

export interface ReadLimits {
  /** Longest line read, in bytes: a longer one is reported as malformed and skipped, never buffered whole. Default 64 MiB. */
  readonly maxLineBytes?: number;
  /** Largest whole (multi-line) JSON document buffered for parsing: a larger one is reported and its file not read. Default 256 MiB. */
  readonly maxDocumentBytes?: number;
}

export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Below V8's longest string (2^29 - 24 characters), so a huge document is reported rather than crashing the run. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

const INPUT_NAME = /\.(json|jsonl|ndjson|log|gz)$/;

/**
 * The files to read under `paths`: paths named are taken as they are (any non-directory: a FIFO such as
 * `<(zcat x)` works), directories are walked in name order for regular files named *.json, *.jsonl,
 * *.ndjson, *.log or *.gz. Symlinks are followed, but each directory (by real path) is listed once, so a
 * symlink loop ends. Problems are reported, never thrown.
 */
export function listInputFiles(paths: readonly string[], callbacks: ListCallbacks): string[] {
  const files: string[] = [];
  const listed = new Map<string, string>();
  const problem = (file: string, text: string) => callbacks.onProblem({ file, problem: text, eventsRead: 0 });
  const visit = (path: string, named: boolean): void => {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      problem(path, describeError(error));
      return;
    }
    if (!stats.isDirectory()) {
      if (named || (stats.isFile() && INPUT_NAME.test(path))) files.push(path);
      return;
    }
    let names: string[];
    try {
      const real = realpathSync.native(path);
      const first = listed.get(real);
      if (first !== undefined) {
        callbacks.onRepeated?.(path, first);
        return;
      }
      listed.set(real, path);
      names = readdirSync(path).sort();
    } catch (error) {
      problem(path, `cannot list directory: ${describeError(error)}`);
      return;
    }
    for (const name of names) visit(join(path, name), false);
  };
  for (const path of paths) visit(path, true);
  return files;
}

/**
 * Reads one file, delivering its events as they are parsed. Resolves to undefined when the file was
 * read to its end, or to the problem that stopped it (I/O error, corrupt gzip, document over the cap);
 * never rejects for the file's sake (an exception thrown by a callback still propagates).
 */
export async function readEvents(file: string, callbacks: ReadCallbacks, limits: ReadLimits = {}): Promise<InputProblem | undefined> {
  const maxLine = limits.maxLineBytes ?? MAX_LINE_BYTES;
  const maxDocument = limits.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
  const onBytes = callbacks.onBytes;
  const gzip = file.endsWith('.gz');
  const raw = createReadStream(file);
  // pipeline, not pipe: an error reading the file must end (and reject) the gunzip side too.
  const stream: Readable = gzip ? pipeline(raw, createGunzip({ chunkSize: 64 * 1024 }), () => {}) : raw;
  if (gzip && onBytes) raw.on('data', (chunk) => onBytes(chunk.length));

  let eventsRead = 0;
  const onEvent = (event: InputEvent) => {
    eventsRead++;
    callbacks.onEvent(event);
  };
  let record = 0;
  let document: string[] | undefined;
  let documentBytes = 0;
  let tooLarge = false;
  const onLine = (line: string, lineNumber: number, bytes: number): void => {
    if (document) {
      document.push(line);
      documentBytes += bytes + 1;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '') return;
    if (record === 0 && opensDocument(trimmed)) {
      document = [trimmed];
      documentBytes = bytes + 1;
      return;
    }
    eventsOfLine(file, trimmed, lineNumber, record, (index, value) => onEvent({ file, index, value }), callbacks.onMalformed);
    record++;
  };
  const lines = lineSplitter({
    // Inside a document, a line may take what is left of the document's allowance.
    limit: () => (document ? maxDocument - documentBytes : maxLine),
    onLine,
    onTooLong: (lineNumber) => {
      if (document) {
        tooLarge = true;
        return false;
      }
      callbacks.onMalformed(lineTooLong(file, lineNumber, maxLine));
      // Like a malformed line, it keeps its place in the record numbering.
      record++;
      return true;
    },
  });

  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        return { file, problem: describeError(error), eventsRead };
      }
      if (next.done) break;
      if (!gzip) onBytes?.(next.value.length);
      if (!lines.push(next.value)) break;
    }
  } finally {
    stream.destroy();
    raw.destroy();
  }
  if (tooLarge) {
    return {
      file,
      problem: `JSON document larger than ${formatBytes(maxDocument)}, not read (as NDJSON it is read at any size: jq -c '.Records[]' or jq -c '.[]')`,
      eventsRead,
    };
  }
  lines.end();
  if (document) eventsOfDocument(file, document.join('\n'), onEvent, callbacks);
  return undefined;
}

/**
 * Splits a byte stream on "\n" (a "\r" before it is trimmed with the rest of the whitespace), keeping at
 * most `limit()` bytes of a line that has not ended: a longer line is reported once (onTooLong; false
 * stops the split) and its bytes are dropped as they come, up to its end.
 */
function lineSplitter(handlers: { limit(): number; onLine(line: string, lineNumber: number, bytes: number): void; onTooLong(lineNumber: number): boolean }): {
  push(chunk: Buffer): boolean;
  end(): void;
} {
  const { limit, onLine, onTooLong } = handlers;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let lineNumber = 0;
  const take = (chunk: Buffer, start: number, end: number): string => {
    if (pendingBytes === 0) return chunk.toString('utf8', start, end);
    const text = Buffer.concat([...pending, chunk.subarray(start, end)]).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return text;
  };
  const drop = () => {
    pending = [];
    pendingBytes = 0;
  };
  return {
    push(chunk) {
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        lineNumber++;
        const bytes = pendingBytes + newline - start;
        if (skipping) {
          skipping = false;
        } else if (bytes > limit()) {
          drop();
          if (!onTooLong(lineNumber)) return false;
        } else {
          onLine(take(chunk, start, newline), lineNumber, bytes);
        }
        start = newline + 1;
      }
      if (start < chunk.length && !skipping) {
        if (pendingBytes + chunk.length - start > limit()) {
          drop();
          skipping = true;
          if (!onTooLong(lineNumber + 1)) return false;
        } else {
          pending.push(start === 0 ? chunk : chunk.subarray(start));
          pendingBytes += chunk.length - start;
        }
      }
      return true;
    },
    end() {
      if (pendingBytes > 0) onLine(take(Buffer.alloc(0), 0, 0), lineNumber + 1, pendingBytes);
    },
  };
}

/** A line over the cap: reported, not read; its file counts as partly read. */
export function lineTooLong(file: string, line: number, maxLine: number): Malformed {
  return { file, line, problem: `line longer than ${formatBytes(maxLine)}, not read`, tooLong: true };
}

/** Whether a file's first non-blank line (trimmed) opens a JSON array or a pretty-printed object: then the file is one document. */
export function opensDocument(trimmed: string): boolean {
  return trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.endsWith('}') && !parses(trimmed));
}

/**
 * One NDJSON line (trimmed, not blank), the `record`th of its file: its event at index `record`, or, for
 * a line that is a CloudTrail file, each of its records at its position in Records (`inRecords`). A line
 * that is not JSON is reported as malformed.
 */
export function eventsOfLine(
  file: string,
  trimmed: string,
  lineNumber: number,
  record: number,
  onEvent: (index: number, value: unknown, inRecords: boolean) => void,
  onMalformed: (malformed: Malformed) => void,
): void {
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    onMalformed({ file, line: lineNumber, problem: (error as Error).message });
    return;
  }
  if (isCloudTrailFile(value)) {
    for (const [i, event] of value.Records.entries()) onEvent(i, event, true);
  } else {
    onEvent(record, value, false);
  }
}

function eventsOfDocument(file: string, text: string, onEvent: (event: InputEvent) => void, callbacks: ReadCallbacks): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    callbacks.onMalformed({ file, line: 1, problem: `not JSON, JSON lines or a CloudTrail file: ${(error as Error).message}` });
    return;
  }
  const events = isCloudTrailFile(value) ? value.Records : Array.isArray(value) ? value : [value];
  for (const [index, event] of events.entries()) onEvent({ file, index, value: event });
}

function isCloudTrailFile(value: unknown): value is { Records: unknown[] } {
  return value !== null && typeof value === 'object' && Array.isArray((value as { Records?: unknown }).Records);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** An I/O or gzip error as a short phrase without the path (the caller names the file): "permission denied (EACCES)". */
export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'Z_BUF_ERROR') return 'gzip data ends early, file truncated? (Z_BUF_ERROR)';
  if (e.code === 'Z_DATA_ERROR') return `not valid gzip data: ${e.message} (Z_DATA_ERROR)`;
  if (typeof e.code === 'string' && e.syscall) {
    // "EACCES: permission denied, open '/x'" -> "permission denied (EACCES)"
    const text = e.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+(?: '.*')?$/s, '');
    return `${text} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(error);
}

/** 1024 -> "1 KiB", 67108864 -> "64 MiB", 1000 -> "1000 bytes". */
function formatBytes(bytes: number): string {
  if (bytes >= 1048576 && bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
