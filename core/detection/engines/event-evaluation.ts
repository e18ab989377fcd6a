/**
 * What the js engine does with one event, on the main thread or in a worker (evaluation-worker.ts):
 * find its log source, then run the correlations' base rules and the rules filed for that source, each
 * through its source's rule index (rule-index.ts), bases first, in catalog order.
 */
import type { CatalogRule } from '../catalog.ts';
import { detectSource, type SourcedEvent } from '../logsources/detect-source.ts';
import { indexRules, type RuleIndex } from '../rule-index.ts';

/** A rule index per log source, keyed `product/service`. */
export type SourceIndexes = ReadonlyMap<string, RuleIndex>;

/** The rules grouped by log source (in their order, sources in order of first appearance), each group indexed. */
export function indexBySource(rules: readonly CatalogRule[]): Map<string, RuleIndex> {
  const grouped = new Map<string, CatalogRule[]>();
  for (const r of rules) {
    const key = `${r.rule.logsource.product}/${r.rule.logsource.service}`;
    const group = grouped.get(key);
    if (group) group.push(r);
    else grouped.set(key, [r]);
  }
  return new Map([...grouped].map(([key, group]) => [key, indexRules(group)]));
}

export interface EventMatches {
  onBase(rule: CatalogRule, sourced: SourcedEvent): void;
  onMatch(rule: CatalogRule): void;
}

/** Runs the bases and rules of the event's log source; false when the event is of no log source known. */
export function evaluateEvent(value: unknown, rules: SourceIndexes, bases: SourceIndexes, on: EventMatches): boolean {
  const sourced = detectSource(value);
  if (!sourced) return false;
  const key = `${sourced.product}/${sourced.service}`;
  const baseIndex = bases.get(key);
  if (baseIndex) for (const r of baseIndex(sourced.event)) if (r.matches(sourced.event)) on.onBase(r, sourced);
  const ruleIndex = rules.get(key);
  if (ruleIndex) for (const r of ruleIndex(sourced.event)) if (r.matches(sourced.event)) on.onMatch(r);
  return true;
}
