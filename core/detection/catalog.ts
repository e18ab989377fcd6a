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
import { compileExpr, type Predicate } from './evaluator.ts';
import { expandRule } from './expand.ts';
import type { Expr } from './expr.ts';
import { placeholderValues } from './placeholders.ts';
import { loadRules } from './rule-loader.ts';
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

/** The rules in `directory` (default: the shipped catalog) bound to `model`. */
export function loadCatalog(model: GuardrailsModel, directory: string = packagedRulesDir()): CatalogRule[] {
  return bindRules(loadRules(directory), model);
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
