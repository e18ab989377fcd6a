/**
 * Which evaluator `guardrails detect` runs:
 * - js: the streaming evaluator (evaluator.ts), one event at a time on one core; the reference.
 * - duckdb: the catalog compiled to DuckDB SQL on an embedded DuckDB (duckdb-engine.ts), every core.
 * - auto (the default): js. Measured with bench/detect.ts (bench/detect-engines.md), the duckdb engine
 *   is slower at every input size measured: 450 MB of CloudTrail, js 22.8 s, duckdb 233.7 s (before its
 *   rules read stored field columns); 20 MB since, js 1.9 s, duckdb 5.2 s (its load parses every
 *   rule's fields per event, which costs more than the evaluator's compiled paths). Auto is the place
 *   to pick duckdb by input size once it is faster.
 */
import type { CatalogRule } from '../catalog.ts';
import { CompileError } from '../compilers/compile-error.ts';
import { RuleError } from '../rule-error.ts';
import { planDetect, type DetectPlan } from './duckdb-plan.ts';

export type DetectEngine = 'auto' | 'js' | 'duckdb';

export interface EngineChoice {
  /** The DuckDB plan when duckdb runs; undefined for js. */
  readonly plan?: DetectPlan;
}

/** The engine to run; for duckdb, every rule and correlation base compiled (a rule that does not is a rule error). */
export function chooseEngine(engine: DetectEngine, rules: readonly CatalogRule[], bases: readonly CatalogRule[]): EngineChoice {
  if (engine !== 'duckdb') return {};
  try {
    return { plan: planDetect(rules, bases) };
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    throw new RuleError(error.ruleId, '--engine duckdb', `${error.reason}; run it with --engine js`);
  }
}
