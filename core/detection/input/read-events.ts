/**
 * Streams events out of log files: CloudTrail files (`{"Records":[...]}`), JSON arrays, NDJSON (one
 * event per line; a line may itself be a CloudTrail file), gzip-compressed or not, and directories
 * recursively. NDJSON is read line by line so memory stays flat on any size; whole-document JSON
 * (CloudTrail delivers files of at most a few MB) is parsed at once. Malformed lines are reported and
 * skipped, never fatal.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

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
}

export interface ReadCallbacks {
  /** Called synchronously per event: a callback, not a generator, because per-event awaits cost more than matching. */
  onEvent(event: InputEvent): void;
  onMalformed(malformed: Malformed): void;
  /** Bytes read from disk so far (compressed size for .gz), for progress. */
  onBytes?(bytes: number): void;
}

export function listInputFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path).isDirectory()) return [path];
    return listInputFiles(readdirSync(path).sort().map((name) => join(path, name))).filter((f) => /\.(json|jsonl|ndjson|log|gz)$/.test(f));
  });
}

export async function readEvents(file: string, callbacks: ReadCallbacks): Promise<void> {
  const raw = createReadStream(file);
  const onBytes = callbacks.onBytes;
  if (onBytes) raw.on('data', (chunk) => onBytes(chunk.length));
  const stream: Readable = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  let record = 0;
  let document: string[] | undefined;
  for await (const line of lines) {
    lineNumber++;
    if (document) {
      document.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (record === 0 && (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.endsWith('}') && !parses(trimmed)))) {
      // The first line opens a JSON array or a pretty-printed object: the file is one document.
      document = [line];
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      callbacks.onMalformed({ file, line: lineNumber, problem: (error as Error).message });
      record++;
      continue;
    }
    if (isCloudTrailFile(value)) {
      for (const [i, event] of value.Records.entries()) callbacks.onEvent({ file, index: i, value: event });
    } else {
      callbacks.onEvent({ file, index: record, value });
    }
    record++;
  }
  if (document) eventsOfDocument(file, document.join('\n'), callbacks);
}

function eventsOfDocument(file: string, text: string, callbacks: ReadCallbacks): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    callbacks.onMalformed({ file, line: 1, problem: `not JSON, JSON lines or a CloudTrail file: ${(error as Error).message}` });
    return;
  }
  const events = isCloudTrailFile(value) ? value.Records : Array.isArray(value) ? value : [value];
  for (const [index, event] of events.entries()) callbacks.onEvent({ file, index, value: event });
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
