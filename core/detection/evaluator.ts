/**
 * The reference semantics of a rule: compiles an Expr once into a predicate over parsed events. The
 * compiled target queries are checked against this (conformance tests), and `guardrails detect` runs it
 * over log files. It follows the Sigma specification (specification/sigma-appendix-modifiers.md) as
 * pySigma reads it (sigma/modifiers.py, sigma/types.py); expand.ts says which Sigma form becomes which Match.
 *
 * What a field's values are: field-path.ts reads every value at the path (arrays along the way and at
 * the end fan out: a match on any element counts). Then:
 * - Text comparisons (equals, contains, startswith, endswith, fieldref, re) read a value as text: a string
 *   as is, a number or boolean as written ("123" and 123 are the same text; CloudTrail mixes them), and an
 *   object (or an array inside an array) as its compact JSON text, `JSON.stringify`. That is what the
 *   deployed KQL does with `tostring()` of a dynamic value (https://learn.microsoft.com/kusto/query/tostring-function),
 *   so `requestParameters|contains: '"force":true'` means the same here and there. JSON null is no text:
 *   it never matches a value.
 * - Case: text is compared case-insensitively unless |cased (Sigma's default); a regex is case-sensitive
 *   unless |re|i, with |m and |s as its flags.
 * - Wildcards (expr.ts): in equals, contains, startswith, endswith and keyword values, `*` is any run of
 *   characters and `?` exactly one (one code point); `\*`, `\?`, `\\` are the literal characters.
 * - Keywords (field-less values): the value, with its wildcards, is a case-insensitive substring of some
 *   string value anywhere in the event, at any depth (keys, numbers and booleans are not searched).
 * - gt, gte, lt, lte: a number, or a string that is a decimal number ("42", "-1.5", "1e3"), compared
 *   numerically; anything else (other text, booleans, objects, null, absent) never matches.
 * - fieldref: some value of the field equals (as text, case-insensitively unless |cased) some value of the
 *   referenced field; absent or null on either side is no match.
 * - cidr: a value that is not a valid IP address is a non-match, never an error.
 * - exists: the key is present, even holding null. null: absent or JSON null.
 * - neq reaches here as `not`: so a missing field matches it (expand.ts).
 */
import { isNetwork, parseNetwork, type Network } from '../net/cidr.ts';
import { parseWildcards, type Expr, type Match, type Scalar } from './expr.ts';
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

/** A test on one text, already case-folded unless the match is case-sensitive. */
type TextTest = (text: string) => boolean;

/** Any (or, with |all, every) test holds for some of the texts. */
function anyOrAll(tests: readonly TextTest[], all: boolean): (texts: readonly string[]) => boolean {
  return all ? (texts) => tests.every((test) => texts.some(test)) : (texts) => texts.some((t) => tests.some((test) => test(t)));
}

