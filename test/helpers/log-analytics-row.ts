/**
 * An event as Log Analytics can tell it, for judging it with the rule engine beside the KQL oracle. Every
 * column is in every row, so a null column is an absent one. A string column holds text only, cannot hold
 * null and stores an absent value as "" (https://learn.microsoft.com/kusto/query/scalar-data-types/string,
 * https://learn.microsoft.com/kusto/query/scalar-data-types/null-values, "Null values and data ingestion"):
 * "" is absent there too, and an object or array there is its JSON text. Inside a dynamic column an absent
 * key, a key holding null and a key holding "" are three values (isnull() is false for "":
 * https://learn.microsoft.com/kusto/query/isnull-function; bag_has_key() sees a key holding null:
 * https://learn.microsoft.com/kusto/query/bag-has-key-function), kept as they are.
 */
import type { KqlTable } from '../../core/detection/compilers/kql.ts';

export function laCanonical(event: unknown, table: KqlTable): unknown {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return event;
  return Object.fromEntries(
    Object.entries(event)
      .filter(([k, v]) => v !== null && (v !== '' || table.columnType(k) === 'dynamic'))
      .map(([k, v]) => [k, table.columnType(k) === 'string' && typeof v === 'object' ? JSON.stringify(v) : v]),
  );
}
