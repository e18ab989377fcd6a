/** Shared by the read-events tests: a scratch directory, a collecting reader, and JSON lines of exact sizes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InputEvent, type InputProblem, type Malformed, type ReadLimits, readEvents } from '../../../../core/detection/input/read-events.ts';

/** fs.createReadStream's default highWaterMark: a regular file arrives in chunks of this size. */
export const CHUNK = 64 * 1024;

export function scratch(prefix: string): { path(name: string): string; write(name: string, content: string | Buffer): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  const path = (name: string) => join(dir, `${n++}-${name}`);
  return {
    path,
    write: (name, content) => {
      const file = path(name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Read {
  readonly events: InputEvent[];
  readonly malformed: Malformed[];
  /** Sum of the onBytes reports. */
  readonly bytes: number;
  readonly problem: InputProblem | undefined;
}

export async function read(file: string, limits?: ReadLimits): Promise<Read> {
  const events: InputEvent[] = [];
  const malformed: Malformed[] = [];
  let bytes = 0;
  const problem = await readEvents(file, { onEvent: (e) => events.push(e), onMalformed: (m) => malformed.push(m), onBytes: (b) => (bytes += b) }, limits);
  return { events, malformed, bytes, problem };
}

/** [index, value] of each event, the shape most assertions need. */
export const indexed = (r: Read): [number, unknown][] => r.events.map((e) => [e.index, e.value]);

/** A one-line JSON object of exactly `bytes` bytes (ASCII), carrying `n`. */
export function jsonLine(n: number, bytes: number): string {
  const empty = `{"n":${n},"pad":""}`;
  if (bytes < empty.length) throw new Error(`jsonLine: ${bytes} bytes is below the ${empty.length} of an empty line`);
  return `{"n":${n},"pad":"${'x'.repeat(bytes - empty.length)}"}`;
}

/** JSON lines numbered from `first`, each at most 1000 bytes, whose text with a newline after each is exactly `total` bytes. */
export function fill(total: number, first = 0): string[] {
  const lines: string[] = [];
  let left = total;
  while (left > 0) {
    const take = left <= 1001 ? left : left - 1001 < 200 ? 500 : 1001;
    lines.push(jsonLine(first + lines.length, take - 1));
    left -= take;
  }
  return lines;
}

/** The message JSON.parse gives for `text`, which the reader passes on. */
export function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`parseError: ${text} parses`);
}
