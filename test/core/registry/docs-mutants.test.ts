/**
 * core/registry/docs.ts's rule resolution and README section handling, on small hand-made inputs, for the
 * mutants the StrykerJS run of core/registry left alive or uncovered (bench/mutation-results.md): the registry
 * test (controls.test.ts) checks the real registry, whose data never reaches these branches.
 */
import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '../../../core/registry/controls.ts';
import { LAYOUT_END, LAYOUT_START, layoutSection, type RuleContext, resolveRules, ruleIds, withLayout } from '../../../core/registry/docs.ts';
import type { Rule } from '../../../core/detection/rule.ts';

const rule = (id: string, product: string, service: string, targets: string[]): Rule =>
  ({ id, file: `detections/${product}/${id}.yml`, logsource: { product, service }, targets }) as unknown as Rule;

const context: RuleContext = {
  catalog: [
    rule('aws-a', 'aws', 'cloudtrail', ['eventbridge']),
    rule('aws-b', 'aws', 'cloudtrail', ['cloudwatch']),
    rule('gcp-a', 'gcp', 'gcp.audit', ['gcp']),
  ],
  generated: new Map([['selfProtectionRules', ['guardrails-tamper-1', 'guardrails-tamper-2']]]),
};

const entry = (rules: RegistryEntry['rules']): RegistryEntry => ({ id: 'test-entry', rules }) as unknown as RegistryEntry;
const generator = { from: { file: 'core/aws/self-protection-rules.ts', symbol: 'selfProtectionRules' }, when: 'always' };

describe('resolveRules / ruleIds', () => {
  it('selects catalog rules by product, then by target', () => {
    expect(ruleIds(entry({ catalog: { product: 'gcp' } } as RegistryEntry['rules']), context)).toEqual(['gcp-a']);
    expect(ruleIds(entry({ catalog: { product: 'aws', target: 'eventbridge' } } as RegistryEntry['rules']), context)).toEqual(['aws-a']);
  });

  it('adds the ids a rule generator produces after the catalog ones', () => {
    expect(ruleIds(entry({ catalog: { product: 'gcp' }, generated: [generator] } as RegistryEntry['rules']), context)).toEqual([
      'gcp-a',
      'guardrails-tamper-1',
      'guardrails-tamper-2',
    ]);
  });

  it('refuses a generator the docs do not know, naming the entry and the symbol', () => {
    const unknown = { ...generator, from: { ...generator.from, symbol: 'noSuchGenerator' } };
    expect(() => resolveRules(entry({ generated: [unknown] } as RegistryEntry['rules']), context)).toThrow(
      'test-entry: no rule generator noSuchGenerator in core/registry/docs.ts RULE_GENERATORS',
    );
  });
});

describe('the README layout section', () => {
  const section = `${LAYOUT_START}\nold\n${LAYOUT_END}`;

  it('is found from the very first character of the file', () => {
    expect(layoutSection(`${section}\nafter`)).toBe(section);
  });

  it('is refused when a marker is missing or the end comes first', () => {
    const message = `README.md has no ${LAYOUT_START} ... ${LAYOUT_END} section`;
    expect(() => layoutSection('no markers')).toThrow(message);
    expect(() => layoutSection(`intro\n${LAYOUT_START}\nno end`)).toThrow(message);
    expect(() => layoutSection(`${LAYOUT_END}\n${LAYOUT_START}`)).toThrow(message);
  });

  it('is replaced whole, and only it, with the text given (even with $ patterns in it)', () => {
    const fresh = `${LAYOUT_START}\nnew $& $1\n${LAYOUT_END}`;
    expect(withLayout(`before\n${section}\nafter`, fresh)).toBe(`before\n${fresh}\nafter`);
  });
});
