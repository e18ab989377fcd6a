import { describe, expect, it } from 'vitest';
import { normalizeAttackTags } from '../../../core/attack/normalize-tags.ts';
import { TECHNIQUES, techniqueOfTag } from '../../../core/attack/techniques.ts';
import { ATTACK_VERSION, DEFENSE_EVASION_SPLIT, V18_TO_V19_TECHNIQUES, V19_SPLIT_TACTICS } from '../../../core/attack/v19-renumbering.ts';
import { selfProtectionRules } from '../../../core/aws/self-protection-rules.ts';
import { loadRules } from '../../../core/detection/rule-loader.ts';
import { exampleModel } from '../../helpers/config.ts';

const catalog = [...loadRules('detections'), ...selfProtectionRules(exampleModel()).map((r) => r.rule)];

describe('ATT&CK v18 -> v19 map', () => {
  it('holds the renumbering the issue states, with its source, and nothing without one', () => {
    expect(ATTACK_VERSION).toBe('19');
    expect(V18_TO_V19_TECHNIQUES['T1562.008']).toEqual({ v19: 'T1685.002', source: 'issue 13 (not found in stored MITRE material)' });
    for (const [v18, { v19, source }] of Object.entries(V18_TO_V19_TECHNIQUES)) {
      expect(v18, v18).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(v19, v18).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(source, v18).not.toBe('');
    }
    for (const [id, { source }] of [...Object.entries(DEFENSE_EVASION_SPLIT), ...Object.entries(V19_SPLIT_TACTICS)]) expect(source, id).not.toBe('');
  });

  it('names techniques in v19 ids: every v19 id of the map, no v18 id it replaced', () => {
    for (const [v18, { v19 }] of Object.entries(V18_TO_V19_TECHNIQUES)) {
      expect(TECHNIQUES, v19).toHaveProperty([v19]);
      expect(TECHNIQUES, v18).not.toHaveProperty([v18]);
    }
  });

  it('places techniques by their v19 ids, in one of the two tactics that replaced defense evasion or in neither', () => {
    for (const [id, { tactic }] of Object.entries(DEFENSE_EVASION_SPLIT)) {
      expect(V18_TO_V19_TECHNIQUES, id).not.toHaveProperty([id]);
      expect(TECHNIQUES, id).toHaveProperty([id]);
      expect([null, ...Object.keys(V19_SPLIT_TACTICS)], id).toContain(tactic);
    }
  });
});

describe('the catalog is on ATT&CK v19', () => {
  it('needs no mapping: every rule (catalog and self-protection) reads the same through the normalizer', () => {
    for (const rule of catalog) expect(normalizeAttackTags(rule.tags), rule.id).toEqual({ tags: rule.tags, notes: [] });
    expect(catalog.filter((r) => r.tags.includes('attack.defense_evasion')).map((r) => r.id)).toEqual([]);
  });

  it('tags each technique that left defense evasion with the tactic v19 gave it', () => {
    for (const rule of catalog) {
      for (const id of rule.tags.map(techniqueOfTag)) {
        const tactic = id === undefined ? undefined : DEFENSE_EVASION_SPLIT[id]?.tactic;
        if (tactic) expect(rule.tags, `${rule.id} ${id}`).toContain(`attack.${tactic.replaceAll('-', '_')}`);
      }
    }
    const tagged = (tag: string) => catalog.filter((r) => r.tags.includes(tag)).length;
    expect(tagged('attack.t1685.002')).toBeGreaterThanOrEqual(14);
    expect(tagged('attack.defense_impairment')).toBeGreaterThanOrEqual(20);
    expect(tagged('attack.stealth')).toBe(3);
  });

  it('links the v19 page of a renumbered technique, never the v18 one', () => {
    const page = (id: string) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
    const rules = loadRules('detections');
    for (const [v18, { v19 }] of Object.entries(V18_TO_V19_TECHNIQUES)) {
      expect(rules.filter((r) => r.references.includes(page(v18))).map((r) => r.id)).toEqual([]);
      expect(rules.filter((r) => r.references.includes(page(v19))).length, v19).toBeGreaterThan(0);
    }
  });
});
