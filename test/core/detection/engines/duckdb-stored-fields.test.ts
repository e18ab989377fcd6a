/**
 * The detect engine stores each field's texts once per event (storedTexts, from one json_type and one
 * json_extract_string parse with a list of paths) and the rules read those lists. Here the stored list
 * is checked against the js engine's own path reader (field-path.ts) on shapes that take every branch:
 * objects all the way, arrays on the way and at the end, JSON null, absent keys, a scalar on the way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { storedTexts } from '../../../../core/detection/compilers/sql-duckdb.ts';
import { compilePath } from '../../../../core/detection/field-path.ts';
import { openDuckDb } from '../sql/duckdb-harness.ts';

const EVENTS: unknown[] = [
  {},
  { a: null },
  { a: 'text' },
  { a: 7 },
  { a: true },
  { a: { b: 'x' } },
  { a: { b: null } },
  { a: { b: { c: 'deep' } } },
  { a: { b: { c: null, d: 1 } } },
  { a: { b: ['x', 'y', null, 3] } },
  { a: { b: [['nested'], 'flat'] } },
  { a: [{ b: 'one' }, { b: 'two' }, 'skip', null] },
  { a: [{ b: { c: 'in array' } }, { b: [{ c: 'deeper' }, { c: ['e1', 'e2'] }] }] },
  { a: [[{ b: 'inner' }]] },
  { a: { b: 'quote " and \\ and é' } },
  { a: { b: { obj: [1, 'two'] } } },
  { a: 'not an object', 'a.b': 'a literal dotted key' },
];

const FIELDS = ['a', 'a.b', 'a.b.c'];

/** The js engine's text of a value (evaluator.ts): a string as is, null as none, anything else as JSON. */
const jsText = (v: unknown): string | null => (typeof v === 'string' ? v : v === null ? null : JSON.stringify(v));

describe('storedTexts: a field stored once per event reads as the js engine reads it', async () => {
  const db = await openDuckDb();
  afterAll(() => db.close());
  await db.load(
    'stored',
    EVENTS.map((event) => ({ k: 0, event })),
  );

  it.each(FIELDS)('field %s', async (field) => {
    const types: string[] = [];
    const strings: string[] = [];
    const at = (list: string[], path: string) => (list.includes(path) ? list.indexOf(path) : list.push(path) - 1) + 1;
    const texts = storedTexts(
      field,
      (path) => `tt[${at(types, path)}]`,
      (path) => `ss[${at(strings, path)}]`,
    );
    const lists = (list: string[]) => `[${list.map((p) => `'${p}'`).join(', ')}]`;
    const rows = await db.rows(
      `SELECT i, ${texts} FROM (SELECT i, event, json_type(event, ${lists(types)}) AS tt, json_extract_string(event, ${lists(strings)}) AS ss FROM stored) ORDER BY i`,
    );
    const read = compilePath(field);
    const expected = EVENTS.map((event) => read(event).map(jsText));
    const actual = rows.map(([, list]) => (list as { items: (string | null)[] }).items);
    expect(actual).toEqual(expected);
  });

  it('tells an absent key, a JSON null and an array on the way apart', async () => {
    const texts = storedTexts(
      'a.b',
      (path) => `json_type(event, '${path}')`,
      (path) => `json_extract_string(event, '${path}')`,
    );
    const rows = await db.rows(`SELECT i, ${texts} FROM stored WHERE i IN (0, 6, 11) ORDER BY i`);
    expect(rows.map(([, list]) => (list as { items: unknown[] }).items)).toEqual([[], [null], ['one', 'two']]);
  });
});
