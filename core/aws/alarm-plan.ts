/**
 * What the AWS alarm pipeline deploys, compiled from the catalog (rules listing cloudwatch or
 * eventbridge), the shadow rules of report-mode SCPs, and the self-protection rules, before anything
 * is synthesised.
 *
 * EventBridge limits an event pattern to 2,048 characters by default; the quota can be raised to 4,096
 * (Amazon EventBridge quotas, "Event pattern size"), and aws.eventPatternMaxLength says which applies.
 * A compiled pattern over it is split into several rules (`<rule>-part1`, ...) whose union matches
 * exactly the events the whole pattern matches: a pattern is an OR of `$or` branches and, inside a
 * branch, an AND of fields each holding an OR of values, so spreading one field's values (the CIDR
 * complement of "outside the trusted networks", say) or the branches over several patterns keeps every
 * match and adds none. Parts split on disjoint values (CIDRs, prefixes) never both match one event.
 */
import { ConfigError } from '../config/config-error.ts';
import type { GuardrailsModel } from '../config/model.ts';
import { compileForDeployment, compileMetricCorrelationForDeployment, type CatalogRule } from '../detection/catalog.ts';
import type { CloudWatchCorrelation } from '../detection/compilers/cloudwatch-correlation.ts';
import type { Correlation } from '../detection/correlation.ts';
import { compileEventPattern } from '../detection/compilers/eventbridge.ts';
import { CompileError } from '../detection/compilers/compile-error.ts';
import { perimeterShadowRules } from './shadow-rules.ts';
import { selfProtectionRules } from './self-protection-rules.ts';

export interface MetricRulePlan {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly pattern: string;
  /** 'cis' when the pattern is the rule's verbatim CIS text, 'compiled' when compiled from its detection. */
  readonly patternSource: 'cis' | 'compiled';
}

/**
 * A correlation deployed to CloudWatch (targets list cloudwatch): a metric filter with the group-by
 * fields as dimensions and a Metrics Insights alarm per group (compilers/cloudwatch-correlation.ts).
 */
export interface MetricCorrelationPlan extends CloudWatchCorrelation {
  readonly id: string;
  readonly title: string;
  readonly level: string;
}

export interface RealtimeRulePlan {
  /** The catalog rule id, or `<rule id>-part<n>` when the rule's pattern was split. */
  readonly id: string;
  /** The catalog rule this pattern (or part) comes from. */
  readonly ruleId: string;
  readonly title: string;
  readonly level: string;
  readonly pattern: Record<string, unknown>;
}

export interface AlarmPlan {
  readonly metric: readonly MetricRulePlan[];
  /** Correlations counted by a metric filter and a Metrics Insights alarm; none when the caller passes no correlations. */
  readonly metricCorrelations?: readonly MetricCorrelationPlan[];
  readonly realtime: readonly RealtimeRulePlan[];
  readonly notes: readonly string[];
}

/**
 * Each part is one more rule (and failed-invocation alarm) on the central bus and in every member
 * account and region, inside a StackSet template CloudFormation caps at 51,200 bytes: past this many,
 * the trusted CIDRs should be aggregated instead.
 */
export const EVENT_RULE_PARTS_MAX = 4;

export function planAlarms(model: GuardrailsModel, catalog: readonly CatalogRule[], correlations: readonly Correlation[] = []): AlarmPlan {
  const aws = catalog.filter((r) => r.rule.logsource.product === 'aws');
  const shadow = perimeterShadowRules(model);
  const describe = (r: CatalogRule) => ({ id: r.rule.id, title: r.rule.title, level: r.rule.level });
  const metric = aws
    .filter((r) => r.rule.targets.includes('cloudwatch'))
    .map((r) => {
      // Compiled either way, so a rule whose detection cannot be expressed still fails here.
      const compiled = compileForDeployment(r, 'cloudwatch') as string;
      return r.rule.cisPattern
        ? { ...describe(r), pattern: r.rule.cisPattern, patternSource: 'cis' as const }
        : { ...describe(r), pattern: compiled, patternSource: 'compiled' as const };
    });
  const metricCorrelations = correlations
    .filter((c) => c.targets.includes('cloudwatch'))
    .map((c) => ({ id: c.id, title: c.title, level: c.level, ...compileMetricCorrelationForDeployment(c, 'cloudwatch') }));
  const realtimeRules = [...aws.filter((r) => r.rule.targets.includes('eventbridge')), ...shadow.rules, ...selfProtectionRules(model)];
  const maxLength = model.aws?.eventPatternMaxLength ?? 2048;
  const notes = [...shadow.notes];
  const realtime = realtimeRules.flatMap((r) => {
    const parts = splitRule(r, maxLength);
    if (parts.length > 1)
      notes.push(
        `EventBridge: rule ${r.rule.id} is deployed as ${parts.length} rules (${r.rule.id}-part1..${parts.length}), each within the ${maxLength}-character event pattern quota`,
      );
    return parts.map((pattern, i) =>
      parts.length === 1
        ? { ...describe(r), ruleId: r.rule.id, pattern }
        : { ...describe(r), id: `${r.rule.id}-part${i + 1}`, ruleId: r.rule.id, title: `${r.rule.title} (part ${i + 1} of ${parts.length})`, pattern },
    );
  });
  return { metric, metricCorrelations, realtime, notes };
}

