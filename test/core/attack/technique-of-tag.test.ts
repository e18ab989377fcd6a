/** techniqueOfTag (core/attack/techniques.ts) reads a whole tag, not a technique tag inside another string. */
import { describe, expect, it } from 'vitest';
import { techniqueOfTag } from '../../../core/attack/techniques.ts';

describe('techniqueOfTag', () => {
  it('reads only a tag that is exactly attack.<technique>', () => {
    expect(techniqueOfTag('attack.t1110')).toBe('T1110');
    expect(techniqueOfTag('notattack.t1110')).toBeUndefined();
    expect(techniqueOfTag('cve.attack.t1110')).toBeUndefined();
    expect(techniqueOfTag('attack.t1110.001x')).toBeUndefined();
  });
});
