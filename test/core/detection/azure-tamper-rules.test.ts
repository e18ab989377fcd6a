/**
 * The Azure rules for tampering with the guardrails themselves, against hand-written positive and negative
 * events (test/fixtures/events/azure/<rule-id>.json, shapes and sources in test/fixtures/events/SOURCES.md),
 * through the same path `guardrails detect` takes: shape detection, normalisation, the rule's predicate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { exampleModel } from '../../helpers/config.ts';

const DIR = new URL('../../fixtures/events/azure/', import.meta.url);
const catalog = loadCatalog(exampleModel());
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ id: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as { positive: unknown[]; negative: unknown[] }) }));

/** Ids of the catalog rules that fire on one raw event. */
function fired(raw: unknown): string[] {
  const sourced = detectSource(raw);
  if (!sourced) return [];
  return catalog
    .filter((r) => r.rule.logsource.product === sourced.product && r.rule.logsource.service === sourced.service && r.matches(sourced.event))
    .map((r) => r.rule.id);
}

describe('guardrail tampering rules', () => {
  it('has a fixture for each of them', () => {
    expect(fixtures.map((f) => f.id)).toEqual([
      'azure-alert-processing-rule-written',
      'azure-alerting-disabled',
      'azure-audit-log-store-deleted',
      'azure-immutability-policy-changed',
      'azure-policy-assignment-deleted-or-exempted',
      'azure-resource-lock-deleted',
    ]);
  });

  describe.each(fixtures.map((f) => [f.id, f] as const))('%s', (id, fixture) => {
    const rule = catalog.find((r) => r.rule.id === id)!;

    it('is a deployed KQL rule whose query parses and binds', () => {
      expect(rule, `${id} is in the catalog`).toBeDefined();
      expect(rule.rule.targets).toContain('kql');
      expect(checkKql(compileRule(rule, 'kql') as string)).toEqual([]);
    });

    it.each(fixture.positive.map((e, i) => [i, e] as const))('fires on positive #%i', (_i, event) => {
      expect(detectSource(event)?.service).toBe('azureactivity');
      expect(fired(event)).toContain(id);
    });

    it.each(fixture.negative.map((e, i) => [i, e] as const))('stays quiet on negative #%i', (_i, event) => {
      expect(detectSource(event)?.service).toBe('azureactivity');
      expect(fired(event)).not.toContain(id);
    });
  });
});
