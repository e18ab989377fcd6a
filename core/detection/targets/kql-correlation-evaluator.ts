/**
 * An independent evaluator of the KQL that correlations compile to (compilers/kql-correlation.ts), to check
 * that the query Log Analytics would run finds the same groups and bins as the engine's tumbling window
 * (correlation.ts). Written from Microsoft's KQL reference, not from the compiler (it imports nothing from
 * core/detection/compilers); the single-table part of each query (`Table | where ... | mv-apply ...`) is
 * run by kql-evaluator.ts, and this adds what a correlation puts around it. Pages, cited where each is
 * evaluated:
 * - union of parenthesised queries, rows of each in turn: https://learn.microsoft.com/kusto/query/union-operator
 * - extend with a string literal: https://learn.microsoft.com/kusto/query/extend-operator
 * - summarize Column = Aggregation by GroupExpression, ...: one output row per distinct combination of the
 *   group values; a group expression that is a column, or bin() of one, is named after that column:
 *   https://learn.microsoft.com/kusto/query/summarize-operator
 * - count(): the rows of the group: https://learn.microsoft.com/kusto/query/count-aggregation-function
 * - count_distinct(expr): unique values, nulls ignored:
 *   https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function; count_distinctif(expr,
 *   predicate): only rows where the predicate is true:
 *   https://learn.microsoft.com/kusto/query/count-distinctif-aggregation-function
 * - bin(value, roundTo): "the nearest multiple of roundTo below value"; a null value gives null:
 *   https://learn.microsoft.com/kusto/query/bin-function. The page's datetime example rounds to midnight
 *   with 1d; the origin of the multiples is not stated, so this evaluator counts them from 1970-01-01 and
 *   refuses (throws on) a bin size that does not divide a day, where the origin would matter.
 * - now(): the time the query runs, given here as an option: https://learn.microsoft.com/kusto/query/now-function
 * - timespan literals (2d, 1h, 30m, 10s, 100ms): https://learn.microsoft.com/kusto/query/scalar-data-types/timespan
 * - datetime - timespan, comparisons of datetimes and of numbers: https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic,
 *   https://learn.microsoft.com/kusto/query/numerical-operators
 * - isnotempty(): https://learn.microsoft.com/kusto/query/isnotempty-function
 * Datetime values are read as ISO 8601 text, to the millisecond. Anything else throws, naming it.
 */
import { runKql, type KqlRow, type KqlTableInput, type KqlValue } from './kql-evaluator.ts';