/** The rule's EventBridge pattern as one or more patterns within `maxLength`; a one-line ConfigError otherwise. */
function splitRule(r: CatalogRule, maxLength: number): Record<string, unknown>[] {
  const where = `rule ${r.rule.id} (${r.rule.file})`;
  let pattern: Record<string, unknown>;
  try {
    pattern = compileEventPattern(r.rule, r.expr, Number.POSITIVE_INFINITY);
  } catch (error) {
    if (error instanceof CompileError) throw new ConfigError(where, `cannot compile to eventbridge with this config: ${error.reason}`, error.suggestion);
    throw error;
  }
  const size = JSON.stringify(pattern).length;
  const fix =
    maxLength < 4096
      ? 'Raise the EventBridge quota "Event pattern size" to 4096 in every account and region and set aws.eventPatternMaxLength: 4096, or aggregate the trusted CIDRs.'
      : "Aggregate the trusted CIDRs (fewer, larger ranges), or remove eventbridge from the rule's targets.";
  let parts: Record<string, unknown>[];
  try {
    parts = splitEventPattern(pattern, maxLength);
  } catch (error) {
    if (error instanceof UnsplittablePattern)
      throw new ConfigError(where, `the EventBridge pattern is ${size} characters, over aws.eventPatternMaxLength ${maxLength}, and ${error.message}`, fix);
    throw error;
  }
  if (parts.length > EVENT_RULE_PARTS_MAX) {
    throw new ConfigError(
      where,
      `the EventBridge pattern is ${size} characters and would need ${parts.length} rules of at most ${maxLength} characters (the plan allows ${EVENT_RULE_PARTS_MAX})`,
      fix,
    );
  }
  return parts;
}

class UnsplittablePattern extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const length = (value: unknown): number => JSON.stringify(value).length;

/**
 * Splits an event pattern into patterns of at most `maxLength` characters that together match exactly
 * the events it matches. The top-level `$or` of `detail` (our compiler's only `$or`) is spread over the
 * parts; a branch too long on its own is split on the longest list of values whose every value fits
 * beside the rest of the branch, or, when no list is such, by halving the longest list and recursing.
 * Throws UnsplittablePattern when a branch with one value per field is still too long.
 */
export function splitEventPattern(pattern: Record<string, unknown>, maxLength: number): Record<string, unknown>[] {
  if (length(pattern) <= maxLength) return [pattern];
  const { detail, ...envelope } = pattern as JsonObject;
  const withDetail = (value: Json): JsonObject => ({ ...envelope, detail: value });
  const branches =
    isObject(detail) && Array.isArray(detail['$or']) && Object.keys(detail).length === 1 ? (detail['$or'] as JsonObject[]) : [detail as JsonObject];
  const fitting = branches.flatMap((branch) => splitBranch(branch, (b) => length(withDetail(b)), maxLength));
  // Pack the branches, in order, into as few patterns as fit.
  const groups: JsonObject[][] = [];
  for (const branch of fitting) {
    const last = groups[groups.length - 1];
    if (last && length(withDetail({ $or: [...last, branch] })) <= maxLength) last.push(branch);
    else groups.push([branch]);
  }
  return groups.map((group) => withDetail(group.length === 1 ? group[0]! : { $or: group }));
}

function splitBranch(branch: JsonObject, sizeOf: (branch: JsonObject) => number, maxLength: number): JsonObject[] {
  if (sizeOf(branch) <= maxLength) return [branch];
  const lists = valueLists(branch).sort((a, b) => length(get(branch, b)) - length(get(branch, a)));
  if (lists.length === 0) throw new UnsplittablePattern('no field has two values to spread over several rules');
  // The longest list whose values each fit beside the rest of the branch: chunk it, filling each part.
  const alone = lists.find((path) => get(branch, path).every((value) => sizeOf(set(branch, path, [value])) <= maxLength));
  if (alone) {
    const chunks: Json[][] = [[]];
    for (const value of get(branch, alone)) {
      const current = chunks[chunks.length - 1]!;
      if (current.length > 0 && sizeOf(set(branch, alone, [...current, value])) > maxLength) chunks.push([value]);
      else current.push(value);
    }
    return chunks.map((chunk) => set(branch, alone, chunk));
  }
  // No one list can be spread alone: halve the longest (by characters) and split each half further.
  const [longest] = lists;
  const values = get(branch, longest!);
  const total = length(values);
  let half = 1;
  while (half < values.length - 1 && length(values.slice(0, half + 1)) <= total / 2) half++;
  return [values.slice(0, half), values.slice(half)].flatMap((chunk) => splitBranch(set(branch, longest!, chunk), sizeOf, maxLength));
}

/** Paths of the fields holding two or more values (the lists a branch can be split on). */
function valueLists(node: JsonObject, prefix: readonly string[] = []): string[][] {
  return Object.entries(node).flatMap(([key, value]) =>
    Array.isArray(value) ? (value.length > 1 ? [[...prefix, key]] : []) : isObject(value) ? valueLists(value, [...prefix, key]) : [],
  );
}

function get(node: JsonObject, path: readonly string[]): Json[] {
  return path.reduce<Json>((n, key) => (n as JsonObject)[key]!, node) as Json[];
}

/** A copy of `node` with the list at `path` replaced. */
function set(node: JsonObject, path: readonly string[], values: Json[]): JsonObject {
  const [key, ...rest] = path;
  return { ...node, [key!]: rest.length === 0 ? values : set(node[key!] as JsonObject, rest, values) };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
