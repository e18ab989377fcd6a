/** The hunt's progress line and byte counts: the line is ended once and only when drawn; units go up to PB. */
import { describe, expect, it } from 'vitest';
import { formatBytes, progressLine } from '../../../core/hunt/progress.ts';
import { capture } from './hunt-fixtures.ts';

describe('progressLine', () => {
  it('ends nothing before anything is drawn, and ends a drawn line once', () => {
    const err = capture(true);
    const line = progressLine(err);
    line.end();
    expect(err.text()).toBe('');
    line.draw?.('athena: query 1/1 RUNNING 1 s, 0 B scanned');
    line.end();
    line.end();
    expect(err.text()).toBe('\rathena: query 1/1 RUNNING 1 s, 0 B scanned\u001b[K\n');
  });
});

describe('formatBytes', () => {
  it.each([
    [1.5 * 1024 ** 2, '1.5 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
    [5 * 1024 ** 4, '5.0 TB'],
    [2 * 1024 ** 5, '2.0 PB'],
    // Past the largest unit the number grows, the unit stays.
    [1024 ** 6, '1024.0 PB'],
  ])('%d bytes -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
