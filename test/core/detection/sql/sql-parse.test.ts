/**
 * Every Athena and BigQuery query of the catalog parses with an independent SQL parser for its dialect
 * (node-sql-parser, "trino" and "bigquery"). One Trino construct it cannot parse is pinned instead by a
 * printer test (sql-printers.test.ts): JSON values read as `CAST(json_parse(json_query(col, 'lax ...'
 * WITH ARRAY WRAPPER)) AS ARRAY(JSON))` (Trino documents json_query's WITH ARRAY WRAPPER,
 * https://trino.io/docs/current/functions/json.html#json-query, and casts JSON to ARRAY(JSON),
 * https://trino.io/docs/current/functions/json.html#cast-from-json); here each such call, matched
 * exactly, stands as a function call of the same arguments before parsing.
 */
import pkg from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../core/detection/catalog.ts';
import { compileSqlQuery, SqlCompileError, type SqlDialect } from '../../../../core/detection/compilers/sql.ts';
import { exampleModel } from '../../../helpers/config.ts';

const parser = new pkg.Parser();
const catalog = loadCatalog(exampleModel());

/** The pinned Trino JSON-values construct, exactly as sql-athena.ts prints it. */
const JSON_VALUES = /CAST\(json_parse\(json_query\((\w+), ('(?:[^']|'')*') WITH ARRAY WRAPPER\)\) AS ARRAY\(JSON\)\)/g;

function compiled(dialect: SqlDialect): { id: string; query: string }[] {
  return catalog.flatMap((r) => {
    try {
      return [{ id: r.rule.id, query: compileSqlQuery(r, dialect) }];
    } catch (error) {
      if (error instanceof SqlCompileError) return [];
      throw error;
    }
  });
}

describe('Athena (Trino) and BigQuery queries parse', () => {
  const athena = compiled('athena');
  const bigquery = compiled('bigquery');

  it('compiles every AWS rule to Athena and every GCP rule to BigQuery', () => {
    expect(athena.length).toBe(catalog.filter((r) => r.rule.logsource.product === 'aws').length);
    expect(bigquery.length).toBe(catalog.filter((r) => r.rule.logsource.product === 'gcp').length);
  });

  it.each(athena.map((c) => [c.id, c.query] as const))('athena %s', (_id, query) => {
    const substituted = query.replace(JSON_VALUES, 'json_values($1, $2)');
    expect(() => parser.astify(substituted, { database: 'trino' })).not.toThrow();
  });

  it.each(bigquery.map((c) => [c.id, c.query] as const))('bigquery %s', (_id, query) => {
    expect(() => parser.astify(query, { database: 'bigquery' })).not.toThrow();
  });

  it('leaves nothing but the pinned construct to substitution, and the parser does reject what is not SQL', () => {
    const substitutions = athena.reduce((n, c) => n + (c.query.match(JSON_VALUES)?.length ?? 0), 0);
    expect(substitutions).toBeGreaterThan(0);
    for (const c of athena) expect(c.query.replace(JSON_VALUES, '').includes('WITH ARRAY WRAPPER')).toBe(false);
    expect(() => parser.astify('SELECT * FROM t WHERE any_match(resources, r -> r.arn = ', { database: 'trino' })).toThrow();
    expect(() => parser.astify('SELECT * FROM t WHERE EXISTS (SELECT 1 FROM UNNEST(a) AS e WHERE', { database: 'bigquery' })).toThrow();
  });
});
