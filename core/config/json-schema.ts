/**
 * JSON Schema for editors, generated from the zod schema (the single source). `npm run schema` writes
 * guardrails.schema.json; a test fails when the committed file is stale.
 *
 * Every key's `description` is its `.describe()` text in schema.ts: z.toJSONSchema copies zod's metadata
 * (the global registry) into the schema, which is what editors show on hover and completion. A test
 * (json-schema-descriptions.test.ts) fails when a key at any depth has none.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema } from './schema.ts';

export const JSON_SCHEMA_FILE = 'guardrails.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'cloud-api-guardrails configuration',
  };
}

export function renderJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(JSON_SCHEMA_FILE, renderJsonSchema());
  console.error(`wrote ${JSON_SCHEMA_FILE}`);
}
