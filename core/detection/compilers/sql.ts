/**
 * The SQL backend: a rule's Expr as one SQL boolean expression, printed for DuckDB (the raw records as
 * JSON, sql-duckdb.ts), Athena (the documented CloudTrail table, sql-athena.ts) or BigQuery (the
 * `_AllLogs` view of a Log Analytics linked dataset, sql-bigquery.ts). The meaning is the rule engine's
 * (evaluator.ts), built here once from what each printer provides (sql-printer.ts):
 * - every match reads "some value of the field" (arrays along the path: any element), and is never SQL
 *   NULL (coalesce), so NOT is the evaluator's negation: a negated match holds where the field is absent;
 * - text tests compare each value's text, folded with lower() unless |cased; Sigma wildcards become an
 *   anchored regex over the folded text (`*` any run, `?` one character, line breaks included);
 * - |re runs the rule's regex rewritten for the engine (sql-regex.ts), or the rule is refused;
 * - exists: the key is present (a JSON null counts); null: no value other than null;
 * - gt/gte/lt/lte: a number, or text that is a decimal number, compared as a double;
 * - cidr: an address parsed in SQL (sql-cidr.ts); anything else is a non-match;
 * - fieldref: some value of one field equals some value of the other, as text;
 * - keywords: some string anywhere in the record (DuckDB only: the others have no whole record).
 */
import type { CatalogRule } from '../catalog.ts';
import { parseWildcards, type Expr, type Match, type Scalar } from '../expr.ts';
import { checkFields } from '../logsources/field-check.ts';
import type { Product, Target } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { athenaPrinter } from './sql-athena.ts';
import { bigqueryPrinter } from './sql-bigquery.ts';
import { cidrTest, networksOf } from './sql-cidr.ts';
import { duckdbPrinter } from './sql-duckdb.ts';
import { SQL_DIALECTS, SqlRefusal, type SqlDialect, type SqlPrinter } from './sql-printer.ts';
import { RegexProblem, translateRegex, wildcardRegex } from './sql-regex.ts';

export { SQL_DIALECTS, type SqlDialect } from './sql-printer.ts';

const PRINTERS: Readonly<Record<SqlDialect, SqlPrinter>> = { duckdb: duckdbPrinter, athena: athenaPrinter, bigquery: bigqueryPrinter };

/** The clouds whose logs each dialect's table holds. */
export const SQL_DIALECT_PRODUCTS: Readonly<Record<SqlDialect, readonly Product[]>> = {
  duckdb: duckdbPrinter.products,
  athena: athenaPrinter.products,
  bigquery: bigqueryPrinter.products,
};

/**
 * A rule a SQL dialect cannot express. SQL dialects are not deployment targets (rule.ts TARGETS), so the
 * dialect stands in CompileError's target slot; `dialect` names it with its own type.
 */
export class SqlCompileError extends CompileError {
  constructor(
    ruleId: string,
    readonly dialect: SqlDialect,
    reason: string,
    suggestion: string,
  ) {
    super(ruleId, dialect as unknown as Target, reason, suggestion);
  }
}

const OTHER_DIALECTS: Readonly<Record<SqlDialect, string>> = {
  duckdb: 'Run it with guardrails detect.',
  athena: 'Run it with guardrails detect, or as DuckDB SQL over the raw records (--target duckdb).',
  bigquery: 'Run it with guardrails detect, or as DuckDB SQL over the raw records (--target duckdb).',
};

