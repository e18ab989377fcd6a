/**
 * Runs compiled DuckDB conditions over events in an in-memory DuckDB: the events are bulk-loaded once
 * (one NDJSON file, read_ndjson_objects) into the documented `events(event JSON)` shape, with their
 * index `i` and the condition `k` each is for; each batch of conditions is one query (a UNION ALL of one
 * SELECT per condition over its own rows). DuckDB parses a JSON text at each json_extract, so a
 * condition runs on its own events only, not on every row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface DuckDbHarness {
  /** Loads rows as table `name` (columns i: the row's index, k, event). */
  load(name: string, rows: readonly { readonly k: number; readonly event: unknown }[]): Promise<void>;
  /** For each condition k, the indices of the rows with that k it selects. */
  evaluate(name: string, conditions: readonly string[]): Promise<Set<number>[]>;
  /** One query's rows. */
  rows(sql: string): Promise<unknown[][]>;
  close(): void;
}

export async function openDuckDb(): Promise<DuckDbHarness> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-sql-'));
  let files = 0;
  return {
    async load(name, rows) {
      const file = join(dir, `${files++}.ndjson`);
      writeFileSync(file, rows.map(({ k, event }, i) => JSON.stringify({ i, k, e: event })).join('\n'));
      await connection.run(
        `CREATE TABLE ${name} AS SELECT CAST(json_extract(json, '$.i') AS INTEGER) AS i, CAST(json_extract(json, '$.k') AS INTEGER) AS k, json_extract(json, '$.e') AS event FROM read_ndjson_objects('${file}')`,
      );
    },
    async evaluate(name, conditions) {
      const out = conditions.map(() => new Set<number>());
      for (let from = 0; from < conditions.length; from += 16) {
        const batch = conditions.slice(from, from + 16).map((c, j) => `SELECT ${from + j} AS k, i, (${c}) AS hit FROM ${name} WHERE k = ${from + j}`);
        const reader = await connection.runAndReadAll(batch.join('\nUNION ALL\n'));
        for (const [k, i, hit] of reader.getRows()) {
          if (hit === null) throw new Error(`condition ${String(k)} is NULL on row ${String(i)}: a match must never be NULL`);
          if (hit === true) out[Number(k)]!.add(Number(i));
        }
      }
      return out;
    },
    async rows(sql) {
      return (await connection.runAndReadAll(sql)).getRows();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
