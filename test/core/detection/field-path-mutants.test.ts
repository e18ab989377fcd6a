/** Reading a dotted path: what is not an object along the way (null, text, nested null) yields nothing. */
import { describe, expect, it } from 'vitest';
import { compilePath } from '../../../core/detection/field-path.ts';

describe('field paths', () => {
  it('stop at null or text on the way, without reading properties of text', () => {
    expect(compilePath('a.b')({ a: null })).toStrictEqual([]);
    expect(compilePath('a.length')({ a: 'abc' })).toStrictEqual([]);
  });

  it('fan out over arrays and yield exactly the values found', () => {
    expect(compilePath('a.b')({ a: [{ b: 1 }, { b: 2 }] })).toStrictEqual([1, 2]);
  });

  it('skip null and text elements of nested arrays', () => {
    expect(compilePath('a.b')({ a: [[null, { b: 1 }]] })).toStrictEqual([1]);
    expect(compilePath('a.length')({ a: [['abc']] })).toStrictEqual([]);
  });

  it('once an array was met before the last key, arrays among the final values open too (as the SQL compiler mirrors)', () => {
    expect(compilePath('a.b')({ a: [{ b: [['x'], 'y'] }] })).toStrictEqual(['x', 'y']);
    expect(compilePath('a.b')({ a: { b: [['x'], 'y'] } })).toStrictEqual([['x'], 'y']);
  });

  it('yield nothing (not undefined) for elements without the key', () => {
    expect(compilePath('a.b')({ a: [{ c: 1 }] })).toStrictEqual([]);
  });
});
