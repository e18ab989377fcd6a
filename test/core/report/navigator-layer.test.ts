import { describe, expect, it } from 'vitest';
import { ATTACK_VERSION } from '../../../core/attack/techniques.ts';
import { navigatorLayer } from '../../../core/report/navigator-layer.ts';
import { navigatorLayer45 } from '../../helpers/navigator-layer-spec.ts';

const rules = [
  { id: 'a-rule', product: 'aws', tags: ['attack.execution', 'attack.t1059.009', 'attack.t1078.004'] },
  { id: 'b-rule', product: 'gcp', tags: ['attack.t1078.004', 'attack.t1078.004'] },
];

describe('ATT&CK Navigator layer', () => {
  it('is a valid layer of format 4.5 in the enterprise domain', () => {
    const layer = navigatorLayer(rules, ['SCP']);
    expect(navigatorLayer45.safeParse(layer).error).toBeUndefined();
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.versions.layer).toBe('4.5');
  });

  it('is an ATT&CK v19 layer, and reads a rule still tagged in v18 ids as v19', () => {
    const layer = navigatorLayer([...rules, { id: 'c-rule', product: 'azure', tags: ['attack.defense_evasion', 'attack.t1562.008'] }], []);
    expect(layer.versions.attack).toBe('19');
    expect(layer.versions.attack).toBe(ATTACK_VERSION);
    expect(layer.techniques.map((t) => t.techniqueID)).toEqual(['T1059.009', 'T1078.004', 'T1685.002']);
    expect(layer.techniques[2]!.comment).toBe('Disable or Modify Tools: Disable or Modify Cloud Log. Detected by 1 rule(s): c-rule.');
  });

  it('scores each technique by the rules tagged with it, once per rule, and names them', () => {
    const layer = navigatorLayer(rules, ['SCP']);
    const t1078 = layer.techniques.find((t) => t.techniqueID === 'T1078.004')!;
    expect(t1078.score).toBe(2);
    expect(t1078.comment).toBe('Valid Accounts: Cloud Accounts. Detected by 2 rule(s): a-rule, b-rule.');
    expect(t1078.metadata).toEqual([
      { name: 'aws', value: 'a-rule' },
      { name: 'azure', value: '-' },
      { name: 'gcp', value: 'b-rule' },
    ]);
    expect(layer.gradient.maxValue).toBe(2);
  });

  it('always holds T1059.009 with the preventive controls, even when no rule is tagged with it', () => {
    const layer = navigatorLayer([], ['AWS network-perimeter SCP']);
    expect(layer.techniques).toEqual([expect.objectContaining({ techniqueID: 'T1059.009', score: 0 })]);
    expect(layer.techniques[0]!.comment).toContain('Preventive controls: AWS network-perimeter SCP.');
    expect(navigatorLayer45.safeParse(layer).error).toBeUndefined();
  });

  it('fails the spec check on what the spec forbids (the check can fail)', () => {
    const layer = navigatorLayer(rules, []);
    expect(navigatorLayer45.safeParse({ ...layer, versions: { ...layer.versions, layer: '4.4' } }).success).toBe(false);
    expect(navigatorLayer45.safeParse({ ...layer, techniques: [{ techniqueID: 'T1059.9' }] }).success).toBe(false);
    expect(navigatorLayer45.safeParse({ ...layer, gradient: { colors: ['#ffffff', '#000000'], minValue: 1, maxValue: 1 } }).success).toBe(false);
  });
});
