/**
 * The rule catalog bound to a config: each rule expanded once (placeholders resolved) into its Expr and
 * its evaluator predicate, and compiled on demand to any target. The alarm pipelines and the CLI both
 * start here.
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
import type { Rule, Target } from './rule.ts';
import { kqlTableFor } from './logsources/kql-table-for.ts';
import { packagePath } from '../package-files.ts';

export interface CatalogRule {
  readonly rule: Rule;
  readonly expr: Expr;
  readonly matches: Predicate;
}

/** The shipped catalog: detections/ of this package (the checkout or node_modules/cloud-api-guardrails). */
export const packagedRulesDir = (): string => packagePath('detections');

/** Which targets can run rules of a product at all. */
export const TARGETS_FOR_PRODUCT: Record<Rule['logsource']['product'], readonly Target[]> = {
  aws: ['cloudwatch', 'eventbridge'],
  azure: ['kql'],
  gcp: ['gcp'],
};

export function bindRules(rules: readonly Rule[], model: GuardrailsModel): CatalogRule[] {
  const values = placeholderValues(model);
  return rules.map((rule) => {
    const expr = expandRule(rule, values);
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

/** Compiles a rule to a target; throws CompileError when the target cannot express it. */
export function compileRule({ rule, expr }: CatalogRule, target: Target): CompiledQuery {
  if (!TARGETS_FOR_PRODUCT[rule.logsource.product].includes(target)) {
    throw new CompileError(
      rule.id,
      target,
      `${target} does not read ${rule.logsource.product} logs`,
      `Use ${TARGETS_FOR_PRODUCT[rule.logsource.product].join(' or ')}.`,
    );
  }
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