/** The rule's condition as one SQL boolean expression over the dialect's table. Throws CompileError. */
export function compileSqlCondition(r: CatalogRule, dialect: SqlDialect): string {
  const printer = PRINTERS[dialect];
  const { rule, expr } = r;
  const { product } = rule.logsource;
  if (!printer.products.includes(product))
    throw new SqlCompileError(
      rule.id,
      dialect,
      `the ${dialect} table (${printer.table}) holds ${printer.products.join(', ')} logs, not ${product}`,
      `Use ${SQL_DIALECTS.filter((d) => PRINTERS[d].products.includes(product)).join(' or ')}.`,
    );
  try {
    // The registry's field check, as for every compiler: a field the log source lacks is refused. The
    // object-text refusals there are for targets that cannot see an object's text; the printers refuse
    // what their table cannot read themselves.
    checkFields(rule, expr, dialect as unknown as Target);
  } catch (error) {
    if (error instanceof CompileError) throw new SqlCompileError(rule.id, dialect, error.reason, error.suggestion);
    throw error;
  }
  try {
    printer.begin?.();
    return walk(expr, printer, true);
  } catch (error) {
    if (error instanceof SqlRefusal) throw new SqlCompileError(rule.id, dialect, error.reason, `${error.suggestion} ${OTHER_DIALECTS[dialect]}`.trim());
    throw error;
  }
}

/** SELECT of the rows that match: `SELECT <cols> FROM <table> WHERE <condition>`. */
export function compileSqlQuery(r: CatalogRule, dialect: SqlDialect, table?: string): string {
  const printer = PRINTERS[dialect];
  return `SELECT ${printer.columns} FROM ${table ?? printer.table}\nWHERE ${compileSqlCondition(r, dialect)}`;
}

function walk(e: Expr, p: SqlPrinter, top = false): string {
  switch (e.kind) {
    case 'match':
      return leaf(e, p);
    case 'not':
      return `NOT ${walk(e.item, p)}`;
    case 'and':
    case 'or': {
      const joined = e.items.map((item) => walk(item, p)).join(` ${e.kind.toUpperCase()} `);
      return top ? joined : `(${joined})`;
    }
  }
}

/** Never NULL, so NOT negates it as the rule engine does. */
const some = (p: SqlPrinter, field: string, reading: Parameters<SqlPrinter['some']>[1], test: (t: string) => string): string =>
  `coalesce(${p.some(field, reading, test)}, FALSE)`;

/** Every value (with |all) or some value (without) passes its test, each a `some` of its own or one together. */
function anyOrAll(m: Match, tests: readonly ((t: string) => string)[], over: (test: (t: string) => string) => string): string {
  if (tests.length === 0) return 'FALSE';
  if (m.all && tests.length > 1) return `(${tests.map(over).join(' AND ')})`;
  return over((t) => (tests.length === 1 ? tests[0]!(t) : `(${tests.map((test) => test(t)).join(' OR ')})`));
}

