/**
 * The rule catalog bound to a config: each rule expanded once (placeholders resolved) into its Expr and
 * its evaluator predicate, and compiled on demand to any target. The alarm pipelines and the CLI both
 * start here.
 *
 * What the catalog knows of log sources comes from the registry (logsources/registry.ts): which targets
 * read a log source, the fields it has (checked once here for every compiler, logsources/field-check.ts),
 * and the fields its vendor writes in one case (logsources/single-case.ts, applied when rules are bound).
 */
import type { GuardrailsModel } from '../config/model.ts';
import { ConfigError } from '../config/config-error.ts';
import { compileEventPattern } from './compilers/eventbridge.ts';
import { compileGcpQuery } from './compilers/gcp-logging.ts';
import { compileKql } from './compilers/kql.ts';
import { compileCloudWatchPattern } from './compilers/cloudwatch.ts';
import { CompileError } from './compilers/compile-error.ts';
import { compileKqlCorrelation } from './compilers/kql-correlation.ts';
import { compileCloudWatchCorrelation, type CloudWatchCorrelation } from './compilers/cloudwatch-correlation.ts';
import { compileGcpCorrelation, type GcpCorrelation } from './compilers/gcp-correlation.ts';
import { bindCorrelation, type Correlation, type CorrelationDocument } from './correlation.ts';
import { compileExpr, type Predicate } from './evaluator.ts';
import { expandRule } from './expand.ts';
import type { Expr } from './expr.ts';
import { placeholderValues } from './placeholders.ts';
import { RuleError } from './rule-error.ts';
import { loadCorrelationFiles, loadRules } from './rule-loader.ts';
import type { Product, Rule, Target } from './rule.ts';
import { kqlTableFor } from './logsources/kql-table-for.ts';
import { checkFields } from './logsources/field-check.ts';
import { logSource, targetsOfProduct } from './logsources/registry.ts';
import { applySingleCase } from './logsources/single-case.ts';
import { packagePath } from '../package-files.ts';

export interface CatalogRule {
  readonly rule: Rule;
  readonly expr: Expr;
  readonly matches: Predicate;
}

/** The shipped catalog: detections/ of this package (the checkout or node_modules/cloud-api-guardrails). */
export const packagedRulesDir = (): string => packagePath('detections');

/** Which targets can run rules of a product at all: those that read one of its log sources (the registry's). */
export const TARGETS_FOR_PRODUCT: Readonly<Record<Product, readonly Target[]>> = {
  aws: targetsOfProduct('aws'),
  azure: targetsOfProduct('azure'),
  gcp: targetsOfProduct('gcp'),
};

export function bindRules(rules: readonly Rule[], model: GuardrailsModel): CatalogRule[] {
  const values = placeholderValues(model);
  return rules.map((rule) => {
    const source = logSource(rule.logsource.product, rule.logsource.service);
    const expanded = expandRule(rule, values);
    const expr = source ? applySingleCase(expanded, source) : expanded;
    return { rule, expr, matches: compileExpr(expr) };
  });
}

/**
 * The rules in `directory` (default: the shipped catalog) bound to `model`: those that run on their own.
 * A base rule of a correlation whose `generate` is false runs only inside it (correlation.ts) and is not
 * here; `loadCatalogWithCorrelations` gives the correlations, with their base rules.
 */
export function loadCatalog(model: GuardrailsModel, directory: string = packagedRulesDir()): CatalogRule[] {
  return loadCatalogWithCorrelations(model, directory).rules;
}

/** Rules that run on their own, and correlations (each with its base rules bound). */
export interface Catalog {
  readonly rules: CatalogRule[];
  readonly correlations: Correlation[];
}

/** The catalog in `directory`, rules and correlation files (correlation.ts), bound to `model`; all or nothing. */
export function loadCatalogWithCorrelations(model: GuardrailsModel, directory: string = packagedRulesDir()): Catalog {
  return bindCatalog(loadRules(directory), loadCorrelationFiles(directory), model);
}

