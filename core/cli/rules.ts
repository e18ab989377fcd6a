/**
 * `guardrails rules`: every rule compiled to the targets of its cloud (or one --target), so a user can
 * paste a query into a console. A rule a target cannot express prints its compile error instead.
 * `--format json` prints one JSON object per rule file instead, for scripts and coverage reports:
 * `{"file","id","title","loaded","correlation"?,"error"?,"targets":{"<target>":{"ok","query"?,"error"?}}}`, a file that
 * did not load included, with the reason it did not.
 *
 * Correlations follow the rules, each compiled to every target of its cloud: KQL, or the reason a target
 * cannot count (core/detection/catalog.ts compileCorrelation).
 *
 * `--target duckdb|athena|bigquery` prints each rule as a SQL SELECT for hunting (compilers/sql.ts): for
 * the clouds whose logs the dialect's table holds, a rule it cannot express listed with the reason. They
 * are not deployment targets (rule.ts TARGETS), so they are printed only when asked for, never deployed.
 */
import { compileCorrelation, compileRule, TARGETS_FOR_PRODUCT, type CatalogRule, type CompiledQuery } from '../detection/catalog.ts';
import { CompileError } from '../detection/compilers/compile-error.ts';
import { compileSqlQuery, SQL_DIALECT_PRODUCTS, SQL_DIALECTS, SqlCompileError, type SqlDialect } from '../detection/compilers/sql.ts';
import type { Correlation } from '../detection/correlation.ts';
import type { SkippedFile } from '../detection/rule-folder.ts';
import { TARGETS, type Product, type Target } from '../detection/rule.ts';

/** What `guardrails rules --target` takes: the deployment targets and the SQL dialects. */
export const RULES_TARGETS: readonly (Target | SqlDialect)[] = [...TARGETS, ...SQL_DIALECTS];

const isSqlDialect = (target: Target | SqlDialect | undefined): target is SqlDialect => SQL_DIALECTS.includes(target as SqlDialect);

interface PrintOptions {
  readonly cloud?: Product;
  readonly target?: Target | SqlDialect;
  readonly out: NodeJS.WritableStream;
  readonly correlations?: readonly Correlation[];
}

/** A correlation's cloud: its base rules'. */
const productOf = (c: Correlation): Product => c.bases[0]!.rule.rule.logsource.product;

interface Compiled<Q> {
  readonly target: Target | SqlDialect;
  readonly query?: Q;
  readonly error?: CompileError;
}

/** Each target of `product` (or --target, a SQL dialect included): the compiled query, or the compile error. */
function acrossTargets<Q>(product: Product, options: PrintOptions, compile: (target: Target | SqlDialect) => Q): Compiled<Q>[] {
  const targets: readonly (Target | SqlDialect)[] = isSqlDialect(options.target)
    ? SQL_DIALECT_PRODUCTS[options.target].includes(product)
      ? [options.target]
      : []
    : TARGETS_FOR_PRODUCT[product].filter((t) => !options.target || t === options.target);
  return targets.map((target) => {
    try {
      return { target, query: compile(target) };
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      return { target, error };
    }
  });
}

const ruleTargets = (r: CatalogRule, options: PrintOptions): Compiled<CompiledQuery>[] =>
  acrossTargets(r.rule.logsource.product, options, (target) => (isSqlDialect(target) ? compileSqlQuery(r, target) : compileRule(r, target)));
const correlationTargets = (c: Correlation, options: PrintOptions): Compiled<string>[] =>
  acrossTargets(productOf(c), options, (target) => {
    if (isSqlDialect(target))
      throw new SqlCompileError(
        c.id,
        target,
        'a correlation counts events per group within a time window; the SQL backend compiles single-event rules',
        'Run it with guardrails detect, or deploy it to kql.',
      );
    return compileCorrelation(c, target);
  });
/** Deployed: listed in the rule's targets (a SQL dialect never is). */
const deployedTo = (targets: readonly Target[], target: Target | SqlDialect): boolean => !isSqlDialect(target) && targets.includes(target);

export function printRules(rules: readonly CatalogRule[], options: PrintOptions): number {
  let failures = 0;
  for (const r of rules) {
    const { product } = r.rule.logsource;
    if (options.cloud && product !== options.cloud) continue;
    for (const { target, query, error } of ruleTargets(r, options)) {
      const deployed = deployedTo(r.rule.targets, target) ? 'deployed' : 'not deployed';
      options.out.write(`# ${r.rule.id} -> ${target} (${deployed}): ${r.rule.title}\n`);
      if (query !== undefined) options.out.write(`${typeof query === 'string' ? query : JSON.stringify(query, null, 2)}\n\n`);
      else {
        if (deployedTo(r.rule.targets, target)) failures++;
        options.out.write(`# ${error!.message}\n\n`);
      }
    }
  }
  for (const c of options.correlations ?? []) {
    if (options.cloud && productOf(c) !== options.cloud) continue;
    for (const { target, query, error } of correlationTargets(c, options)) {
      const deployed = deployedTo(c.targets, target) ? 'deployed' : 'not deployed';
      options.out.write(`# ${c.id} -> ${target} (${deployed}, correlation ${c.type}): ${c.title}\n`);
      if (query !== undefined) options.out.write(`${query}\n\n`);
      else {
        if (deployedTo(c.targets, target)) failures++;
        options.out.write(`# ${error!.message}\n\n`);
      }
    }
  }
  return failures;
}

/** One rule file's line of `guardrails rules --format json`. */
export interface RuleFileReport {
  readonly file: string;
  readonly id: string | null;
  readonly title: string | null;
  readonly loaded: boolean;
  /** A correlation (its type), rather than a rule. */
  readonly correlation?: string;
  readonly error?: string;
  readonly targets: Record<string, { readonly ok: boolean; readonly query?: string | Record<string, unknown>; readonly error?: string }>;
}

/**
 * `--format json`: one object per rule file, loaded or not, in file order. Every target of the rule's
 * cloud is tried (or only --target). Returns how many rules failed a target they are deployed to.
 */
export function printRulesJson(rules: readonly CatalogRule[], skipped: readonly SkippedFile[], options: PrintOptions): number {
  let failures = 0;
  const reports: RuleFileReport[] = [];
  for (const r of rules) {
    const { product } = r.rule.logsource;
    if (options.cloud && product !== options.cloud) continue;
    const targets: RuleFileReport['targets'] = {};
    for (const { target, query, error } of ruleTargets(r, options)) {
      if (error && deployedTo(r.rule.targets, target)) failures++;
      targets[target] = query !== undefined ? { ok: true, query } : { ok: false, error: error!.reason };
    }
    reports.push({ file: r.rule.file, id: r.rule.id, title: r.rule.title, loaded: true, targets });
  }
  for (const c of options.correlations ?? []) {
    if (options.cloud && productOf(c) !== options.cloud) continue;
    const targets: RuleFileReport['targets'] = {};
    for (const { target, query, error } of correlationTargets(c, options)) {
      if (error && deployedTo(c.targets, target)) failures++;
      targets[target] = query !== undefined ? { ok: true, query } : { ok: false, error: error!.reason };
    }
    reports.push({ file: c.file, id: c.id, title: c.title, loaded: true, correlation: c.type, targets });
  }
  // A file that did not load has no cloud we can trust, so --cloud cannot filter it out.
  for (const s of skipped) reports.push({ file: s.file, id: s.id ?? null, title: s.title ?? null, loaded: false, error: s.reason, targets: {} });
  reports.sort((a, b) => a.file.localeCompare(b.file));
  for (const report of reports) options.out.write(`${JSON.stringify(report)}\n`);
  return failures;
}
