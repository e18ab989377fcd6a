/**
 * Cheap pre-filter for running many rules over many events: most rules require one field to equal one
 * of a few values (an eventName, an operation name). Those rules are filed under their field's values,
 * so an event meets only the rules that could match it plus the rules with no such requirement. The
 * rule itself still decides; the index only skips rules that cannot match.
 */
import type { CatalogRule } from './catalog.ts';
import { hasWildcard, unescapeWildcards, type Expr, type Match } from './expr.ts';
import { compilePath, type PathReader } from './field-path.ts';

export type RuleIndex = (event: unknown) => readonly CatalogRule[];

/** A positive equality every match of `expr` must satisfy, if there is one. */
function requiredEquality(expr: Expr): Match | undefined {
  if (expr.kind === 'match') {
    const exact = expr.op === 'equals' && !expr.all && expr.values.length > 0 && expr.values.every((v) => typeof v === 'string' && !hasWildcard(v));
    return exact ? expr : undefined;
  }
  if (expr.kind === 'and') {
    const found = expr.items.map(requiredEquality).filter((m): m is Match => m !== undefined);
    // Prefer the field most rules share, so fewer fields are read per event.
    return found.find((m) => m.field === 'eventName') ?? found[0];
  }
  return undefined;
}

export function indexRules(rules: readonly CatalogRule[]): RuleIndex {
  const always: CatalogRule[] = [];
  const byField = new Map<string, { read: PathReader; byValue: Map<string, CatalogRule[]> }>();
  for (const rule of rules) {
    const guard = requiredEquality(rule.expr);
    if (!guard) {
      always.push(rule);
      continue;
    }
    const entry = byField.get(guard.field) ?? { read: compilePath(guard.field), byValue: new Map<string, CatalogRule[]>() };
    byField.set(guard.field, entry);
    // Values are kept in Sigma's escaped form (`\*` is a literal star): file them under the text they match.
    for (const value of new Set(guard.values.map((v) => (typeof v === 'string' ? unescapeWildcards(v) : String(v)).toLowerCase()))) {
      entry.byValue.set(value, [...(entry.byValue.get(value) ?? []), rule]);
    }
  }
  const fields = [...byField.values()];
  if (fields.length === 0) return () => always;
  return (event) => {
    let candidates: CatalogRule[] | undefined;
    for (const { read, byValue } of fields) {
      for (const value of read(event)) {
        if (typeof value !== 'string') continue;
        const hits = byValue.get(value.toLowerCase());
        if (hits) candidates = candidates ? [...candidates, ...hits] : [...always, ...hits];
      }
    }
    // The same rule can be filed under two values of an array field; keep catalog order, once each.
    return candidates ? [...new Set(candidates)] : always;
  };
}
