/**
 * The engine against hand-written expectations: test/fixtures/corpus-labels.json lists, for every
 * event of test/fixtures/corpus (see its SOURCES.md), the catalog rules that should fire with the example
 * config. The labels were written from the events, not from the engine's output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { exampleModel } from '../../helpers/config.ts';
import { corpusFiles } from '../../helpers/corpus.ts';

const labels = JSON.parse(readFileSync(new URL('../../fixtures/corpus-labels.json', import.meta.url), 'utf8')) as Record<string, string[][]>;
const rules = loadCatalog(exampleModel());

describe('corpus backtest', () => {
  const files = corpusFiles();

  it('labels every event of every corpus file', () => {
    expect(Object.keys(labels).sort()).toEqual(files.map((f) => f.name).sort());
    for (const file of files) expect(labels[file.name], file.name).toHaveLength(file.events.length);
  });

  it.each(files.map((f) => [f.name, f] as const))('%s', (name, file) => {
    const fired = file.events.map((raw) => {
      const sourced = detectSource(raw);
      if (!sourced) return [];
      return rules
        .filter((r) => r.rule.logsource.product === sourced.product && r.rule.logsource.service === sourced.service && r.matches(sourced.event))
        .map((r) => r.rule.id)
        .sort();
    });
    expect(fired).toEqual(labels[name]);
  });

  it('exercises most of the catalog', () => {
    const labelled = new Set(Object.values(labels).flat(2));
    expect(labelled.size).toBeGreaterThanOrEqual(25);
  });
});
