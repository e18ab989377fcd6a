/**
 * planDetect's plan, checked by what it does: the index guard it reads from a rule (guardOf), each
 * column's role, looseness and rank (the js index's order), and its SQL run on tiny NDJSON files in an
 * embedded DuckDB: how each record is classified (plan.records), which rows leave plan.ndjson with their
 * text (only those Node must see) and a plan without rules.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { guardOf, planDetect } from '../../../../core/detection/engines/duckdb-plan.ts';
import type { Expr, Match } from '../../../../core/detection/expr.ts';
import { indexRules } from '../../../../core/detection/rule-index.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { equalsMatch } from '../../../helpers/match.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const AWS = { product: 'aws', service: 'cloudtrail' };
const GCP = { product: 'gcp', service: 'gcp.audit' };
const model = exampleModel();
const rule = (id: string, detection: Record<string, unknown>, logsource = AWS): CatalogRule =>
  bindRules([inlineRule(detection, logsource, { id: `test-${id}` })], model)[0]!;
const idOf = (r: CatalogRule): string => r.rule.id.slice('test-'.length);
const sel = (selection: Record<string, unknown>) => ({ selection, condition: 'selection' });

const match = (field: string, values: Match['values']): Match => equalsMatch(field, values);

describe('guardOf: the index guard of rule-index.ts', () => {
  it('is a positive equality on plain strings only: not an empty list, a wildcard or a number', () => {
    const plain = match('eventName', ['A', 'B']);
    expect(guardOf(plain)).toBe(plain);
    expect(guardOf(match('eventName', []))).toBeUndefined();
    expect(guardOf(match('eventName', ['A', 'B*']))).toBeUndefined();
    expect(guardOf(match('eventName', [5]))).toBeUndefined();
  });

  it('in an and, prefers the eventName equality over one found before it', () => {
    const other = match('sourceIPAddress', ['1.2.3.4']);
    const name = match('eventName', ['A']);
    const expr: Expr = { kind: 'and', items: [other, name] };
    expect(guardOf(expr)).toBe(name);
    expect(guardOf({ kind: 'and', items: [other, match('userAgent', ['x'])] })).toBe(other);
  });
});

describe('planDetect columns', () => {
  it('marks rules reported, bases base, a rule that is both both', () => {
    const a = rule('a', sel({ eventName: 'A' }));
    const b = rule('b', sel({ eventName: 'B' }));
    const c = rule('c', sel({ eventName: 'C' }));
    const plan = planDetect([a, b], [b, c]);
    expect(plan.columns.map((col) => [idOf(col.rule), col.reported, col.base])).toEqual([
      ['a', true, false],
      ['b', true, true],
      ['c', false, true],
    ]);
  });

  it('reads a top-level guard field exactly (not loose), a dotted one loosely', () => {
    const plan = planDetect(
      [rule('name', sel({ eventName: 'A' })), rule('dotted', sel({ 'userIdentity.type': 'Root' })), rule('none', sel({ 'eventName|contains': 'A' }))],
      [],
    );
    expect(plan.columns.map((col) => [idOf(col.rule), col.loose])).toEqual([
      ['name', false],
      ['dotted', true],
      ['none', false],
    ]);
  });

  it('ranks the columns in the order the js index lists the hits on one event', () => {
    const rules = [
      rule('r0', sel({ eventName: 'A' })),
      rule('r1', sel({ 'eventName|contains': 'A' })),
      rule('r2', sel({ sourceIPAddress: '1.2.3.4' })),
      rule('r3', sel({ eventName: 'A', userAgent: 'ua' })),
      rule('r4', sel({ 'eventSource|startswith': 'iam' })),
    ];
    const event = { eventName: 'A', sourceIPAddress: '1.2.3.4', userAgent: 'ua', eventSource: 'iam.amazonaws.com' };
    const plan = planDetect(rules, []);
    const byRank = [...plan.columns].sort((x, y) => x.rank - y.rank).map((col) => idOf(col.rule));
    expect(byRank).toEqual(indexRules(rules)(event).map(idOf));
    expect(byRank).toEqual(['r1', 'r4', 'r0', 'r3', 'r2']);
  });
});

describe('the plan SQL run on small files', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-plan-mutants-'));
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, lines: unknown[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    return path;
  };
  const rows = async (sql: string, path: string): Promise<unknown[][]> => {
    const statement = await connection.prepare(sql);
    statement.bindVarchar(1, path);
    const reader = await statement.runAndReadAll();
    return reader.getRowsJS().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  };

  it('classifies records as detect-source.ts does: CloudTrail 1, Cloud Audit Logs 2, the rest 0 for Node', async () => {
    const plan = planDetect([rule('a', sel({ eventName: 'A' }))], []);
    const records: [unknown, number][] = [
      [{ eventSource: 's', eventName: 'n', eventVersion: '1' }, 1],
      [{ eventSource: 's', eventName: 'n', userIdentity: {} }, 1],
      [{ eventName: 'n', eventVersion: '1', userIdentity: {} }, 0],
      [{ eventSource: 's', eventVersion: '1', userIdentity: {} }, 0],
      [{ eventSource: 's', eventName: 'n' }, 0],
      [{ protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog' } }, 2],
      [{ protoPayload: { '@type': 'type.googleapis.com/other' } }, 0],
      [{ protoPayload: { '@type': 'type.googleapis.com/other', methodName: 'AuditLog' } }, 0],
      [{ protoPayload: {}, logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity' }, 2],
      [{ protoPayload: {}, logName: 'projects/p/logs/other' }, 0],
      [{ protoPayload: {}, logName: 'projects/p/logs/other', note: 'cloudaudit.googleapis.com' }, 0],
      [{ logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity' }, 0],
      [{ protoPayload: { methodName: 'm', serviceName: 's' } }, 2],
      [{ protoPayload: { serviceName: 's' } }, 0],
      [{ protoPayload: { methodName: 'm' } }, 0],
    ];
    const got = await rows(
      `SELECT n, src FROM (${plan.records(1 << 20)}) ORDER BY n`,
      file(
        'classify.ndjson',
        records.map(([r]) => r),
      ),
    );
    expect(got).toEqual(records.map(([, src], i) => [i + 1, src]));
  });

  it('lets a hit out with its text only where Node must see the event; quotes in a guard value; GCP is source 2', async () => {
    const quoted = rule('quoted', sel({ eventName: "O'Brien" }));
    const base = rule('base', sel({ eventName: 'Start' }));
    const named = rule('named', sel({ eventName: 'A' }));
    const gcp = rule('gcp', sel({ 'protoPayload.methodName|contains': 'delete' }), GCP);
    const plan = planDetect([quoted, named, gcp], [base]);
    const aws = { eventSource: 's', eventVersion: '1' };
    const path = file('hits.ndjson', [
      { ...aws, eventName: "O'Brien" },
      { ...aws, eventName: 'Start' },
      { ...aws, eventName: ['B', 'A'] },
      { protoPayload: { methodName: 'v1.delete', serviceName: 'svc' } },
      { ...aws, eventName: 'Quiet' },
    ]);
    const got = await rows(`SELECT n, src, hits, text IS NOT NULL, c FROM (${plan.ndjson(1 << 20)}) ORDER BY n`, path);
    const ids = (hits: unknown) =>
      String(hits)
        .split(',')
        .map((id) => idOf(plan.columns[Number.parseInt(id, 10)]!.rule));
    // c counts the records so far; the last record leaves without a hit, for its count.
    expect(got.map(([n, src, hits, text, c]) => [n, src, hits === '' ? hits : ids(hits), text, c])).toEqual([
      [1, 1, ['quoted'], false, 1],
      [2, 1, ['base'], true, 2],
      [3, 1, ['named'], true, 3],
      [4, 2, ['gcp'], false, 4],
      [5, 1, '', false, 5],
    ]);
    // hits holds the column numbers, a '*' marking those whose event Node must see.
    expect(got.map((row) => row[2])).toEqual(['0', '3*', '1', '2', '']);
    // Without rules, only the last record leaves, with the file's count.
    const none = await rows(`SELECT n, hits, c FROM (${planDetect([], []).ndjson(1 << 20)})`, path);
    expect(none).toEqual([[5, '', 5]]);
  });

  it("keeps the file's last row for its count, not counting blank lines, whatever that row is", async () => {
    const plan = planDetect([rule('named', sel({ eventName: 'A' }))], []);
    const aws = (eventName: string) => JSON.stringify({ eventSource: 's', eventVersion: '1', eventName });
    const count = async (lines: string[]) => {
      const path = join(dir, 'count.ndjson');
      writeFileSync(path, lines.join('\n'));
      return rows(`SELECT n, sub, src, c FROM (${plan.ndjson(1 << 20)}) ORDER BY n, sub`, path);
    };
    // A CloudTrail file's records count one each; the last record leaves for its count.
    expect(await count([aws('A'), `{"Records":[${aws('Quiet')},${aws('A')},${aws('Quiet')}]}`])).toEqual([
      [1, 0, 1, 1],
      [2, 1, 1, 3],
      [2, 2, 1, 4],
    ]);
    // Blank lines leave (Node numbers around them) without counting; the last line is blank here.
    expect(await count([aws('Quiet'), '', aws('Quiet'), '  ', ''])).toEqual([
      [2, 0, -1, 1],
      [4, 0, -1, 2],
    ]);
    expect(await count([])).toEqual([]);
  });
});