/**
 * Binds catalog rules and correlations: every correlation's base rules are catalog rules, by id (not
 * correlations: chaining is not supported). A base rule of a correlation with `generate: false` (the
 * default) runs only inside it, so it may not list targets of its own (it would never be deployed alone),
 * and it is left out of `rules` unless another correlation generates it.
 */
export function bindCatalog(rules: readonly Rule[], documents: readonly CorrelationDocument[], model: GuardrailsModel): Catalog {
  const bound = bindRules(rules, model);
  const byId = new Map(bound.map((r) => [r.rule.id, r]));
  const correlationFiles = new Map<string, string>();
  for (const d of documents) {
    const other = byId.get(d.id)?.rule.file ?? correlationFiles.get(d.id);
    if (other) throw new RuleError(d.file, 'id', `"${d.id}" is also the id of ${other}`);
    correlationFiles.set(d.id, d.file);
  }
  const correlations = documents.map((d) =>
    bindCorrelation(d, (reference) => {
      const rule = byId.get(reference);
      if (rule) return { rule };
      if (correlationFiles.has(reference)) return `${reference} is a correlation; correlations over correlations are not supported`;
      return `no catalog rule has the id ${reference}`;
    }),
  );
  const inside = baseRulesOnlyInside(correlations);
  for (const c of correlations) {
    for (const { rule } of c.bases) {
      if (inside.has(rule.rule.id) && rule.rule.targets.length)
        throw new RuleError(
          rule.rule.file,
          'targets',
          `rule ${rule.rule.id} is a base rule of correlation ${c.id} (generate: false): it runs only inside it and is never deployed alone; remove its targets, or set generate: true on the correlation`,
        );
    }
  }
  return { rules: bound.filter((r) => !inside.has(r.rule.id)), correlations };
}

/** Ids of the base rules that no correlation generates (Sigma `generate`, default false): they run only inside. */
export function baseRulesOnlyInside(
  correlations: readonly { readonly generate: boolean; readonly bases: readonly { readonly rule: CatalogRule }[] }[],
): Set<string> {
  const generated = new Set(correlations.filter((c) => c.generate).flatMap((c) => c.bases.map((b) => b.rule.rule.id)));
  return new Set(correlations.flatMap((c) => c.bases.map((b) => b.rule.rule.id)).filter((id) => !generated.has(id)));
}

export type CompiledQuery = string | Record<string, unknown>;

/**
 * Compiles a rule for deployment: a rule that lists a target but cannot be expressed there with this
 * config (say, so many trusted CIDRs that a pattern outgrows its limit) is a one-line config error.
 */
export function compileForDeployment(r: CatalogRule, target: Target): CompiledQuery {
  try {
    return compileRule(r, target);
  } catch (error) {
    if (error instanceof CompileError)
      throw new ConfigError(`rule ${r.rule.id} (${r.rule.file})`, `cannot compile to ${target} with this config: ${error.reason}`, error.suggestion);
    throw error;
  }
}

/**
 * Compiles a rule to a target; throws CompileError when the target cannot express it, does not read the
 * rule's log source, or when the rule tests a field its log source does not have (or text on an object
 * the target cannot see as text): field-check.ts, one check for every compiler.
 */
export function compileRule({ rule, expr }: CatalogRule, target: Target): CompiledQuery {
  const readers = Object.keys(logSource(rule.logsource.product, rule.logsource.service)?.tables ?? {}) as Target[];
  if (!readers.includes(target)) {
    const product = TARGETS_FOR_PRODUCT[rule.logsource.product] ?? [];
    throw new CompileError(
      rule.id,
      target,
      `${target} does not read ${rule.logsource.product} logs`,
      `Use ${(readers.length ? readers : product).join(' or ') || 'another log source'}.`,
    );
  }
  checkFields(rule, expr, target);
  switch (target) {
    case 'cloudwatch':
      return compileCloudWatchPattern(rule, expr);
    case 'eventbridge':
      return compileEventPattern(rule, expr);
    case 'kql':
      return compileKql(rule, expr, kqlTableFor(rule.logsource.service));
    case 'gcp':
      return compileGcpQuery(rule, expr);
  }
}

/**
 * Why EventBridge cannot run a correlation: it matches one event at a time and keeps no count.
 * CloudWatch and GCP count through a metric (compilers/cloudwatch-correlation.ts, gcp-correlation.ts).
 */
