import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../../../core/config/json-schema.ts';

describe('guardrails.schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` after changing core/config/schema.ts)', () => {
    expect(readFileSync(new URL('../../../guardrails.schema.json', import.meta.url), 'utf8')).toBe(renderJsonSchema());
  });

  it('rejects unknown keys for editors too', () => {
    const schema = JSON.parse(renderJsonSchema()) as { additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['aws']?.additionalProperties).toBe(false);
  });
});
