/**
 * `guardrails rules --target duckdb|athena|bigquery` (core/cli/rules.ts): each rule of the clouds the
 * dialect's table holds, as a SQL SELECT, a rule it cannot express listed with the reason; never counted
 * as a deployment failure; correlations listed with why SQL does not count.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadCatalogWithCorrelations } from '../../../../core/detection/catalog.ts';
import { printRules, printRulesJson, RULES_TARGETS } from '../../../../core/cli/rules.ts';
import { exampleModel } from '../../../helpers/config.ts';

const { rules, correlations } = loadCatalogWithCorrelations(exampleModel());

function capture(print: (out: NodeJS.WritableStream) => number): { text: string; failures: number } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const failures = print(out);
  return { text: Buffer.concat(chunks).toString('utf8'), failures };
}

describe('guardrails rules --target with a SQL dialect', () => {
  it('takes the SQL dialects beside the deployment targets', () => {
    expect(RULES_TARGETS).toEqual(['cloudwatch', 'eventbridge', 'kql', 'gcp', 'duckdb', 'athena', 'bigquery']);
  });

  it('prints a SELECT per rule of every cloud for duckdb, never as deployed, and no failure', () => {
    const { text, failures } = capture((out) => printRules(rules, { target: 'duckdb', out, correlations }));
    expect(failures).toBe(0);
    const headers = text.split('\n').filter((l) => l.startsWith('# ') && l.includes(' -> duckdb '));
    expect(headers.length).toBe(rules.length + correlations.length);
    expect(headers.every((h) => h.includes('(not deployed'))).toBe(true);
    expect(text.match(/^SELECT event FROM events$/gm)?.length).toBe(rules.length);
  });

  it('prints only AWS rules for athena and GCP rules for bigquery', () => {
    const athena = capture((out) => printRules(rules, { target: 'athena', out })).text;
    expect(athena.match(/ -> athena /g)?.length).toBe(rules.filter((r) => r.rule.logsource.product === 'aws').length);
    expect(athena).toContain('SELECT * FROM cloudtrail');
    const bigquery = capture((out) => printRules(rules, { target: 'bigquery', cloud: 'gcp', out })).text;
    expect(bigquery.match(/ -> bigquery /g)?.length).toBe(rules.filter((r) => r.rule.logsource.product === 'gcp').length);
    expect(bigquery).toContain('SELECT * FROM `_AllLogs`');
  });

  it('says in JSON why a correlation is not compiled to SQL', () => {
    const { text } = capture((out) => printRulesJson(rules, [], { target: 'duckdb', out, correlations }));
    const reports = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { correlation?: string; targets: Record<string, { ok: boolean; query?: string; error?: string }> });
    expect(reports.filter((r) => !r.correlation).every((r) => r.targets['duckdb']?.ok === true)).toBe(true);
    const correlated = reports.filter((r) => r.correlation);
    expect(correlated.length).toBe(correlations.length);
    for (const c of correlated) expect(c.targets['duckdb']?.error).toContain('the SQL backend compiles single-event rules');
  });
});

describe('the Athena table name', () => {
  it('is the table aws.hunting deploys', async () => {
    const { HUNTING_TABLE_NAME } = await import('../../../../core/aws/hunting-names.ts');
    const { athenaPrinter } = await import('../../../../core/detection/compilers/sql-athena.ts');
    expect(athenaPrinter.table).toBe(HUNTING_TABLE_NAME);
  });
});
