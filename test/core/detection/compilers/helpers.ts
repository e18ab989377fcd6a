/** Rules and matches built directly as the expanded IR, for the mutation tests of the compilers. */
import { expect } from 'vitest';
import { CompileError } from '../../../../core/detection/compilers/compile-error.ts';
import type { Expr, Match, MatchKind, Scalar } from '../../../../core/detection/expr.ts';
import type { Rule } from '../../../../core/detection/rule.ts';

export const rule = { id: 'mut-rule' } as Rule;

export const m = (
  field: string,
  op: MatchKind,
  values: readonly Scalar[],
  options: { all?: boolean; cased?: boolean; multiline?: boolean; dotAll?: boolean } = {},
): Match => ({
  kind: 'match',
  field,
  op,
  values,
  all: options.all ?? false,
  cased: options.cased ?? false,
  ...(options.multiline ? { multiline: true } : {}),
  ...(options.dotAll ? { dotAll: true } : {}),
});
export const and = (...items: Expr[]): Expr => ({ kind: 'and', items });
export const or = (...items: Expr[]): Expr => ({ kind: 'or', items });
export const not = (item: Expr): Expr => ({ kind: 'not', item });

/** The CompileError message of a refused compilation. */
export function refusal(compile: () => unknown): string {
  try {
    compile();
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    expect((error as Error).name).toBe('CompileError');
    return (error as Error).message;
  }
  throw new Error('compiled');
}
