/** chunk (core/gcp/chunk.ts): pieces of at most `size`, no empty piece. */
import { describe, expect, it } from 'vitest';
import { chunk } from '../../../core/gcp/chunk.ts';

describe('chunk', () => {
  it('splits into pieces of at most size, the last one shorter, and never adds an empty piece', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(chunk([], 3)).toEqual([]);
  });
});
