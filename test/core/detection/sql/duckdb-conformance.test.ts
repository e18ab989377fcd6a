/**
 * The DuckDB SQL of every rule, run in an in-memory DuckDB over the events `guardrails detect` reads,
 * selects exactly the events the rule engine matches. The events are the conformance suite's: the corpus
 * (test/fixtures/corpus, as detectSource normalises it) and each rule's steered events
 * (witnesses, test/helpers/event-generators.ts); plus events of every JSON type on the rule's fields (sql-probes.ts),
 * and the SQL probes, rules that use what the catalog does not (keywords, |fieldref, |re flags, IPv6 CIDRs,
 * numeric comparisons, `?` wildcards, object text, arrays along a path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindRules, loadCatalog, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { compileSqlCondition } from '../../../../core/detection/compilers/sql.ts';
import { detectSource } from '../../../../core/detection/logsources/detect-source.ts';
import { loadRules } from '../../../../core/detection/rule-loader.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { corpusFiles } from '../../../helpers/corpus.ts';
import { eventFrom, witnesses } from '../../../helpers/event-generators.ts';
import { openDuckDb, type DuckDbHarness } from './duckdb-harness.ts';
import { probeEvents, sqlProbeRules } from './sql-probes.ts';

const model = exampleModel();
const catalog = loadCatalog(model);
const probes = new Set(sqlProbeRules());
const rules: CatalogRule[] = [...catalog, ...bindRules(loadRules('test/fixtures/rules'), model), ...probes];
const sourceOf = (r: CatalogRule) => `${r.rule.logsource.product}/${r.rule.logsource.service}`;

/** The corpus by log source, as `guardrails detect` reads it. */
function corpusBySource(): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const file of corpusFiles())
    for (const raw of file.events) {
      const sourced = detectSource(raw);
      if (sourced) out.set(`${sourced.product}/${sourced.service}`, [...(out.get(`${sourced.product}/${sourced.service}`) ?? []), sourced.event]);
    }
  return out;
}

/**
 * A rule's events: its log source's corpus, the steered generator's witnesses that make it match (as the
 * conformance suite builds them, without background fills) and its typed values and near misses
 * (probeEvents). The witnesses are most of this suite's cost (about 2 s for the catalog; the ones meant
 * not to match would add 3 s more, and probeEvents' near misses stand in for them).
 */
function eventsOf(r: CatalogRule, corpus: Map<string, unknown[]>): unknown[] {
  const events = new Map<string, unknown>();
  for (const event of [...(corpus.get(sourceOf(r)) ?? []), ...witnesses(r.expr, true).map(eventFrom), ...probeEvents(r, probes.has(r) ? 300 : 40)])
    events.set(JSON.stringify(event), event);
  return [...events.values()];
}

/**
 * Rule/event pairs checked; the suite must not shrink. Measured: 10,691 (121 rules: the catalog's 109,
 * the 2 fixture rules and 10 SQL probes; 2,663 of the pairs match); the floor leaves room for generator changes.
 */
const PAIRS_FLOOR = 10_000;

describe('DuckDB SQL selects exactly what the rule engine matches', () => {
  let db: DuckDbHarness;
  beforeAll(async () => {
    db = await openDuckDb();
  });
  afterAll(() => db?.close());

  it('on the corpus and on generated events, for every rule', async () => {
    const corpus = corpusBySource();
    const rows = rules.flatMap((r, k) => eventsOf(r, corpus).map((event) => ({ k, event })));
    await db.load('events', rows);
    const selected = await db.evaluate(
      'events',
      rules.map((r) => compileSqlCondition(r, 'duckdb')),
    );
    const disagreements: string[] = [];
    const matched = rules.map(() => 0);
    for (const [i, { k, event }] of rows.entries()) {
      const r = rules[k]!;
      const expected = r.matches(event);
      if (selected[k]!.has(i) !== expected) disagreements.push(`${r.rule.id}: SQL ${!expected}, engine ${expected} on ${JSON.stringify(event)}`);
      if (expected) matched[k]!++;
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(PAIRS_FLOOR);
    // Every rule fires on some of its events, so agreement is not only "no match".
    expect(rules.filter((_, k) => matched[k] === 0).map((r) => r.rule.id)).toEqual([]);
  }, 60_000);

  it('compiles every catalog rule to DuckDB, and every probe fires and stays quiet on its own events', () => {
    expect(catalog.every((r) => compileSqlCondition(r, 'duckdb').length > 0)).toBe(true);
    for (const r of probes) {
      const events = probeEvents(r);
      const fired = events.filter((e) => r.matches(e)).length;
      expect(fired, r.rule.id).toBeGreaterThanOrEqual(3);
      expect(events.length - fired, r.rule.id).toBeGreaterThanOrEqual(3);
    }
  });
});
