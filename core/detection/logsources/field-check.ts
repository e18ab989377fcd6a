/**
 * The one check every compiler gets before it runs (catalog.ts compileRule): each field a rule tests is
 * one its log source has (registry.ts), and no target is asked to match text against a field that holds
 * an object when that target cannot see an object's text. A rule that loads but could never match real
 * logs is refused here with the reason, instead of compiling to a query that is silently always false.
 *
 * The engine's meaning of a string test on an object is a test on its compact JSON text, as KQL's
 * tostring() gives it; so KQL can run it. The other targets cannot:
 * - CloudWatch Logs filter patterns compare a JSON selector's string or numeric value; an object is
 *   neither (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 * - EventBridge event patterns match leaf values (strings, numbers, booleans, null); a pattern value
 *   against an object field never matches
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html).
 * - Cloud Logging queries compare values; a comparison whose field holds a struct or message fails
 *   (https://cloud.google.com/logging/docs/view/logging-query-language, "Comparisons").
 */
import { CompileError } from '../compilers/compile-error.ts';
import { hasWildcard, type Expr, type Match } from '../expr.ts';
import type { Rule, Target } from '../rule.ts';
import { OBJECT_KINDS, type FieldKind } from './field-kinds.ts';
import { logSource, logSourceNames, lookupField } from './registry.ts';

const OBJECT_TEXT_REASON: Readonly<Partial<Record<Target, string>>> = {
  cloudwatch: 'a CloudWatch filter pattern compares a selector holding text or a number, never an object',
  eventbridge: 'an EventBridge event pattern matches leaf values (text, numbers, booleans, null), never an object',
  gcp: 'a Cloud Logging comparison on a field holding a struct fails',
};

/** Ops that compare the field's value (text or number) with the rule's values. */
const VALUE_OPS: ReadonlySet<Match['op']> = new Set(['equals', 'contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'fieldref']);

/** Throws CompileError for the first field of `expr` that `target` cannot read as the rule means it. */
export function checkFields(rule: Rule, expr: Expr, target: Target): void {
  const { product, service } = rule.logsource;
  const source = logSource(product, service);
  if (!source) {
    throw new CompileError(rule.id, target, `${product}/${service} is not a log source this package reads`, `Known: ${logSourceNames().join(', ')}.`);
  }
  const name = `${product}/${service}`;
  const check = (field: string, m: Match) => {
    const found = lookupField(source, field);
    if (!found.known) {
      throw new CompileError(
        rule.id,
        target,
        `${name} has no field ${field}${found.detail ? ` (${found.detail})` : found.nearest ? ` (nearest: ${found.nearest})` : ''}, so the rule can never match its logs`,
        `Use a field of ${name} (${source.source}).`,
      );
    }
    const reason = OBJECT_TEXT_REASON[target];
    if (reason && VALUE_OPS.has(m.op) && found.kind !== 'inside-open' && OBJECT_KINDS.has(found.kind as FieldKind)) {
      throw new CompileError(
        rule.id,
        target,
        `field ${field} of ${name} holds ${found.kind === 'object' || found.kind === 'open' ? 'an object' : 'objects'}; the rule compares its JSON text, and ${reason}, so on ${target} the rule could never match`,
        `Test a field inside it (${field}.<name>).`,
      );
    }
  };
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'match':
        if (e.op === 'keyword') return;
        check(e.field, e);
        if (e.op === 'fieldref') for (const v of e.values) check(String(v), e);
        return;
      case 'not':
        walk(e.item);
        return;
      case 'and':
      case 'or':
        for (const item of e.items) walk(item);
    }
  };
  walk(expr);
  const dead = deadEquality(expr, source.valueDomains ?? {});
  if (dead) {
    const domain = source.valueDomains![dead.field]!;
    throw new CompileError(
      rule.id,
      target,
      `${dead.field} of ${name} only takes ${domain.values.join(', ')} (${domain.source}); ${dead.values.map(String).join(', ')} is none of them, so the rule can never match its logs`,
      `Compare ${dead.field} with one of its values, or test the field that holds this text.`,
    );
  }
}

/**
 * An equality on a field with a documented value domain, none of whose values is in it, that decides the
 * whole rule: the rule can match only if it does (it is the rule, or an item of an AND that does, or of
 * an OR all of whose items cannot match). Under a `not` nothing is concluded.
 */
function deadEquality(e: Expr, domains: Readonly<Record<string, { readonly values: readonly string[] }>>): Match | undefined {
  switch (e.kind) {
    case 'match': {
      const domain = domains[e.field];
      if (!domain || e.op !== 'equals' || e.values.length === 0) return undefined;
      const taken = new Set(domain.values.map((v) => v.toLowerCase()));
      const fold = (v: string) => (e.cased ? v : v.toLowerCase());
      const takenCased = e.cased ? new Set(domain.values) : taken;
      // A wildcard value may match a documented value: leave it to the rule.
      const none = e.values.every((v) => typeof v === 'string' && !hasWildcard(v) && !takenCased.has(fold(v)));
      return none ? e : undefined;
    }
    case 'and':
      return e.items.map((item) => deadEquality(item, domains)).find((m) => m !== undefined);
    case 'or': {
      const found = e.items.map((item) => deadEquality(item, domains));
      return found.every((m) => m !== undefined) ? found[0] : undefined;
    }
    case 'not':
      return undefined;
  }
}
