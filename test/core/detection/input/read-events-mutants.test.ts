/**
 * Targeted cases for the input reader's surviving mutants (StrykerJS, core/detection/input): the block
 * reader's line cap (a line of exactly the cap is read, as readEvents does) and describeError's wording
 * (only a Node system error, with a code and a syscall, is reworded; only its leading "CODE: " and its
 * trailing ", syscall 'path'" are dropped).
 */
import { describe, expect, it } from 'vitest';
import { readNdjsonBlock } from '../../../../core/detection/input/ndjson-block.ts';
import { describeError, type Malformed } from '../../../../core/detection/input/read-events.ts';
import { jsonLine } from './read-helpers.ts';

const readBlock = (text: string, maxLine: number) => {
  const events: [number, unknown, boolean][] = [];
  const malformed: Malformed[] = [];
  const counts = readNdjsonBlock('b.ndjson', Buffer.from(text), maxLine, {
    onEvent: (index, value, inRecords) => events.push([index, value, inRecords]),
    onMalformed: (m) => malformed.push(m),
  });
  return { events, malformed, counts };
};

describe('readNdjsonBlock caps line length like readEvents', () => {
  // A line of exactly maxLine bytes is read; one byte more is reported (tooLong) and keeps its record number.
  it.each([
    ['at the cap, then over it', [20, 21], [0], [2]],
    ['over the cap, then at it', [21, 20], [1], [1]],
    ['at the cap, last line without a newline', [18, 20], [0, 1], []],
  ])('%s', (_name, sizes, read, tooLong) => {
    const lines = sizes.map((bytes, n) => jsonLine(n, bytes));
    const r = readBlock(lines.join('\n'), 20);
    expect(r.events).toEqual(read.map((n) => [n, JSON.parse(lines[n] as string), false]));
    expect(r.malformed).toEqual(tooLong.map((line) => ({ file: 'b.ndjson', line, problem: 'line longer than 20 bytes, not read', tooLong: true })));
    expect(r.counts).toEqual({ lines: 2, records: 2 });
  });
});

const systemError = (message: string, code: string, syscall: string) => Object.assign(new Error(message), { code, syscall });

describe('describeError', () => {
  // Anything but a system error (a string code and a syscall) is passed on as its message, untouched.
  it.each([
    ['an Error', new Error('boom'), 'boom'],
    ['an Error with a code but no syscall', Object.assign(new Error('bad: thing, x'), { code: 'ERR_X' }), 'bad: thing, x'],
    ['an Error with a syscall but no code', Object.assign(new Error('EBADF: bad, read'), { syscall: 'read' }), 'EBADF: bad, read'],
    ['an Error with a syscall and a numeric code', Object.assign(new Error('EBADF: bad, read'), { code: -9, syscall: 'read' }), 'EBADF: bad, read'],
    ['a string', 'oops', 'oops'],
  ])('%s', (_name, error, expected) => {
    expect(describeError(error)).toBe(expected);
  });

  // A system error loses only its leading "CODE: " and its trailing ", syscall" or ", syscall 'path'".
  it.each([
    ["EACCES: permission denied, open '/x/a, b'", 'EACCES', 'open', 'permission denied (EACCES)'],
    ['EISDIR: illegal operation on a directory, read', 'EISDIR', 'read', 'illegal operation on a directory (EISDIR)'],
    ['stream closed early, EOF: no data, read', 'EPIPE', 'read', 'stream closed early, EOF: no data (EPIPE)'],
    ['EIO: i/o error, device gone, read', 'EIO', 'read', 'i/o error, device gone (EIO)'],
  ])('%s', (message, code, syscall, expected) => {
    expect(describeError(systemError(message, code, syscall))).toBe(expected);
  });
});
