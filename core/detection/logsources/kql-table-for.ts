/** The Log Analytics table each Azure log source is queried in, as the KQL compiler takes it: from the registry. */
import type { KqlTable } from '../compilers/kql.ts';
import { logSource } from './registry.ts';

export function kqlTableFor(service: string): KqlTable {
  const source = logSource('azure', service);
  const name = source?.tables.kql;
  if (!source || !name || !source.columnType) throw new Error(`no Log Analytics table for log source ${service}`);
  return { name, columnType: source.columnType, arrays: source.arrays };
}
