/**
 * Every key of the config carries a description in the JSON Schema, so an editor explains each setting on
 * hover. The walk goes through nested objects, array items, union members (anyOf/oneOf/allOf), maps
 * (additionalProperties) and definitions ($defs), and checks both the schema generated now and the
 * committed guardrails.schema.json that editors read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../core/config/json-schema.ts';

type JsonSchema = { [key: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every property of the schema, at any depth, as [path, its schema]. */
function propertiesOf(schema: JsonSchema, path = ''): Array<[string, JsonSchema]> {
  const found: Array<[string, JsonSchema]> = [];
  const properties = schema['properties'];
  if (isSchema(properties)) {
    for (const [key, child] of Object.entries(properties)) {
      if (!isSchema(child)) continue;
      const childPath = path ? `${path}.${key}` : key;
      found.push([childPath, child], ...propertiesOf(child, childPath));
    }
  }
  const items = schema['items'];
  for (const item of Array.isArray(items) ? items : [items]) if (isSchema(item)) found.push(...propertiesOf(item, `${path}[]`));
  for (const keyword of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    const members = schema[keyword];
    if (!Array.isArray(members)) continue;
    for (const [i, member] of members.entries()) if (isSchema(member)) found.push(...propertiesOf(member, `${path}<${keyword}[${i}]>`));
  }
  for (const keyword of ['additionalProperties', 'not', 'if', 'then', 'else'] as const) {
    const child = schema[keyword];
    if (isSchema(child)) found.push(...propertiesOf(child, `${path}<${keyword}>`));
  }
  for (const keyword of ['$defs', 'definitions'] as const) {
    const defs = schema[keyword];
    if (isSchema(defs)) for (const [name, def] of Object.entries(defs)) if (isSchema(def)) found.push(...propertiesOf(def, `#${name}`));
  }
  return found;
}

/** Paths of the properties without a usable description (missing, empty, or only the key's own name). */
function undescribed(schema: JsonSchema): string[] {
  return propertiesOf(schema)
    .filter(([path, child]) => {
      const description = child['description'];
      const key = path.split(/[.[<#]/).pop() ?? '';
      return typeof description !== 'string' || description.trim().length < 10 || description.trim() === key;
    })
    .map(([path]) => path);
}

const committed = JSON.parse(readFileSync(new URL('../../../guardrails.schema.json', import.meta.url), 'utf8')) as JsonSchema;

describe('every config key has a description', () => {
  it.each([
    ['generated from core/config/schema.ts', configJsonSchema()],
    ['committed guardrails.schema.json', committed],
  ])('%s', (_which, schema) => {
    expect(propertiesOf(schema).length).toBeGreaterThanOrEqual(90);
    expect(undescribed(schema), 'add .describe(...) to these keys in core/config/schema.ts, then npm run schema').toEqual([]);
  });

  it('describes the file as a whole', () => {
    expect(configJsonSchema()['description']).toMatch(/AWS, Azure and GCP/);
  });
});

describe('the walk', () => {
  it('finds undescribed keys in nested objects, array items, union members and definitions', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        described: { description: 'A key with a description.', type: 'string' },
        bare: { type: 'string' },
        tiny: { description: 'tiny', type: 'string' },
        list: {
          description: 'A list of objects.',
          type: 'array',
          items: { type: 'object', properties: { inItem: { type: 'string' } } },
        },
        either: {
          description: 'A union of two objects.',
          anyOf: [{ type: 'object', properties: { inUnion: { type: 'number' } } }, { type: 'string' }],
        },
        map: { description: 'A map of objects.', type: 'object', additionalProperties: { type: 'object', properties: { inMap: { type: 'boolean' } } } },
      },
      $defs: { shared: { type: 'object', properties: { inDef: { type: 'string' } } } },
    };
    expect(undescribed(schema)).toEqual(['bare', 'tiny', 'list[].inItem', 'either<anyOf[0]>.inUnion', 'map<additionalProperties>.inMap', '#shared.inDef']);
  });
});
