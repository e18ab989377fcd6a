/**
 * The GCP tamper-detection rules against hand-written audit log entries (test/fixtures/events/gcp, see its
 * SOURCES.md for the Google pages each shape is written from): the rule engine and the compiled Cloud
 * Logging query, run through the independent query evaluator, must both match every positive and no
 * negative entry.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';

const RULES = [
  'gcp-org-policy-changed',
  'gcp-project-moved',
  'gcp-log-exclusion-created',
  'gcp-vpc-flow-logs-disabled',
  'gcp-alerting-deleted',
  'gcp-iam-deny-policy-changed',
];
const catalog = loadCatalog(exampleModel());

describe.each(RULES)('%s', (id) => {
  const r = catalog.find((c) => c.rule.id === id)!;
  const fixture = JSON.parse(readFileSync(`test/fixtures/events/gcp/${id}.json`, 'utf8')) as { sources: string[]; positive: unknown[]; negative: unknown[] };
  const query = compileRule(r, 'gcp') as string;
  const matches = compileGcpQuery(query);

  it('is in the catalog, deployed to gcp, and its fixture names its sources', () => {
    expect(r.rule.targets).toEqual(['gcp']);
    expect(fixture.sources.length).toBeGreaterThan(0);
    expect(fixture.positive.length).toBeGreaterThan(0);
    expect(fixture.negative.length).toBeGreaterThan(0);
  });

  it('matches every positive entry, in the rule engine and as a Logging query', () => {
    fixture.positive.forEach((event, i) => {
      expect(detectSource(event)?.service, `positive #${i}`).toBe('gcp.audit');
      expect(r.matches(event), `rule on positive #${i}`).toBe(true);
      expect(matches(event), `query on positive #${i}: ${query}`).toBe(true);
    });
  });

  it('matches no negative entry (failed calls, reads, neighbouring methods)', () => {
    fixture.negative.forEach((event, i) => {
      expect(r.matches(event), `rule on negative #${i}`).toBe(false);
      expect(matches(event), `query on negative #${i}: ${query}`).toBe(false);
    });
  });
});
