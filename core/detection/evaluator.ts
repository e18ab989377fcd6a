/**
 * The reference semantics of a rule: compiles an Expr once into a predicate over parsed events. The
 * compiled target queries are checked against this (conformance tests), and `guardrails detect` runs it
 * over log files. A CIDR test on a value that is not a valid IP is a non-match, never an error.
 */
import { isNetwork, parseNetwork, type Network } from '../net/cidr.ts';
import { hasWildcard, wildcardParts, type Expr, type Match, type Scalar } from './expr.ts';
import { compilePath } from './field-path.ts';

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

/** A test on an event value's text, already case-folded unless the match is |cased. */
type TextTest = (folded: string) => boolean;

function compileMatch(match: Match): Predicate {
  const read = compilePath(match.field);
  // JSON null is a value: the key exists. Every target language treats it so.
  if (match.op === 'exists') {
    const wanted = match.values[0] === true;
    return (event) => read(event).length > 0 === wanted;
  }
  if (match.op === 'null') return (event) => read(event).every((v) => v === null);
  if (match.values.length === 0) return () => false;
  const fold = match.cased ? (s: string) => s : (s: string) => s.toLowerCase();
  if (match.op === 'cidr') {
    const networks = match.values.map((v) => parseNetwork(String(v))).filter(isNetwork);
    if (match.all)
      return (event) => {
        const values = read(event);
        return networks.every((n) => inNetworks(values, [n]));
      };
    return (event) => inNetworks(read(event), networks);
  }
  const tests = match.values.map((value) => textTest(match, fold(String(value)), value));
  // Case-insensitive equality against several values is the common case: one Set lookup.
  const exact =
    match.op === 'equals' && !match.all && match.values.every((v) => typeof v !== 'string' || !hasWildcard(v))
      ? new Set(match.values.map((v) => fold(String(v))))
      : undefined;
  const folded = (v: unknown): string | undefined => {
    const t = text(v);
    return t === undefined ? undefined : fold(t);
  };
  if (exact)
    return (event) =>
      read(event).some((v) => {
        const f = folded(v);
        return f !== undefined && exact.has(f);
      });
  if (match.all)
    return (event) => {
      const values = read(event)
        .map(folded)
        .filter((f): f is string => f !== undefined);
      return tests.every((test) => values.some(test));
    };
  return (event) =>
    read(event).some((v) => {
      const f = folded(v);
      return f !== undefined && tests.some((test) => test(f));
    });
}

/** Some value is a valid IP address (a CIDR string or a service name is not) inside one of the networks. */
function inNetworks(values: readonly unknown[], networks: readonly Network[]): boolean {
  return values.some((v) => {
    if (typeof v !== 'string' || v.includes('/')) return false;
    const address = parseNetwork(v);
    return isNetwork(address) && networks.some((n) => address.version === n.version && address.start >= n.start && address.start <= n.end);
  });
}

/** Scalars compare as text (CloudTrail mixes "123" and 123); objects and null never match a value. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function textTest(match: Match, wanted: string, original: Scalar): TextTest {
  switch (match.op) {
    case 'equals':
      if (typeof original === 'string' && hasWildcard(original)) {
        const source = wildcardParts(wanted)
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*');
        const regex = new RegExp(`^${source}$`, 's');
        return (t) => regex.test(t);
      }
      return (t) => t === wanted;
    case 'contains':
      return (t) => t.includes(wanted);
    case 'startswith':
      return (t) => t.startsWith(wanted);
    case 'endswith':
      return (t) => t.endsWith(wanted);
    case 're': {
      // The pattern is matched against folded text, so it must not be folded itself: compile the original with /i.
      const regex = new RegExp(String(original), match.cased ? '' : 'i');
      return (t) => regex.test(t);
    }
    case 'cidr':
    case 'exists':
    case 'null':
      throw new Error(`${match.op} is handled by compileMatch`);
  }
}