function compileMatch(match: Match): Predicate {
  if (match.op === 'keyword') return compileKeyword(match);
  const read = compilePath(match.field);
  switch (match.op) {
    // JSON null is a value: the key exists. Every target language treats it so.
    case 'exists': {
      const wanted = match.values[0] === true;
      return (event) => read(event).length > 0 === wanted;
    }
    case 'null':
      return (event) => read(event).every((v) => v === null);
    case 'cidr': {
      const networks = match.values.map((v) => parseNetwork(String(v))).filter(isNetwork);
      if (networks.length === 0) return () => false;
      if (match.all) return (event) => networks.every((n) => inNetworks(read(event), [n]));
      return (event) => inNetworks(read(event), networks);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compileNumeric(match, read);
    case 'fieldref':
      return compileFieldRef(match, read);
    default:
      break;
  }
  if (match.values.length === 0) return () => false;
  const fold = match.cased ? (s: string) => s : (s: string) => s.toLowerCase();
  const texts = (event: unknown): string[] => {
    const out: string[] = [];
    for (const v of read(event)) {
      const t = text(v);
      if (t !== undefined) out.push(fold(t));
    }
    return out;
  };
  if (match.op === 're') {
    // Sigma: case-sensitive unless |i (cased false); the text is not folded, the flag does it.
    const flags = `${match.cased ? '' : 'i'}${match.multiline ? 'm' : ''}${match.dotAll ? 's' : ''}`;
    const tests = match.values.map((v) => {
      const regex = new RegExp(String(v), flags);
      return (t: string) => regex.test(t);
    });
    const holds = anyOrAll(tests, match.all);
    return (event) => holds(read(event).flatMap((v) => text(v) ?? []));
  }
  // Case-insensitive equality against several plain values is the common case: one Set lookup.
  if (match.op === 'equals' && !match.all) {
    const literals = match.values.map((v) => literalOf(v));
    if (literals.every((l) => l !== undefined)) {
      const exact = new Set(literals.map(fold));
      return (event) =>
        read(event).some((v) => {
          const t = text(v);
          return t !== undefined && exact.has(fold(t));
        });
    }
  }
  const holds = anyOrAll(
    match.values.map((v) => textTest(match.op, v, fold)),
    match.all,
  );
  return (event) => holds(texts(event));
}

/** The literal text of a value without wildcards; undefined when it has some. Numbers and booleans are literal. */
function literalOf(value: Scalar): string | undefined {
  if (typeof value !== 'string') return String(value);
  const parts = parseWildcards(value);
  return parts.every((p) => p.kind === 'text') ? parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') : undefined;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A test for one Sigma value under equals/contains/startswith/endswith (keywords are contains). */
function textTest(op: Match['op'], value: Scalar, fold: (s: string) => string): TextTest {
  const literal = literalOf(value);
  if (literal !== undefined) {
    const wanted = fold(literal);
    switch (op) {
      case 'equals':
        return (t) => t === wanted;
      case 'startswith':
        return (t) => t.startsWith(wanted);
      case 'endswith':
        return (t) => t.endsWith(wanted);
      default:
        return (t) => t.includes(wanted);
    }
  }
  const body = parseWildcards(String(value))
    .map((p) => (p.kind === 'text' ? escapeRegex(fold(p.text)) : p.kind === 'any' ? '.*' : '.'))
    .join('');
  const start = op === 'equals' || op === 'startswith' ? '^' : '';
  const end = op === 'equals' || op === 'endswith' ? '$' : '';
  // s: a wildcard spans line breaks; u: `?` is one code point, as in pySigma (Python strings).
  const regex = new RegExp(`${start}${body}${end}`, 'su');
  return (t) => regex.test(t);
}

/** Some value is a valid IP address (a CIDR string or a service name is not) inside one of the networks. */
function inNetworks(values: readonly unknown[], networks: readonly Network[]): boolean {
  return values.some((v) => {
    if (typeof v !== 'string' || v.includes('/')) return false;
    const address = parseNetwork(v);
    return isNetwork(address) && networks.some((n) => address.version === n.version && address.start >= n.start && address.start <= n.end);
  });
}

/** A value as text: scalars as written, objects and arrays as compact JSON; null and undefined are none. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return undefined;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number, or a string that is a decimal number; anything else is not comparable. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
}

function compileNumeric(match: Match, read: (event: unknown) => readonly unknown[]): Predicate {
  const compare = {
    gt: (a: number, b: number) => a > b,
    gte: (a: number, b: number) => a >= b,
    lt: (a: number, b: number) => a < b,
    lte: (a: number, b: number) => a <= b,
  }[match.op as 'gt' | 'gte' | 'lt' | 'lte'];
  const bounds = match.values.filter((v): v is number => typeof v === 'number');
  if (bounds.length === 0) return () => false;
  return (event) => {
    const numbers = read(event)
      .map(numberOf)
      .filter((n): n is number => n !== undefined);
    const holds = (bound: number) => numbers.some((n) => compare(n, bound));
    return match.all ? bounds.every(holds) : bounds.some(holds);
  };
}

function compileFieldRef(match: Match, read: (event: unknown) => readonly unknown[]): Predicate {
  const fold = match.cased ? (s: string) => s : (s: string) => s.toLowerCase();
  const texts = (values: readonly unknown[]) => values.flatMap((v) => text(v) ?? []).map(fold);
  const others = match.values.map((v) => compilePath(String(v)));
  if (others.length === 0) return () => false;
  return (event) => {
    const own = new Set(texts(read(event)));
    const equal = (other: (e: unknown) => readonly unknown[]) => texts(other(event)).some((t) => own.has(t));
    return match.all ? others.every(equal) : others.some(equal);
  };
}

/** Every string value in the event, at any depth. */
function strings(node: unknown, out: string[]): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const item of node) strings(item, out);
  else if (node !== null && typeof node === 'object') for (const item of Object.values(node)) strings(item, out);
  return out;
}

function compileKeyword(match: Match): Predicate {
  if (match.values.length === 0) return () => false;
  const fold = match.cased ? (s: string) => s : (s: string) => s.toLowerCase();
  const holds = anyOrAll(
    match.values.map((v) => textTest('contains', v, fold)),
    match.all,
  );
  return (event) => holds(strings(event, []).map(fold));
}