const DECIMAL = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function leaf(m: Match, p: SqlPrinter): string {
  switch (m.op) {
    case 'exists': {
      const present = some(p, m.field, 'presence', () => 'TRUE');
      return m.values[0] === true ? present : `NOT ${present}`;
    }
    case 'null':
      return `NOT ${some(p, m.field, 'nonnull', (t) => `${t} IS NOT NULL`)}`;
    case 'cidr': {
      const networks = networksOf(m.values);
      if (networks.length === 0) return 'FALSE';
      const tests = m.all ? networks.map((n) => (t: string) => cidrTest(t, [n], p)) : [(t: string) => cidrTest(t, networks, p)];
      return anyOrAll(m, tests, (test) => some(p, m.field, 'text', test));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const bounds = m.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const number = (t: string) => `CASE WHEN ${p.fullMatch(t, DECIMAL)} THEN ${p.toDouble(t)} END`;
      const tests = bounds.map((b) => (t: string) => `${number(t)} ${COMPARISON[m.op as keyof typeof COMPARISON]} ${numberLiteral(b)}`);
      return anyOrAll(m, tests, (test) => some(p, m.field, 'text', test));
    }
    case 'fieldref': {
      const fold = (t: string) => (m.cased ? t : p.lower(t));
      const tests = m.values.map((other) => (own: string) => some(p, String(other), 'text', (t) => `${fold(own)} = ${fold(t)}`));
      if (tests.length === 0) return 'FALSE';
      const each = tests.map((test) => some(p, m.field, 'text', test));
      return each.length === 1 ? each[0]! : `(${each.join(m.all ? ' AND ' : ' OR ')})`;
    }
    case 'keyword': {
      const strings = p.strings;
      if (!strings)
        throw new SqlRefusal(
          `a keyword searches every string of the record, and the ${p.dialect} table has no whole record to search`,
          'Test a field instead.',
        );
      const tests = m.values.map((v) => textTest('contains', m, v, p));
      return anyOrAll(m, tests, (test) => `coalesce(${strings(test)}, FALSE)`);
    }
    case 're': {
      const tests = m.values.map((v) => {
        let pattern: string;
        try {
          pattern = translateRegex(String(v), m, p.regexEngine);
        } catch (error) {
          if (error instanceof RegexProblem) throw new SqlRefusal(`regex ${String(v)}: ${error.message}`, 'Rewrite the regex without it.');
          throw error;
        }
        return (t: string) => p.regex(t, pattern);
      });
      return anyOrAll(m, tests, (test) => some(p, m.field, 'text', test));
    }
    case 'equals':
    case 'contains':
    case 'startswith':
    case 'endswith': {
      // Several plain values of an equality: one IN list.
      const literals = m.values.map(literalOf);
      if (m.op === 'equals' && !m.all && m.values.length > 1 && literals.every((l) => l !== undefined)) {
        const fold = (s: string) => (m.cased ? s : s.toLowerCase());
        const list = [...new Set(literals.map((l) => fold(l!)))].map((l) => p.literal(l)).join(', ');
        return some(p, m.field, 'text', (t) => `${m.cased ? t : p.lower(t)} IN (${list})`);
      }
      const tests = m.values.map((v) => textTest(m.op as TextOp, m, v, p));
      return anyOrAll(m, tests, (test) => some(p, m.field, 'text', test));
    }
  }
}

type TextOp = 'equals' | 'contains' | 'startswith' | 'endswith';

/** A number as a SQL literal (plain or exponent form, both read by the three engines). */
function numberLiteral(n: number): string {
  return String(n).replace('e+', 'E').replace('e-', 'E-');
}

/** The literal text of a value without wildcards (numbers and booleans as written), or undefined. */
function literalOf(value: Scalar): string | undefined {
  if (typeof value !== 'string') return String(value);
  const parts = parseWildcards(value);
  return parts.every((part) => part.kind === 'text') ? parts.map((part) => (part.kind === 'text' ? part.text : '')).join('') : undefined;
}

/** One value's test under equals/contains/startswith/endswith, on the (folded unless |cased) text. */
function textTest(op: TextOp, m: Match, value: Scalar, p: SqlPrinter): (t: string) => string {
  const fold = (s: string) => (m.cased ? s : s.toLowerCase());
  const folded = (t: string) => (m.cased ? t : p.lower(t));
  const literal = literalOf(value);
  if (literal !== undefined) {
    const wanted = fold(literal);
    // Every text starts with, ends with and contains the empty string; a null has no text.
    if (wanted === '' && op !== 'equals') return (t) => `${t} IS NOT NULL`;
    switch (op) {
      case 'equals':
        return (t) => `${folded(t)} = ${p.literal(wanted)}`;
      case 'startswith':
        return (t) => p.startsWith(folded(t), wanted);
      case 'endswith':
        return (t) => p.endsWith(folded(t), wanted);
      case 'contains':
        return (t) => p.contains(folded(t), wanted);
    }
  }
  const pieces = parseWildcards(String(value)).map((piece) => (piece.kind === 'text' ? { kind: 'text' as const, text: fold(piece.text) } : piece));
  const pattern = wildcardRegex(pieces, op === 'equals' || op === 'startswith', op === 'equals' || op === 'endswith');
  return (t) => p.regex(folded(t), pattern);
}
