/**
 * The ATT&CK Navigator layer (core/report/navigator-layer.ts) field by field: the order of techniques and
 * of the rules named in each, what a technique with no rule says, the per-cloud metadata, and the display
 * settings, gradient and legend Navigator reads (layer format 4.5,
 * https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5/layerformat.md).
 */
import { describe, expect, it } from 'vitest';
import { navigatorLayer } from '../../../core/report/navigator-layer.ts';

/** Tags out of technique order, rules out of id order, two rules of one cloud on one technique. */
const rules = [
  { id: 'z-rule', product: 'aws', tags: ['attack.t1110', 'attack.t1078.004'] },
  { id: 'c-rule', product: 'gcp', tags: ['attack.t1078.004'] },
  { id: 'a-rule', product: 'aws', tags: ['attack.t1078.004'] },
];

describe('ATT&CK Navigator layer fields', () => {
  it('lists techniques in id order, whatever order the tags come in', () => {
    expect(navigatorLayer(rules, []).techniques.map((t) => t.techniqueID)).toEqual(['T1059.009', 'T1078.004', 'T1110']);
  });

  it('names the rules of a technique in id order, in the comment and per cloud in the metadata', () => {
    const t1078 = navigatorLayer(rules, []).techniques.find((t) => t.techniqueID === 'T1078.004')!;
    expect(t1078.comment).toBe('Valid Accounts: Cloud Accounts. Detected by 3 rule(s): a-rule, c-rule, z-rule.');
    expect(t1078.metadata).toEqual([
      { name: 'aws', value: 'a-rule, z-rule' },
      { name: 'azure', value: '-' },
      { name: 'gcp', value: 'c-rule' },
    ]);
  });

  it('says "none" for T1059.009 without rules, and lists every preventive control', () => {
    const [cloudApi] = navigatorLayer([], ['AWS network-perimeter SCP', 'GCP IAM deny policy']).techniques;
    expect(cloudApi!.comment).toBe(
      'Command and Scripting Interpreter: Cloud API. Detected by 0 rule(s): none. Preventive controls: AWS network-perimeter SCP; GCP IAM deny policy.',
    );
  });

  it('enables every technique and hides none', () => {
    const layer = navigatorLayer(rules, []);
    expect(layer.techniques.map((t) => t.enabled)).toEqual([true, true, true]);
    expect(layer.hideDisabled).toBe(false);
  });

  it('shows each technique by id and name, sub-techniques expanded where annotated, side by side', () => {
    expect(navigatorLayer(rules, []).layout).toEqual({ layout: 'side', showID: true, showName: true, expandedSubtechniques: 'annotated' });
  });

  it('names itself, says how many rules it scores, and which command generated it', () => {
    const layer = navigatorLayer(rules, []);
    expect(layer.name).toContain('cloud-api-guardrails');
    expect(layer.description).toContain('score = number of rules (3 in all)');
    expect(layer.metadata).toEqual([{ name: 'generator', value: 'guardrails plan' }]);
  });

  it('shades from a low to a high colour, and its legend names the high one', () => {
    const { gradient, legendItems } = navigatorLayer(rules, []);
    expect(gradient.colors).toHaveLength(2);
    for (const color of gradient.colors) expect(color).toMatch(/^#[0-9a-f]{6}$/);
    expect(gradient.colors[0]).not.toBe(gradient.colors[1]);
    expect(legendItems).toEqual([{ label: expect.stringMatching(/rules/), color: gradient.colors[1] }]);
  });
});
