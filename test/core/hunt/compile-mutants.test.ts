/**
 * Batching rules under a query-length limit, and compiling only what the compiler refuses to skip:
 * a batch may be exactly the limit, a rule over it alone is set aside, and an error that is not a
 * CompileError is a bug that must surface.
 */
import { describe, expect, it } from 'vitest';
import { batches, type CompiledRule, compileForEngine } from '../../../core/hunt/compile.ts';
import { awsRules } from './hunt-fixtures.ts';

const r = (id: string, length: number): CompiledRule => ({ id, text: 'x'.repeat(length) });
/** The length of a batch's query: its rules' text, nothing else. */
const size = (batch: readonly CompiledRule[]) => batch.reduce((n, rule) => n + rule.text.length, 0);
const ids = (out: ReturnType<typeof batches>) => ({ batches: out.batches.map((b) => b.map((x) => x.id)), tooLong: out.tooLong.map((x) => x.id) });

describe('batches', () => {
  it('fills a batch up to exactly the limit, then starts the next', () => {
    expect(ids(batches([r('a', 4), r('b', 6), r('c', 3), r('d', 7)], size, 10))).toEqual({
      batches: [
        ['a', 'b'],
        ['c', 'd'],
      ],
      tooLong: [],
    });
  });

  it('keeps a rule exactly at the limit, alone, and sets aside one over it', () => {
    expect(ids(batches([r('a', 2), r('big', 11), r('b', 10), r('c', 1)], size, 10))).toEqual({ batches: [['a'], ['b'], ['c']], tooLong: ['big'] });
  });

  it('returns no batch, not an empty one, when there is no rule or every rule is too long', () => {
    expect(ids(batches([], size, 10))).toEqual({ batches: [], tooLong: [] });
    expect(ids(batches([r('big', 11)], size, 10))).toEqual({ batches: [], tooLong: ['big'] });
  });
});

describe('compileForEngine', () => {
  it('lets an error that is not a CompileError through: a compiler bug is not a skipped rule', () => {
    const skipped: string[] = [];
    const bug = () => {
      throw new TypeError('cannot read properties of undefined');
    };
    expect(() => compileForEngine(awsRules(), 'aws', bug, (line) => skipped.push(line))).toThrow(TypeError);
    expect(skipped).toEqual([]);
  });
});
