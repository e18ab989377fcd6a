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
import { availableParallelism } from 'node:os';
import type { CatalogRule } from '../catalog.ts';
import { CompileError } from '../compilers/compile-error.ts';
import { RuleError } from '../rule-error.ts';
import { planDetect, type DetectPlan } from './duckdb-plan.ts';

export type DetectEngine = 'auto' | 'js' | 'duckdb';

export interface EngineChoice {
  /** The DuckDB plan when duckdb runs; undefined for js. */
  readonly plan?: DetectPlan;
  /** For js: the worker threads evaluating (parallel-engine.ts), or 1 for the main thread alone. */
  readonly workers: number;
}

export interface EngineSizing {
  /** --workers; undefined picks by input size and cores. */
  readonly workers?: number;
  /** The input's total size in bytes (0 when unknown, as for a FIFO). */
  readonly inputBytes: number;
  /** The cores to count on; default availableParallelism(). */
  readonly cores?: number;
}

/** From this much input on, js runs in worker threads: below it, starting them costs more than they save. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Workers beyond this many leave the main thread, which reads and reports for all of them, the bottleneck. */
export const MAX_WORKERS = 4;

/** The engine to run; for duckdb, every rule and correlation base compiled (a rule that does not is a rule error). */
export function chooseEngine(engine: DetectEngine, rules: readonly CatalogRule[], bases: readonly CatalogRule[], sizing: EngineSizing): EngineChoice {
  if (engine !== 'duckdb') return { workers: workersFor(sizing) };
  try {
    return { plan: planDetect(rules, bases), workers: 1 };
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    throw new RuleError(error.ruleId, '--engine duckdb', `${error.reason}; run it with --engine js`);
  }
}

/** --workers as given; else one per core (up to MAX_WORKERS) from PARALLEL_MIN_BYTES of input on, with 2 cores or more. */
export function workersFor(sizing: EngineSizing): number {
  if (sizing.workers !== undefined) return sizing.workers;
  const cores = sizing.cores ?? availableParallelism();
  return cores >= 2 && sizing.inputBytes >= PARALLEL_MIN_BYTES ? Math.min(cores, MAX_WORKERS) : 1;
}
