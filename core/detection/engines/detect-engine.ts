/**
 * Which evaluator `guardrails detect` runs:
 * - js: the streaming evaluator (evaluator.ts), one event at a time on one core; the reference.
 * - duckdb: the catalog compiled to DuckDB SQL on an embedded DuckDB (duckdb-engine.ts), a file's
 *   records evaluated on one thread (its lines are numbered, which DuckDB scans serially).
 * - auto (the default): js. Measured with bench/detect.ts (bench/detect-engines.md, 2 shared cores),
 *   the duckdb engine is slower at every input size: 26.7 s on 450 MB of CloudTrail against js's
 *   10.8 s in the same run, 227.6 s on 2 GB against 38.6 s, and 1.39 s on 20 MB against 0.63 s on an
 *   idle machine. Its SQL evaluates the catalog slower per event than the evaluator's compiled paths.
 *   Auto is the place to pick duckdb by input size once it is faster.
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
