/**
 * The rules a hunt engine runs: the catalog's rules for the engine's cloud, each compiled by the
 * engine's compiler; a rule that cannot compile is one stderr line and is left out (`guardrails rules
 * --target <dialect>` shows them all). Then the rules are put in batches, each one query under the
 * engine's query-length limit.
 */
import type { CatalogRule } from '../detection/catalog.ts';
import { CompileError } from '../detection/compilers/compile-error.ts';
import type { Product } from '../detection/rule.ts';

export interface CompiledRule {
  readonly id: string;
  /** The engine's text for the rule: a SQL condition, or a whole KQL query. */
  readonly text: string;
}

export function compileForEngine(
  rules: readonly CatalogRule[],
  product: Product,
  compile: (rule: CatalogRule) => string,
  skip: (line: string) => void,
): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  for (const r of rules) {
    if (r.rule.logsource.product !== product) continue;
    try {
      compiled.push({ id: r.rule.id, text: compile(r) });
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      skip(`skipped: ${error.message}`);
    }
  }
  return compiled;
}

/**
 * Consecutive rules grouped so that `size(batch)` (the query's length) stays within `max`. A rule too
 * long for a query of its own is returned in `tooLong`.
 */
export function batches(rules: readonly CompiledRule[], size: (batch: readonly CompiledRule[]) => number, max: number) {
  const out: CompiledRule[][] = [];
  const tooLong: CompiledRule[] = [];
  let current: CompiledRule[] = [];
  for (const rule of rules) {
    if (size([rule]) > max) {
      tooLong.push(rule);
      continue;
    }
    if (current.length && size([...current, rule]) > max) {
      out.push(current);
      current = [];
    }
    current.push(rule);
  }
  if (current.length) out.push(current);
  return { batches: out, tooLong };
}
