/**
 * A streamed file's hits, written to a temporary file as DuckDB returns them and read back, in the same
 * order, once the file has been read to its end. They cannot be reported as they arrive: a query can still
 * fail at the file's last line, and Node then reads the whole file again. Holding them in memory instead
 * (a DuckDB table, sorted at the end) grew with the input: 831 MB of peak RSS at 2 GB against 394 MB streamed
 * (bench/detect-engines.md).
 */
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** One hit: the record's line and position in its Records (the order), its index as read-events.ts numbers it, its source, its hit columns and its text where Node must see it. */
export interface SpooledHit {
  readonly n: number;
  readonly sub: number;
  readonly index: number;
  readonly src: number;
  readonly hits: string;
  readonly text: string | null;
}

/** Writes are gathered up to this many characters before they reach the file. */
const WRITE_CHARS = 1 << 20;

export class HitSpool {
  #fd: number | undefined;
  #pending: string[] = [];
  #chars = 0;
  #count = 0;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'w');
  }

  get count(): number {
    return this.#count;
  }

  write(hit: SpooledHit): void {
    // One JSON array per line: a record's text holds no raw line break (JSON escapes it).
    const line = `${JSON.stringify([hit.n, hit.sub, hit.index, hit.src, hit.hits, hit.text])}\n`;
    this.#pending.push(line);
    this.#chars += line.length;
    this.#count++;
    if (this.#chars >= WRITE_CHARS) this.#drain();
  }

  /** Done writing: what is gathered reaches the file. */
  close(): void {
    this.#drain();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** The hits in the order they were written. */
  async *read(): AsyncGenerator<SpooledHit> {
    this.close();
    const lines = createInterface({ input: createReadStream(this.path) });
    for await (const line of lines) {
      const [n, sub, index, src, hits, text] = JSON.parse(line) as [number, number, number, number, string, string | null];
      yield { n, sub, index, src, hits, text };
    }
  }

  /** Closes and deletes the file. */
  discard(): void {
    this.#pending = [];
    this.#chars = 0;
    this.close();
    rmSync(this.path, { force: true });
  }

  #drain(): void {
    if (this.#pending.length === 0 || this.#fd === undefined) return;
    writeSync(this.#fd, this.#pending.join(''));
    this.#pending = [];
    this.#chars = 0;
  }
}
