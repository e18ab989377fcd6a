/**
 * Case-insensitive matches that can be compiled case-sensitively without changing what they match,
 * because the vendor writes the field in one case only (registry.ts `singleCase`, cloudtrail-fields.ts).
 * Sigma compares text ignoring case, but CloudWatch filter patterns cannot (and EventBridge wildcards
 * cannot), so a SigmaHQ rule's `eventName: CreateAccessKey` would not compile to CloudWatch at all. Run on
 * a rule's Expr when it is bound (catalog.ts bindRules), this marks such matches `cased` where that is
 * provably the same test on real logs:
 *
 * - `lowercase` fields (eventSource, awsRegion): every real value v is lower case, so for a value w with
 *   no upper-case letter, lower(v) = v and lower(w) = w, and comparing lower(v) with lower(w) is comparing
 *   v with w. Holds for equality (wildcards included), contains, startswith and endswith; not for regexes
 *   (a class like [A-Z] means something else under the i flag).
 * - `enum` fields (eventType, eventCategory, userIdentity.type): equality with a value spelled exactly as
 *   one of the documented values. A real value equal to it ignoring case is that value, since AWS does
 *   not write one type in two spellings.
 * - `api-name` (eventName): equality with a value spelled exactly as an API action of the service the
 *   rule pins with an eventSource equality in an enclosing AND (aws-api-names.ts), where that service has
 *   no other spelling of the name. Every event that can reach the match comes from that service, whose
 *   events spell the action so. Without a pinned eventSource nothing is known and the match is left alone.
 *
 * A value in another case (`eventName: createaccesskey`, `eventSource: IAM.amazonaws.com`) is left
 * case-insensitive: it matches real logs only ignoring case, which is what the rule says. A match with
 * several values is split into its provable and unprovable values.
 */
import { hasWildcard, type Expr, type Match } from '../expr.ts';
import type { SingleCase } from './cloudtrail-fields.ts';
import { apiNameSpellings } from './aws-api-names.ts';
import type { LogSource } from './registry.ts';

const TEXT_OPS: ReadonlySet<Match['op']> = new Set(['equals', 'contains', 'startswith', 'endswith']);

export function applySingleCase(expr: Expr, source: LogSource): Expr {
  if (Object.keys(source.singleCase).length === 0) return expr;
  const walk = (e: Expr, services: readonly string[] | undefined): Expr => {
    switch (e.kind) {
      case 'match':
        return mark(e, source.singleCase[e.field], services);
      case 'not':
        return { kind: 'not', item: walk(e.item, services) };
      case 'or':
        return { kind: 'or', items: e.items.map((item) => walk(item, services)) };
      case 'and': {
        const pinned = e.items.map(pinnedEventSources).find((s) => s !== undefined) ?? services;
        return { kind: 'and', items: e.items.map((item) => walk(item, pinned)) };
      }
    }
  };
  return walk(expr, undefined);
}

/** The eventSource values an equality pins (any one of them), lower-cased, when `e` is such a match. */
function pinnedEventSources(e: Expr): readonly string[] | undefined {
  if (e.kind !== 'match' || e.field !== 'eventSource' || e.op !== 'equals' || e.all || e.values.length === 0) return undefined;
  if (!e.values.every((v) => typeof v === 'string' && !hasWildcard(v))) return undefined;
  return e.values.map((v) => String(v).toLowerCase());
}

function mark(m: Match, rule: SingleCase | undefined, services: readonly string[] | undefined): Expr {
  if (!rule || m.cased || m.values.length === 0) return m;
  const provable = (v: Match['values'][number]): boolean => {
    if (typeof v !== 'string') return true;
    switch (rule.kind) {
      case 'lowercase':
        return TEXT_OPS.has(m.op) && v === v.toLowerCase();
      case 'enum':
        return m.op === 'equals' && !hasWildcard(v) && rule.values.includes(v);
      case 'api-name':
        return m.op === 'equals' && !hasWildcard(v) && services !== undefined && spelledSo(v, services);
    }
  };
  const yes = m.values.filter(provable);
  if (yes.length === 0 || !m.values.some((v) => typeof v === 'string')) return m;
  if (yes.length === m.values.length) return { ...m, cased: true };
  // Split: `all` needs every value (AND), otherwise any (OR); the two parts keep the match's meaning.
  const parts: Expr[] = [
    { ...m, values: yes, cased: true },
    { ...m, values: m.values.filter((v) => !provable(v)) },
  ];
  return { kind: m.all ? 'and' : 'or', items: parts };
}

/** Every pinned service knows the action and spells it `name`, and only so. */
function spelledSo(name: string, services: readonly string[]): boolean {
  return services.every((service) => {
    const spellings = apiNameSpellings(service)?.get(name.toLowerCase());
    return spellings !== undefined && spellings.length === 1 && spellings[0] === name;
  });
}
