/**
 * Sigma conditions: `and`, `or`, `not`, parentheses, `1 of sel_*`, `any of sel_*`, `all of sel_*`,
 * `1 of them`, `all of them` (names starting with `_` are left out of `them`, as in pySigma
 * sigma/conditions.py `ConditionSelector`). Precedence as in Sigma: not > and > or. Selection names are
 * letters, digits, `_` and `-` (pySigma's identifier is `Word(alphanums + "_-")`). Parsed by recursive
 * descent into the Expr IR, with each selection name replaced by its expression. Sigma 1's aggregations
 * (`sel | count() > 5`) are refused with a pointer to correlation rules, which replaced them.
 */
import { and, not, or, type Expr } from './expr.ts';

export class ConditionError extends Error {}

const TOKEN = /\s*(\(|\)|[A-Za-z_][\w*-]*|\d+|\*)/y;

export function parseCondition(condition: string, selections: ReadonlyMap<string, Expr>): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < condition.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(condition);
    if (!match) {
      if (condition.slice(start).trim() === '') break;
      if (condition.slice(start).trim().startsWith('|'))
        throw new ConditionError('aggregations ("| count() ...") are not supported; Sigma 2 expresses them as correlation rules');
      throw new ConditionError(`unexpected "${condition.slice(start).trim()[0]}" at column ${start + 1}`);
    }
    tokens.push(match[1]!);
  }
  let position = 0;
  const peek = () => tokens[position]?.toLowerCase();
  const next = () => tokens[position++];

  const parseOr = (): Expr => {
    const items = [parseAnd()];
    while (peek() === 'or') {
      next();
      items.push(parseAnd());
    }
    return or(items);
  };
  const parseAnd = (): Expr => {
    const items = [parseNot()];
    while (peek() === 'and') {
      next();
      items.push(parseNot());
    }
    return and(items);
  };
  const parseNot = (): Expr => {
    if (peek() === 'not') {
      next();
      return not(parseNot());
    }
    return parsePrimary();
  };
  const parsePrimary = (): Expr => {
    const token = next();
    if (token === undefined) throw new ConditionError('ends too early');
    if (token === '(') {
      const inner = parseOr();
      if (next() !== ')') throw new ConditionError('missing ")"');
      return inner;
    }
    const lower = token.toLowerCase();
    if ((lower === '1' || lower === 'any' || lower === 'all') && peek() === 'of') {
      next();
      const target = next();
      if (!target) throw new ConditionError(`"${token} of" needs a selection pattern or "them"`);
      const names = matchingSelections(target, selections);
      const exprs = names.map((name) => selections.get(name)!);
      return lower === 'all' ? and(exprs) : or(exprs);
    }
    if (['and', 'or', 'not', ')', 'of'].includes(lower)) throw new ConditionError(`unexpected "${token}"`);
    const selection = selections.get(token);
    if (!selection) throw new ConditionError(`"${token}" is not a selection (have: ${[...selections.keys()].join(', ')})`);
    return selection;
  };

  const expr = parseOr();
  if (position < tokens.length) throw new ConditionError(`unexpected "${tokens[position]}" after a complete condition`);
  return expr;
}

function matchingSelections(pattern: string, selections: ReadonlyMap<string, Expr>): string[] {
  const names = [...selections.keys()];
  if (pattern.toLowerCase() === 'them') return names.filter((n) => !n.startsWith('_'));
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const matched = names.filter((n) => regex.test(n));
  if (matched.length === 0) throw new ConditionError(`"${pattern}" matches no selection`);
  return matched;
}
