/**
 * Which evaluator `guardrails detect` runs:
 * - js: the streaming evaluator (evaluator.ts), one event at a time; the reference. On the main thread
 *   (--workers 1), or in worker threads (parallel-engine.ts) with the same output: by default one per core,
 *   at most MAX_WORKERS, from PARALLEL_MIN_BYTES of input on (workersFor).
 * - duckdb: the catalog compiled to DuckDB SQL on an embedded DuckDB (duckdb-engine.ts), a file's
 *   records evaluated on one thread (its lines are numbered, which DuckDB scans serially).
 * - auto (the default): js. Measured with bench/detect.ts (bench/detect-engines.md), the duckdb engine
 *   is slower than js on one thread at every input size, and js in worker threads is faster still. Its
 *   SQL evaluates the catalog slower per event than the evaluator's compiled paths. Auto is the place
 *   to pick duckdb by input size once it is faster.
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

/**
 * From this much input on, js runs in worker threads. Measured on 2 idle cores (compiled JS, bench file
 * slices): 2 workers against one thread took 0.56 against 0.37 s on 20 MB, about the same on 50 MB, 1.16 against
 * 1.53 s on 100 MB and 3.57 against 6.23 s on 450 MB: each worker warms up and collects garbage on its own.
 */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/**
 * At most this many: each worker holds its own heap (about 100 MB of RSS each, bench/detect-engines.md), and
 * the main thread reads and reports for all of them. Not measured beyond this machine's 2 cores.
 */
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
