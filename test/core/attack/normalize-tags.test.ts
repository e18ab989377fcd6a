import { describe, expect, it } from 'vitest';
import { normalizeAttackTags } from '../../../core/attack/normalize-tags.ts';

describe('normalizeAttackTags: v18 tags read as v19', () => {
  it('maps a renumbered technique and the retired tactic, with a note for each', () => {
    expect(normalizeAttackTags(['attack.defense_evasion', 'attack.t1562.008'])).toEqual({
      tags: ['attack.defense_impairment', 'attack.t1685.002'],
      notes: [
        'attack.t1562.008 is ATT&CK v18; mapped to attack.t1685.002 (v19)',
        'attack.defense_evasion is ATT&CK v18; mapped to attack.defense_impairment (v19), by attack.t1685.002',
      ],
    });
  });

  it('leaves v19 tags alone, with no note', () => {
    const tags = ['attack.defense_impairment', 'attack.t1685.002', 'attack.execution', 'attack.t1059.009', 'attack.stealth', 'attack.t1578'];
    expect(normalizeAttackTags(tags)).toEqual({ tags, notes: [] });
  });

  it('splits defense evasion by the rule’s techniques: stealth, defense impairment or both', () => {
    expect(normalizeAttackTags(['attack.defense_evasion', 'attack.t1578', 'attack.exfiltration', 'attack.t1048']).tags).toEqual([
      'attack.stealth',
      'attack.t1578',
      'attack.exfiltration',
      'attack.t1048',
    ]);
    const both = normalizeAttackTags(['attack.t1578', 'attack.defense_evasion', 'attack.t1484']);
    expect(both.tags).toEqual(['attack.t1578', 'attack.stealth', 'attack.defense_impairment', 'attack.t1484']);
    expect(both.notes).toEqual([
      'attack.defense_evasion is ATT&CK v18; mapped to attack.stealth and attack.defense_impairment (v19), by attack.t1578, attack.t1484',
    ]);
  });

  it('drops defense evasion when v19 took it off every technique of the rule, and says so', () => {
    expect(normalizeAttackTags(['attack.defense_evasion', 'attack.persistence', 'attack.t1556.009'])).toEqual({
      tags: ['attack.persistence', 'attack.t1556.009'],
      notes: ['attack.defense_evasion is ATT&CK v18; v19 lists none of attack.t1556.009 under attack.stealth or attack.defense_impairment: dropped'],
    });
  });

  it('keeps defense evasion, with a note, when no technique of the rule says where it went', () => {
    expect(normalizeAttackTags(['attack.defense_evasion', 'attack.t1059.009'])).toEqual({
      tags: ['attack.defense_evasion', 'attack.t1059.009'],
      notes: [
        'attack.defense_evasion is ATT&CK v18; v19 split it into attack.stealth and attack.defense_impairment, and no technique of the rule says which: kept',
      ],
    });
  });

  it('reads the hyphenated Sigma spelling and answers in it', () => {
    expect(normalizeAttackTags(['attack.defense-evasion', 'attack.t1562.008'])).toEqual({
      tags: ['attack.defense-impairment', 'attack.t1685.002'],
      notes: [
        'attack.t1562.008 is ATT&CK v18; mapped to attack.t1685.002 (v19)',
        'attack.defense-evasion is ATT&CK v18; mapped to attack.defense-impairment (v19), by attack.t1685.002',
      ],
    });
  });

  it('merges a v18 tag into the same v19 tag already present', () => {
    expect(normalizeAttackTags(['attack.defense_impairment', 'attack.t1685.002', 'attack.defense_evasion', 'attack.t1562.008']).tags).toEqual([
      'attack.defense_impairment',
      'attack.t1685.002',
    ]);
  });

  it('does not map what v19 is not known to have renumbered (no source, no mapping)', () => {
    const tags = ['attack.t1562', 'attack.t1562.001', 'attack.t1562.007', 'attack.t1562.0081', 'attack.t15620.008', 'other.t1562.008'];
    expect(normalizeAttackTags(tags)).toEqual({ tags, notes: [] });
  });
});
