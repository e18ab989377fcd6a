/**
 * NDJSON lines cut out of a file by someone else (the parallel engine's reader, parallel-engine.ts):
 * a block of whole lines, read the way readEvents reads a file's lines once it knows the file is NDJSON.
 * Line numbers and record numbers are the block's own (the first line is 1, the first record 0); the
 * reader adds the lines and records of the blocks before it. A last line without "\n" is a line.
 */
import { eventsOfLine, lineTooLong, type Malformed } from './read-events.ts';

export interface BlockCallbacks {
  /** An event: at `index` in its block's records (`inRecords` false), or at its position in a CloudTrail file line's Records. */
  onEvent(index: number, value: unknown, inRecords: boolean): void;
  onMalformed(malformed: Malformed): void;
}

export interface BlockCounts {
  readonly lines: number;
  readonly records: number;
}

export function readNdjsonBlock(file: string, block: Buffer, maxLine: number, callbacks: BlockCallbacks): BlockCounts {
  let lines = 0;
  let records = 0;
  let start = 0;
  while (start < block.length) {
    const newline = block.indexOf(10, start);
    const end = newline === -1 ? block.length : newline;
    lines++;
    if (end - start > maxLine) {
      // Like a malformed line, it keeps its place in the record numbering.
      callbacks.onMalformed(lineTooLong(file, lines, maxLine));
      records++;
    } else {
      const trimmed = block.toString('utf8', start, end).trim();
      if (trimmed !== '') {
        eventsOfLine(file, trimmed, lines, records, callbacks.onEvent, callbacks.onMalformed);
        records++;
      }
    }
    start = end + 1;
  }
  return { lines, records };
}
