/**
 * Negation normal form (nots only on matches) and disjunctive normal form, for targets whose languages
 * have no general NOT (EventBridge patterns) or that read best flat.
 */
import type { Expr, Match } from '../expr.ts';

export type Literal = { readonly match: Match; readonly negated: boolean };

/** Pushes negations down to the matches (De Morgan). */
export function toNnf(expr: Expr, negate = false): Expr {
  switch (expr.kind) {
    case 'not':
      return toNnf(expr.item, !negate);
    case 'and':
    case 'or': {
      const kind = (expr.kind === 'and') !== negate ? 'and' : 'or';
      return { kind, items: expr.items.map((item) => toNnf(item, negate)) };
    }
    case 'match':
      return negate ? { kind: 'not', item: expr } : expr;
  }
}

/** Conjunctions of literals whose OR is `expr`; throws when it would exceed `limit` terms. */
export function toDnf(expr: Expr, limit: number): Literal[][] {
  const walk = (e: Expr): Literal[][] => {
    switch (e.kind) {
      case 'match':
        return [[{ match: e, negated: false }]];
      case 'not':
        if (e.item.kind !== 'match') return walk(toNnf(e));
        return [[{ match: e.item, negated: true }]];
      case 'or':
        return e.items.flatMap(walk);
      case 'and': {
        let terms: Literal[][] = [[]];
        for (const item of e.items) {
          const alternatives = walk(item);
          terms = terms.flatMap((term) => alternatives.map((alt) => [...term, ...alt]));
          if (terms.length > limit) throw new RangeError(`more than ${limit} alternatives`);
        }
        return terms;
      }
    }
  };
  const terms = walk(toNnf(expr));
  if (terms.length > limit) throw new RangeError(`more than ${limit} alternatives`);
  return terms;
}
