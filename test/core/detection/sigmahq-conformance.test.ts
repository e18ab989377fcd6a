/**
 * SigmaHQ's published cloud rules (test/fixtures/sigmahq/rules/, copied verbatim, see its SOURCES.md),
 * loaded as `--rules DIR` loads them (bulk mode, through the shipped pipelines), held to the same standard
 * as the catalog: every query a target compiles is run by that target language's own evaluator (written
 * from the vendor's reference) on steered events and on the corpus, and must agree with the rule engine.
 * So the pipelines' mapped names, the log-source registry and the compilers meet real third-party rules.
 *
 * The shares that load and compile are pinned at what was measured (bench/sigma-coverage.ts writes the
 * per-rule reasons to bench/sigma-coverage.md): they may rise, never drop.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, TARGETS_FOR_PRODUCT, type CatalogRule, type CompiledQuery } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { loadRuleFolder } from '../../../core/detection/rule-folder.ts';
import type { Target } from '../../../core/detection/rule.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { eventPatternMatcher } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { kqlTableFor } from '../../../core/detection/logsources/kql-table-for.ts';
import { measureSigmaCoverage, SIGMAHQ_RULES } from '../../../bench/sigma-coverage.ts';
import { exampleModel } from '../../helpers/config.ts';
import { laCanonical } from '../../helpers/log-analytics-row.ts';
import { corpusFiles, eventBridgeEnvelope } from '../../helpers/corpus.ts';
import { steeredEvents } from '../../helpers/event-generators.ts';
import { deepFreeze } from '../../helpers/model-key.ts';

const { rules, skipped } = loadRuleFolder(SIGMAHQ_RULES, exampleModel());
const corpus = corpusFiles().flatMap((file) => file.events.map((raw, index) => ({ where: `${file.name}#${index}`, raw, sourced: detectSource(raw) })));

interface Case {
  readonly r: CatalogRule;
  readonly target: Target;
  readonly query: CompiledQuery;
}
const cases: Case[] = rules.flatMap((r) =>
  TARGETS_FOR_PRODUCT[r.rule.logsource.product].flatMap((target) => {
    try {
      return [{ r, target, query: compileRule(r, target) }];
    } catch (error) {
      if (error instanceof CompileError) return [];
      throw error;
    }
  }),
);

/** The target language's evaluator over an event as that target receives it (a Log Analytics row for KQL). */
function targetMatcher({ target, query }: Case): (event: Record<string, unknown>) => boolean {
  switch (target) {
    case 'cloudwatch':
      return compileCloudWatchPattern(query as string);
    case 'eventbridge': {
      const matches = eventPatternMatcher(query as Record<string, unknown>);
      return (event) => matches(eventBridgeEnvelope(event));
    }
    case 'gcp':
      return compileGcpQuery(query as string);
    case 'kql':
      return compileKqlQuery(query as string, KQL_TABLES);
  }
}

/**
 * A rule's steered events, built once for all the targets it compiles to (they depend on the rule only),
 * frozen so that no target's evaluator can change what the next one reads.
 */
const steered = new Map<CatalogRule, readonly Record<string, unknown>[]>();
function steeredOf(r: CatalogRule): readonly Record<string, unknown>[] {
  let events = steered.get(r);
  if (!events) {
    events = deepFreeze(steeredEvents(r.expr, r.rule.logsource.product));
    steered.set(r, events);
  }
  return events;
}

/**
 * Pairs where the target and the engine are known to disagree, and why; none today. The two SigmaHQ rules
 * that test `DeviceDetail.deviceId: ''` and `DeviceDetail.trusttype: ''` used to be here: KQL's
 * `tostring(f) =~ ""` also held where the key is absent. The compiler now requires a value there
 * (`isnotnull(f) and ...`), which is the engine's meaning of Sigma's empty value.
 */
const KNOWN_DISAGREEMENTS: Readonly<Record<string, string>> = {};
const nameOf = (c: Case) => `${c.r.rule.file.slice(SIGMAHQ_RULES.length + 1)} -> ${c.target}`;
const agreeing = cases.filter((c) => !(nameOf(c) in KNOWN_DISAGREEMENTS));
const disagreeing = cases.filter((c) => nameOf(c) in KNOWN_DISAGREEMENTS);

/** Measured on the 286 rules copied on 2026-11-30: may rise, never drop. */
const MIN_LOADED = 269;
const MIN_COMPILED = 245;
const MIN_PAIRS = 284; // rule/target pairs compiled; 273 of them fire on steered events (MIN_FIRED)
const MIN_FIRED = 273;
const fired = new Set<Case>();

describe('SigmaHQ cloud rules, as published', () => {
  it(`load (at least ${MIN_LOADED}), compile to a target of their cloud (at least ${MIN_COMPILED}), and say why where not`, () => {
    const coverage = measureSigmaCoverage();
    expect(coverage.files).toBe(rules.length + skipped.length);
    expect(coverage.loaded).toBeGreaterThanOrEqual(MIN_LOADED);
    expect(coverage.compiled).toBeGreaterThanOrEqual(MIN_COMPILED);
    for (const o of coverage.outcomes.filter((x) => !x.compiled)) expect(o.reason, o.file).toMatch(/\S/);
    expect(cases.length).toBeGreaterThanOrEqual(MIN_PAIRS);
    expect(disagreeing.map(nameOf).sort()).toEqual(Object.keys(KNOWN_DISAGREEMENTS).sort());
  });

  it('every KQL query parses and binds against its table', () => {
    for (const c of cases.filter((x) => x.target === 'kql')) expect(checkKql(c.query as string), c.r.rule.file).toEqual([]);
  });

  it.each(agreeing.map((c) => [nameOf(c), c] as const))('%s agrees with the engine', (_name, c) => {
    const matches = targetMatcher(c);
    const judge = (event: Record<string, unknown>) =>
      c.r.matches(c.target === 'kql' ? (laCanonical(event, kqlTableFor(c.r.rule.logsource.service)) as Record<string, unknown>) : event);
    let matching = 0;
    for (const event of steeredOf(c.r)) {
      const expected = judge(event);
      expect(matches(event), JSON.stringify(event)).toBe(expected);
      if (expected) matching++;
    }
    for (const e of corpus) {
      if (e.sourced?.product !== c.r.rule.logsource.product || e.sourced.service !== c.r.rule.logsource.service) continue;
      const event = c.target === 'eventbridge' || c.target === 'cloudwatch' || c.target === 'gcp' ? (e.raw as Record<string, unknown>) : e.sourced.event;
      expect(matches(event), e.where).toBe(judge(c.target === 'kql' ? event : e.sourced.event));
    }
    if (matching > 0) fired.add(c);
  });

  // Kept visible, not skipped: each known disagreement must still disagree, or leave this list.
  it.each(disagreeing.map((c) => [nameOf(c), c] as const))('%s: known to disagree with the engine (KNOWN_DISAGREEMENTS)', (_name, c) => {
    const matches = targetMatcher(c);
    const judge = (event: Record<string, unknown>) =>
      c.r.matches(c.target === 'kql' ? (laCanonical(event, kqlTableFor(c.r.rule.logsource.service)) as Record<string, unknown>) : event);
    expect(steeredOf(c.r).some((event) => matches(event) !== judge(event))).toBe(true);
  });

  // Agreement on events that never match would prove little: most pairs must have fired on the target.
  it(`fire on the target on steered events (at least ${MIN_FIRED} pairs)`, () => {
    expect(fired.size).toBeGreaterThanOrEqual(MIN_FIRED);
  });
});
