/**
 * The hunt queries around the compiled conditions parse with an independent SQL parser for their
 * dialect (node-sql-parser, "trino" and "bigquery"), with many rules of the catalog in one batch, as
 * the engines submit them. The compiled conditions alone are checked in test/core/detection/sql/; the
 * one Trino construct the parser cannot read is substituted here the same way (sql-parse.test.ts).
 */
import pkg from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { compileSqlCondition } from '../../../core/detection/compilers/sql.ts';
import { athenaQuery } from '../../../core/hunt/athena.ts';
import { bigqueryQuery } from '../../../core/hunt/bigquery.ts';
import { compileForEngine } from '../../../core/hunt/compile.ts';
import { exampleModel } from '../../helpers/config.ts';

const parser = new pkg.Parser();
const catalog = loadCatalog(exampleModel());
const range = { start: new Date('2026-10-31T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
const JSON_VALUES = /CAST\(json_parse\(json_query\((\w+), ('(?:[^']|'')*') WITH ARRAY WRAPPER\)\) AS ARRAY\(JSON\)\)/g;

describe('hunt queries parse', () => {
  it('athena: every AWS rule of the catalog in one query', () => {
    const rules = compileForEngine(
      catalog,
      'aws',
      (r) => compileSqlCondition(r, 'athena'),
      () => {},
    );
    expect(rules.length).toBeGreaterThan(10);
    const sql = athenaQuery(rules, { database: 'guardrails_hunting', table: 'cloudtrail', range, accounts: ['111111111111'], regions: ['eu-west-1'] });
    expect(() => parser.astify(sql.replace(JSON_VALUES, 'json_values($1, $2)'), { database: 'trino' })).not.toThrow();
  });

  it('bigquery: GCP rules of the catalog in one query', () => {
    const rules = compileForEngine(
      catalog,
      'gcp',
      (r) => compileSqlCondition(r, 'bigquery'),
      () => {},
    );
    expect(rules.length).toBeGreaterThan(10);
    // Five rules: the parser takes ~0.5 s per rule here, and each rule alone is parsed in sql-parse.test.ts.
    const sql = bigqueryQuery(rules.slice(0, 5), { project: 'log-project', dataset: 'guardrails_audit', range });
    expect(() => parser.astify(sql, { database: 'bigquery' })).not.toThrow();
  });

  it('the parser rejects a wrapper that is not SQL', () => {
    const sql = athenaQuery([{ id: 'r', text: 'eventname = ' }], { database: 'd', table: 't', range, accounts: ['111111111111'] });
    expect(() => parser.astify(sql, { database: 'trino' })).toThrow();
  });
});
