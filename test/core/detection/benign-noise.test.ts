/**
 * High and critical rules page someone: on the corpus's routine traffic (AWS services' own calls and
 * ordinary SDK calls, bench/benign-noise.ts says which files and why) they must not match at all. Lower
 * levels may (they say so in `falsepositives`); bench/benign-noise.ts counts them per level.
 */
import { describe, expect, it } from 'vitest';
import { benignMatches } from '../../../bench/benign-noise.ts';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { exampleModel } from '../../helpers/config.ts';

describe('benign traffic', () => {
  const rules = loadCatalog(exampleModel());
  const { files, events, matches } = benignMatches(rules);

  it('reads the routine-traffic corpus file', () => {
    expect(files).toEqual(['aws/service_originated_and_sdk_benign.json']);
    expect(events).toBeGreaterThanOrEqual(8);
  });

  it('never matches a high or critical rule', () => {
    expect(matches.filter((m) => m.level === 'high' || m.level === 'critical')).toEqual([]);
  });

  it('states its expected noise: every rule has falsepositives and a level', () => {
    for (const r of rules) {
      expect(r.rule.falsepositives.length, r.rule.id).toBeGreaterThan(0);
      expect(r.rule.level, r.rule.id).toMatch(/^(informational|low|medium|high|critical)$/);
    }
  });
});
