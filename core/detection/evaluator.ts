/**
 * The reference semantics of a rule: compiles an Expr once into a predicate over parsed events. The
 * compiled target queries are checked against this (conformance tests), and `guardrails detect` runs it
 * over log files. A CIDR test on a value that is not a valid IP is a non-match, never an error.
 */
import { isNetwork, parseNetwork } from '../net/cidr.ts';
import { hasWildcard, wildcardParts, type Expr, type Match, type Scalar } from './expr.ts';
import { valuesAt } from './field-path.ts';

export type Predicate = (event: unknown) => boolean;

export function compileExpr(expr: Expr): Predicate {
  switch (expr.kind) {
    case 'and': {
      const items = expr.items.map(compileExpr);
      return (event) => items.every((p) => p(event));
    }
    case 'or': {
      const items = expr.items.map(compileExpr);
      return (event) => items.some((p) => p(event));
    }
    case 'not': {
      const item = compileExpr(expr.item);
      return (event) => !item(event);
    }
    case 'match':
      return compileMatch(expr);
  }
}

type ValueTest = (value: unknown) => boolean;

function compileMatch(match: Match): Predicate {
  const { field } = match;
  if (match.op === 'exists') {
    const wanted = match.values[0] === true;
    return (event) => valuesAt(event, field).some((v) => v !== null) === wanted;
  }
  const tests = match.values.map((value) => valueTest(match, value));
  if (tests.length === 0) return () => false;
  if (match.all) return (event) => {
    const values = valuesAt(event, field);
    return tests.every((test) => values.some(test));
  };
  return (event) => valuesAt(event, field).some((v) => tests.some((test) => test(v)));
}

/** Scalars compare as text (CloudTrail mixes "123" and 123); objects and null never match a value. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function valueTest(match: Match, wanted: Scalar): ValueTest {
  const fold = match.cased ? (s: string) => s : (s: string) => s.toLowerCase();
  const w = fold(String(wanted));
  switch (match.op) {
    case 'equals':
      if (typeof wanted === 'string' && hasWildcard(wanted)) {
        const source = wildcardParts(wanted).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
        const regex = new RegExp(`^${source}$`, match.cased ? 's' : 'is');
        return (v) => {
          const t = text(v);
          return t !== undefined && regex.test(t);
        };
      }
      return (v) => {
        const t = text(v);
        return t !== undefined && fold(t) === w;
      };
    case 'contains':
      return (v) => text(v) !== undefined && fold(text(v)!).includes(w);
    case 'startswith':
      return (v) => text(v) !== undefined && fold(text(v)!).startsWith(w);
    case 'endswith':
      return (v) => text(v) !== undefined && fold(text(v)!).endsWith(w);
    case 're': {
      const regex = new RegExp(String(wanted), match.cased ? '' : 'i');
      return (v) => {
        const t = text(v);
        return t !== undefined && regex.test(t);
      };
    }
    case 'cidr': {
      const network = parseNetwork(String(wanted));
      if (!isNetwork(network)) return () => false;
      return (v) => {
        if (typeof v !== 'string' || v.includes('/')) return false;
        const address = parseNetwork(v);
        return isNetwork(address) && address.version === network.version && address.start >= network.start && address.start <= network.end;
      };
    }
    case 'exists':
      throw new Error('exists is handled by compileMatch');
  }
}