const DAY_MS = 86_400_000;
const UNIT: Readonly<Record<string, number>> = { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

export interface CorrelationRow {
  /** Group-by columns (text), the bin column (ISO 8601), the count (number). */
  readonly [column: string]: string | number | null;
}

/** Runs a correlation query over the tables; `now` (ms) is what now() returns. */
export function runKqlCorrelation(query: string, tables: Readonly<Record<string, KqlTableInput>>, options: { now?: number } = {}): CorrelationRow[] {
  // What comes before the summarize is a table query (kql-evaluator.ts) or a union of them.
  const segments = splitTopLevel(query, '|');
  const at = segments.findIndex((s) => /^\s*summarize\s/.test(s));
  if (at < 1) throw new Error('KQL correlation: expected a query, then | summarize');
  const ops = segments.slice(at);
  let rows: Row[] = runSource(segments.slice(0, at).join('|').trim(), tables);
  for (const op of ops) {
    const text = op.trim();
    if (text.startsWith('summarize ')) rows = summarize(text.slice('summarize '.length), rows);
    else if (text.startsWith('where ')) {
      const predicate = new ExprParser(text.slice('where '.length)).parse();
      rows = rows.filter((row) => {
        const v = evaluate(predicate, row, options.now);
        return v.t === 'bool' && v.v === true;
      });
    } else throw new Error(`KQL correlation: operator "${text.split(/\s/)[0]}" is outside the supported subset`);
  }
  return rows.map((row) => Object.fromEntries([...row].map(([k, v]) => [k, plain(v)])));
}

/** The source: one table query, or `union (q), (q), ...`; a trailing `| extend name = "text"` is applied here. */
function runSource(source: string, tables: Readonly<Record<string, KqlTableInput>>): KqlRow[] {
  if (/^union\s*\(/.test(source)) {
    const inner = source.slice('union'.length).trim();
    return splitTopLevel(inner, ',').flatMap((branch) => {
      const b = branch.trim();
      if (!b.startsWith('(') || !b.endsWith(')')) throw new Error('KQL correlation: union takes parenthesised queries here');
      return runSource(b.slice(1, -1).trim(), tables);
    });
  }
  const segments = splitTopLevel(source, '|');
  const last = segments[segments.length - 1]!.trim();
  const extend = /^extend\s+([A-Za-z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*")$/.exec(last);
  if (!extend) return runKql(source, tables);
  const rows = runKql(segments.slice(0, -1).join('|'), tables);
  const value: KqlValue = { t: 'string', v: JSON.parse(extend[2]!) as string };
  return rows.map((row) => new Map(row).set(extend[1]!, value));
}

/** Splits at `separator` outside parentheses, brackets and string literals ("...", '...', @"..."). */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const verbatim = text[i - 1] === '@';
      i++;
      while (i < text.length && text[i] !== c) {
        if (!verbatim && text[i] === '\\') i++;
        i++;
      }
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// ---------------------------------------------------------------------------------------------------
// summarize

type Value =
  | { t: 'long'; v: number }
  | { t: 'datetime'; v: number | null }
  | { t: 'timespan'; v: number }
  | { t: 'string'; v: string }
  | { t: 'bool'; v: boolean | null };
type Row = ReadonlyMap<string, KqlValue | Value>;

const plain = (v: KqlValue | Value): string | number | null => {
  if (v.t === 'datetime') return isoOf(datetimeOf(v));
  return v.v as string | number | null;
};

function summarize(text: string, rows: readonly Row[]): Row[] {
  const m = /^([A-Za-z_]\w*)\s*=\s*([a-z_]+)\((.*?)\)\s+by\s+(.+)$/s.exec(text.trim());
  if (!m) throw new Error(`KQL correlation: summarize "${text}" is outside the supported subset (Name = aggregation(...) by ...)`);
  const [, name, fn, rawArgs, rawKeys] = m as unknown as [string, string, string, string, string];
  const args = rawArgs.trim() === '' ? [] : splitTopLevel(rawArgs, ',').map((a) => a.trim());
  const keys = splitTopLevel(rawKeys, ',').map((k) => k.trim());
  const keyOf = keys.map((k): { column: string; read: (row: Row) => Value | KqlValue } => {
    const bin = /^bin\(\s*([A-Za-z_]\w*)\s*,\s*(\d+(?:d|h|m|s|ms))\s*\)$/.exec(k);
    if (bin) {
      const span = timespan(bin[2]!);
      if (span > DAY_MS || DAY_MS % span !== 0)
        throw new Error(`KQL correlation: bin size ${bin[2]} does not divide a day; the origin of bin()'s multiples is not documented`);
      return { column: bin[1]!, read: (row) => binDatetime(datetimeOf(column(row, bin[1]!)), span) };
    }
    if (!/^[A-Za-z_]\w*$/.test(k)) throw new Error(`KQL correlation: group expression "${k}" is outside the supported subset`);
    return { column: k, read: (row) => column(row, k) };
  });
  const aggregate = aggregation(fn, args);
  const groups = new Map<string, { keys: (Value | KqlValue)[]; rows: Row[] }>();
  for (const row of rows) {
    const values = keyOf.map((k) => k.read(row));
    const id = JSON.stringify(values.map(plain));
    const group = groups.get(id) ?? { keys: values, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  return [...groups.values()].map(({ keys: values, rows: members }) => {
    const out = new Map<string, KqlValue | Value>();
    keyOf.forEach((k, i) => {
      out.set(k.column, values[i]!);
    });
    out.set(name, { t: 'long', v: aggregate(members) });
    return out;
  });
}

function aggregation(fn: string, args: readonly string[]): (rows: readonly Row[]) => number {
  switch (fn) {
    case 'count':
      if (args.length) throw new Error('KQL correlation: count() takes no argument here');
      return (rows) => rows.length;
    case 'count_distinct':
    case 'count_distinctif': {
      const [expr, predicate] = args;
      if (!expr || !/^[A-Za-z_]\w*$/.test(expr)) throw new Error(`KQL correlation: ${fn} of "${expr}" is outside the supported subset (a column)`);
      const test = fn === 'count_distinctif' ? isNotEmptyTest(predicate) : () => true;
      return (rows) => {
        const seen = new Set<string>();
        for (const row of rows) {
          if (!test(row)) continue;
          const v = column(row, expr);
          if (v.v === null) continue;
          seen.add(JSON.stringify(plain(v)));
        }
        return seen.size;
      };
    }
    default:
      throw new Error(`KQL correlation: aggregation ${fn}() is outside the supported subset`);
  }
}

function isNotEmptyTest(predicate: string | undefined): (row: Row) => boolean {
  const m = predicate === undefined ? null : /^isnotempty\(\s*([A-Za-z_]\w*)\s*\)$/.exec(predicate);
  if (!m) throw new Error(`KQL correlation: count_distinctif predicate "${predicate}" is outside the supported subset (isnotempty(column))`);
  // isnotempty: true unless the value is null or an empty string.
  return (row) => {
    const v = column(row, m[1]!);
    return v.v !== null && v.v !== '';
  };
}

function column(row: Row, name: string): KqlValue | Value {
  const v = row.get(name);
  if (!v) throw new Error(`KQL correlation: no column ${name}`);
  return v;
}

function timespan(text: string): number {
  const m = /^(\d+)(d|h|m|s|ms)$/.exec(text);
  if (!m) throw new Error(`KQL correlation: timespan literal ${text} is outside the supported subset`);
  return Number(m[1]) * UNIT[m[2]!]!;
}

/** A datetime value as milliseconds (ISO 8601 text, to the millisecond), or null. */
function datetimeOf(v: KqlValue | Value): number | null {
  if (v.t !== 'datetime') throw new Error(`KQL correlation: bin() of a ${v.t} value is outside the supported subset`);
  if (v.v === null) return null;
  if (typeof v.v === 'number') return v.v;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(v.v.trim());
  if (!m) throw new Error(`KQL correlation: datetime "${v.v}" is outside the supported subset`);
  const t = Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}${m[4] ?? 'Z'}`);
  return Number.isNaN(t) ? null : t;
}

function binDatetime(t: number | null, span: number): Value {
  return { t: 'datetime', v: t === null ? null : Math.floor(t / span) * span };
}

// ---------------------------------------------------------------------------------------------------
// where: comparisons of counts and datetimes, and, bin(now(), span) - span

type Node =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'span'; readonly v: number }
  | { readonly k: 'col'; readonly name: string }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Node[] }
  | { readonly k: 'bin'; readonly op: string; readonly l: Node; readonly r: Node };

class ExprParser {
  private readonly tokens: string[];
  private pos = 0;
  constructor(text: string) {
    this.tokens = text.match(/\d+(?:d|h|ms|m|s)\b|\d+|[A-Za-z_]\w*|==|!=|>=|<=|[<>()\-,]/g) ?? [];
    const rest = text.replace(/\d+(?:d|h|ms|m|s)\b|\d+|[A-Za-z_]\w*|==|!=|>=|<=|[<>()\-,]|\s/g, '');
    if (rest) throw new Error(`KQL correlation: "${rest}" in a where clause is outside the supported subset`);
  }
  parse(): Node {
    const e = this.or();
    if (this.pos !== this.tokens.length) throw new Error(`KQL correlation: unexpected "${this.tokens[this.pos]}"`);
    return e;
  }
  private or(): Node {
    let l = this.and();
    while (this.tokens[this.pos] === 'or') {
      this.pos++;
      l = { k: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.cmp();
    while (this.tokens[this.pos] === 'and') {
      this.pos++;
      l = { k: 'bin', op: 'and', l, r: this.cmp() };
    }
    return l;
  }
  private cmp(): Node {
    const l = this.sub();
    const op = this.tokens[this.pos];
    if (op && ['==', '!=', '>', '>=', '<', '<='].includes(op)) {
      this.pos++;
      return { k: 'bin', op, l, r: this.sub() };
    }
    return l;
  }
  private sub(): Node {
    let l = this.primary();
    while (this.tokens[this.pos] === '-') {
      this.pos++;
      l = { k: 'bin', op: '-', l, r: this.primary() };
    }
    return l;
  }
  private primary(): Node {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error('KQL correlation: a where clause ends too early');
    if (/^\d+(d|h|ms|m|s)$/.test(t)) return { k: 'span', v: timespan(t) };
    if (/^\d+$/.test(t)) return { k: 'num', v: Number(t) };
    if (t === '(') {
      const e = this.or();
      if (this.tokens[this.pos++] !== ')') throw new Error('KQL correlation: missing ")"');
      return e;
    }
    if (/^[A-Za-z_]\w*$/.test(t)) {
      if (this.tokens[this.pos] !== '(') return { k: 'col', name: t };
      this.pos++;
      const args: Node[] = [];
      while (this.tokens[this.pos] !== ')') {
        if (args.length) {
          if (this.tokens[this.pos++] !== ',') throw new Error('KQL correlation: expected ","');
        }
        args.push(this.or());
      }
      this.pos++;
      return { k: 'call', fn: t, args };
    }
    throw new Error(`KQL correlation: unexpected "${t}"`);
  }
}

function evaluate(node: Node, row: Row, now: number | undefined): Value {
  switch (node.k) {
    case 'num':
      return { t: 'long', v: node.v };
    case 'span':
      return { t: 'timespan', v: node.v };
    case 'col': {
      const v = column(row, node.name);
      if (v.t === 'datetime') return { t: 'datetime', v: datetimeOf(v) };
      if (v.t === 'long' || v.t === 'int' || v.t === 'real') return { t: 'long', v: v.v ?? Number.NaN };
      throw new Error(`KQL correlation: a ${v.t} column in a where clause is outside the supported subset`);
    }
    case 'call': {
      if (node.fn === 'now' && node.args.length === 0) {
        if (now === undefined) throw new Error('KQL correlation: now() needs the time the query runs (options.now)');
        return { t: 'datetime', v: now };
      }
      if (node.fn === 'bin' && node.args.length === 2) {
        const value = evaluate(node.args[0]!, row, now);
        const size = evaluate(node.args[1]!, row, now);
        if (value.t !== 'datetime' || size.t !== 'timespan') throw new Error('KQL correlation: bin() of a datetime by a timespan only');
        if (size.v > DAY_MS || DAY_MS % size.v !== 0) throw new Error('KQL correlation: bin size does not divide a day');
        return binDatetime(value.v, size.v);
      }
      throw new Error(`KQL correlation: function ${node.fn}() is outside the supported subset`);
    }
    case 'bin': {
      const l = evaluate(node.l, row, now);
      const r = evaluate(node.r, row, now);
      if (node.op === 'and' || node.op === 'or') {
        if (l.t !== 'bool' || r.t !== 'bool') throw new Error(`KQL correlation: ${node.op} of non-booleans`);
        return { t: 'bool', v: node.op === 'and' ? l.v === true && r.v === true : l.v === true || r.v === true };
      }
      if (node.op === '-') {
        if (l.t !== 'datetime' || r.t !== 'timespan') throw new Error('KQL correlation: only datetime - timespan is supported');
        return { t: 'datetime', v: l.v === null ? null : l.v - r.v };
      }
      if (l.t !== r.t || (l.t !== 'long' && l.t !== 'datetime')) throw new Error(`KQL correlation: ${l.t} ${node.op} ${r.t} is outside the supported subset`);
      const a = l.v as number | null;
      const b = r.v as number | null;
      // A comparison with null is null, which where treats as false.
      if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b)) return { t: 'bool', v: null };
      const result = { '==': a === b, '!=': a !== b, '>': a > b, '>=': a >= b, '<': a < b, '<=': a <= b }[node.op];
      if (result === undefined) throw new Error(`KQL correlation: operator ${node.op} is outside the supported subset`);
      return { t: 'bool', v: result };
    }
  }
}

/**
 * A datetime as ISO 8601 text to the millisecond, or null: two spellings of one instant (an offset, a
 * fraction) are one group key and one distinct value, as summarize and count_distinct compare values.
 */
function isoOf(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}
