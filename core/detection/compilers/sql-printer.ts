/**
 * What a SQL dialect printer provides to the SQL backend (sql.ts): how it reads a field's values from
 * its table, and its spelling of the string, regex and cast functions. The backend builds every rule's
 * meaning from these, so the three dialects cannot drift apart in semantics, only in spelling.
 */
import type { Product } from '../rule.ts';
import type { CidrFunctions } from './sql-cidr.ts';
import type { RegexEngine } from './sql-regex.ts';

export type SqlDialect = 'duckdb' | 'athena' | 'bigquery';

/** The SQL dialects, here so the CLI can validate `--target` without loading the compilers. */
export const SQL_DIALECTS: readonly SqlDialect[] = ['duckdb', 'athena', 'bigquery'];

/**
 * How a match reads the values of its field:
 * - `text`: each value's text (a string as is, a number or boolean as written, an object as its JSON
 *   text; NULL for a JSON null), as the rule engine's text comparisons read it;
 * - `nonnull`: only whether a value is other than null (Sigma's `field: null`);
 * - `presence`: whether the key is there at all, a JSON null counting (Sigma's `|exists`).
 */
export type Reading = 'text' | 'nonnull' | 'presence';

/** A field the dialect's table cannot read as the rule means it; sql.ts turns it into a CompileError. */
export class SqlRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly suggestion: string,
  ) {
    super(reason);
  }
}

export interface SqlPrinter extends CidrFunctions {
  readonly dialect: SqlDialect;
  /** The clouds whose logs the dialect's table holds. */
  readonly products: readonly Product[];
  readonly table: string;
  readonly columns: string;
  readonly regexEngine: RegexEngine;
  /** Called before each rule, so names the printer invents (lambda parameters) are the same whatever was compiled before. */
  readonly begin?: () => void;
  /**
   * SQL that is TRUE when some value of `field` (arrays along the path fanned out: any element counts)
   * passes `test`, given the value's text expression (or, for `presence`, any value at all). Throws
   * SqlRefusal when the table cannot read the field so.
   */
  some(field: string, reading: Reading, test: (text: string) => string): string;
  /** SQL that is TRUE when some string value anywhere in the record passes `test` (Sigma keywords); absent when the table has no whole record. */
  readonly strings?: (test: (text: string) => string) => string;
  readonly lower: (text: string) => string;
  readonly contains: (text: string, literal: string) => string;
  readonly startsWith: (text: string, literal: string) => string;
  readonly endsWith: (text: string, literal: string) => string;
  /** The regex matches somewhere in the text (the pattern carries its flags inline). */
  readonly regex: (text: string, pattern: string) => string;
  readonly toDouble: (text: string) => string;
}
