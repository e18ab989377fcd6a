/** An equality match built directly in the expanded form (core/detection/expr.ts), for tests below the rule text. */
import type { Match, Scalar } from '../../core/detection/expr.ts';

/** `field` equals one of `values`, case-insensitive, any of them; `more` overrides any of that. */
export const equalsMatch = (field: string, values: readonly Scalar[], more: Partial<Match> = {}): Match => ({
  kind: 'match',
  field,
  op: 'equals',
  values,
  all: false,
  cased: false,
  ...more,
});
