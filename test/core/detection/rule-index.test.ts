import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { indexRules } from '../../../core/detection/rule-index.ts';
import { exampleModel } from '../../helpers/config.ts';
import { corpusFiles } from '../../helpers/corpus.ts';
import { bindRules } from '../../../core/detection/catalog.ts';
import { inlineRule } from '../../helpers/rules.ts';

describe('rule index', () => {
  const rules = loadCatalog(exampleModel());

  it('never skips a rule that matches (every corpus event)', () => {
    const index = indexRules(rules);
    for (const file of corpusFiles()) {
      file.events.forEach((raw, i) => {
        const sourced = detectSource(raw);
        if (!sourced) return;
        const candidates = new Set(index(sourced.event));
        for (const r of rules) if (r.matches(sourced.event)) expect(candidates.has(r), `${file.name}#${i} ${r.rule.id}`).toBe(true);
      });
    }
  });

  it('files rules under a required value, case-insensitively, and keeps unguarded rules for every event', () => {
    const [guarded, free] = bindRules(
      [
        inlineRule({ s: { 'eventName|cased': ['StopLogging', 'DeleteTrail'] }, t: { 'userAgent|contains': 'cli' }, condition: 's and t' }, undefined, {
          id: 'guarded-rule',
        }),
        inlineRule({ s: { 'userAgent|contains': 'cli' }, condition: 's' }, undefined, { id: 'free-rule' }),
      ],
      exampleModel(),
    ) as [ReturnType<typeof bindRules>[number], ReturnType<typeof bindRules>[number]];
    const index = indexRules([guarded, free]);
    expect(index({ eventName: 'stoplogging' })).toEqual([free, guarded]);
    expect(index({ eventName: 'ListBuckets' })).toEqual([free]);
  });

  it('files an escaped literal star or question mark under the text it matches (Sigma escapes)', () => {
    const [literal] = bindRules([inlineRule({ s: { eventName: 'Get\\*Secret\\?' }, condition: 's' }, undefined, { id: 'escaped-rule' })], exampleModel()) as [
      ReturnType<typeof bindRules>[number],
    ];
    const event = { eventName: 'get*secret?' };
    expect(literal.matches(event)).toBe(true);
    expect(indexRules([literal])(event)).toEqual([literal]);
  });
});
