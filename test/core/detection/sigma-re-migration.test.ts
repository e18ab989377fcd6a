/**
 * `|re` became case-sensitive, as in Sigma (sigma-specification specification/sigma-appendix-modifiers.md
 * "Regular Expression": "Regex is matched case-sensitive by default"; `|i` for case-insensitive). The one
 * catalog rule with a regex, azure-alerting-disabled, was case-insensitive and moved to `|re|i` so its
 * meaning is unchanged: it still fires on its fixtures (test/fixtures/events/azure/azure-alerting-disabled.json)
 * and on a request body spelled in another case, which a plain `|re` would now miss.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bindRules, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { parseRule } from '../../../core/detection/rule-loader.ts';
import { exampleModel } from '../../helpers/config.ts';

const ID = 'azure-alerting-disabled';
const FILE = `detections/azure/${ID}.yml`;
const model = exampleModel();
const migrated = loadCatalog(model).find((r) => r.rule.id === ID)!;
const text = readFileSync(FILE, 'utf8');
/** The same rule with a plain, now case-sensitive, `|re`. */
const caseSensitive = bindRules([parseRule(text.replace('|re|i:', '|re:'), FILE)], model)[0]!;
const fixture = JSON.parse(readFileSync(`test/fixtures/events/azure/${ID}.json`, 'utf8')) as { positive: unknown[]; negative: unknown[] };

const verdict = (rule: typeof migrated, raw: unknown): boolean => {
  const sourced = detectSource(raw);
  if (!sourced) throw new Error(`not an Azure event: ${JSON.stringify(raw)}`);
  return rule.matches(sourced.event);
};

/** The positive write event with its request body rewritten. */
const withBody = (body: string) => {
  const write = fixture.positive.find((e) => JSON.stringify(e).includes('SCHEDULEDQUERYRULES/WRITE')) as { Properties_d: Record<string, unknown> };
  return { ...write, Properties_d: { ...write.Properties_d, requestbody: body } };
};

describe(`${ID} after |re became case-sensitive`, () => {
  it('is written |re|i, the only regex in the catalog', () => {
    expect(text).toContain(`Properties_d.requestbody|re|i: '"enabled"\\s*:\\s*false'`);
    expect(migrated.expr).toMatchObject({ kind: 'and' });
    expect(JSON.stringify(migrated.expr)).toContain('"op":"re","values":["\\"enabled\\"\\\\s*:\\\\s*false"],"all":false,"cased":false');
  });
  it('fires on every positive fixture and on none of the negatives, as before', () => {
    expect(fixture.positive.map((e) => verdict(migrated, e))).toEqual(fixture.positive.map(() => true));
    expect(fixture.negative.map((e) => verdict(migrated, e))).toEqual(fixture.negative.map(() => false));
  });
  it('still ignores case in the request body; a plain |re would now miss it', () => {
    const bodies = [
      '{"properties": {"Enabled": false}}',
      '{"properties": {"ENABLED" : FALSE}}',
      '{"properties": {"enabled": false}}',
      '{"properties": {"Enabled": true}}',
    ];
    expect(bodies.map((b) => verdict(migrated, withBody(b)))).toEqual([true, true, true, false]);
    expect(bodies.map((b) => verdict(caseSensitive, withBody(b)))).toEqual([false, false, true, false]);
  });
});
