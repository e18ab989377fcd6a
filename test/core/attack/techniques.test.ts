import { describe, expect, it } from 'vitest';
import { CLOUD_API, TECHNIQUES, techniqueOfTag } from '../../../core/attack/techniques.ts';
import { loadRules } from '../../../core/detection/rule-loader.ts';

describe('ATT&CK technique names', () => {
  it('names every technique the catalog is tagged with', () => {
    const tagged = new Set(loadRules('detections').flatMap((r) => r.tags.map(techniqueOfTag).filter((t) => t !== undefined)));
    expect([...tagged].filter((t) => !(t in TECHNIQUES))).toEqual([]);
    expect(tagged.has(CLOUD_API)).toBe(true);
  });

  it('reads technique tags and ignores tactic tags', () => {
    expect(techniqueOfTag('attack.t1059.009')).toBe('T1059.009');
    expect(techniqueOfTag('attack.t1110')).toBe('T1110');
    expect(techniqueOfTag('attack.execution')).toBeUndefined();
    expect(techniqueOfTag('attack.t1059.9')).toBeUndefined();
  });
});