const CANNOT_COUNT: readonly [reason: string, suggestion: string] = [
  // Event patterns: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
  'an EventBridge event pattern matches one event at a time and keeps nothing between events, so it cannot count them',
  'Run it with guardrails detect, or deploy it to cloudwatch (event_count) or kql.',
];

/** A correlation compiled for a target that counts through a metric: a metric filter and alarm, or a log-based metric and alert policy. */
export type MetricCorrelation = CloudWatchCorrelation | GcpCorrelation;

/** Throws CompileError when a base rule's log source is not read by `target`. */
function checkReaders(c: Correlation, target: Target): void {
  for (const { rule } of c.bases) {
    const { product, service } = rule.rule.logsource;
    const readers = Object.keys(logSource(product, service)?.tables ?? {}) as Target[];
    if (!readers.includes(target))
      throw new CompileError(
        c.id,
        target,
        `${target} does not read ${product} logs (base rule ${rule.rule.id})`,
        `Use ${readers.join(' or ') || 'another target'}.`,
      );
  }
}

/**
 * A correlation compiled to what counts it in CloudWatch (a metric filter with dimensions and a Metrics
 * Insights alarm) or Google Cloud (a log-based metric with labels and a threshold condition), over each
 * base rule compiled by compileRule. Throws CompileError for what the target cannot express.
 */
export function compileMetricCorrelation(c: Correlation, target: 'cloudwatch'): CloudWatchCorrelation;
export function compileMetricCorrelation(c: Correlation, target: 'gcp'): GcpCorrelation;
export function compileMetricCorrelation(c: Correlation, target: 'cloudwatch' | 'gcp'): MetricCorrelation;
export function compileMetricCorrelation(c: Correlation, target: 'cloudwatch' | 'gcp'): MetricCorrelation {
  checkReaders(c, target);
  const bases = c.bases.map(({ rule }) => compileRule(rule, target) as string);
  return target === 'cloudwatch' ? compileCloudWatchCorrelation(c, bases) : compileGcpCorrelation(c, bases);
}

/**
 * Compiles a correlation to a target, as text: KQL (compilers/kql-correlation.ts, over each base rule
 * compiled by compileRule); for cloudwatch and gcp the compileMetricCorrelation form as JSON; eventbridge
 * throws CompileError with the reason it cannot count.
 */
export function compileCorrelation(c: Correlation, target: Target): string {
  checkReaders(c, target);
  if (target === 'eventbridge') throw new CompileError(c.id, target, ...CANNOT_COUNT);
  if (target !== 'kql') return JSON.stringify(compileMetricCorrelation(c, target), null, 2);
  const bases = c.bases.map(({ rule }) => ({ query: compileRule(rule, 'kql') as string, table: kqlTableFor(rule.rule.logsource.service) }));
  return compileKqlCorrelation(c, bases);
}

/** compileMetricCorrelation for a deployment: a correlation that lists a target it cannot compile to is a one-line config error. */
export function compileMetricCorrelationForDeployment(c: Correlation, target: 'cloudwatch'): CloudWatchCorrelation;
export function compileMetricCorrelationForDeployment(c: Correlation, target: 'gcp'): GcpCorrelation;
export function compileMetricCorrelationForDeployment(c: Correlation, target: 'cloudwatch' | 'gcp'): MetricCorrelation {
  try {
    return compileMetricCorrelation(c, target);
  } catch (error) {
    if (error instanceof CompileError)
      throw new ConfigError(`correlation ${c.id} (${c.file})`, `cannot compile to ${target} with this config: ${error.reason}`, error.suggestion);
    throw error;
  }
}

/** compileCorrelation for a deployment: a correlation that lists a target it cannot compile to is a one-line config error. */
export function compileCorrelationForDeployment(c: Correlation, target: Target): string {
  try {
    return compileCorrelation(c, target);
  } catch (error) {
    if (error instanceof CompileError)
      throw new ConfigError(`correlation ${c.id} (${c.file})`, `cannot compile to ${target} with this config: ${error.reason}`, error.suggestion);
    throw error;
  }
}
