/**
 * What a worker of the parallel js engine does with a job (evaluation-worker.ts runs it in a worker thread;
 * tests run it in-process): the rules it is given, bound once; then a block of NDJSON lines cut by the main
 * thread, or a whole file, which it reads itself with readEvents. It returns what it found, in event order,
 * for the main thread to report in input order (parallel-engine.ts); nothing is printed here.
 */
import type { CatalogRule } from '../catalog.ts';
import { compileExpr } from '../evaluator.ts';
import { readNdjsonBlock } from '../input/ndjson-block.ts';
import { readEvents, type InputProblem, type Malformed, type ReadLimits } from '../input/read-events.ts';
import type { SourcedEvent } from '../logsources/detect-source.ts';
import { evaluateEvent, indexBySource } from './event-evaluation.ts';

/** A rule as sent to a worker: what is needed to bind it again (its predicate is a closure, which cannot be sent). */
export type RuleSpec = Pick<CatalogRule, 'rule' | 'expr'>;

export interface WorkerSetup {
  readonly rules: readonly RuleSpec[];
  readonly bases: readonly RuleSpec[];
  readonly limits: ReadLimits;
  readonly maxLine: number;
}

export type Job =
  | { readonly id: number; readonly kind: 'block'; readonly file: string; readonly block: Uint8Array }
  | { readonly id: number; readonly kind: 'file'; readonly file: string };

/** What a job found, in event order. */
export interface Evaluated {
  events: number;
  unrecognised: number;
  /** Four numbers per hit: 1 for a base rule or 0 for a rule, its position in setup's list, the event's index, 1 if that index counts the block's records. */
  readonly hits: number[];
  /** The event of each base-rule hit, in order (the correlations need it). */
  readonly sourced: SourcedEvent[];
  readonly malformed: Malformed[];
  /** A block: its lines and records. */
  lines: number;
  records: number;
  /** A whole file: the bytes read (for progress) and the problem that stopped it, if any. */
  bytes: number;
  problem?: InputProblem;
}

export type Reply = { readonly id: number; readonly result: Evaluated } | { readonly id: number; readonly error: string };

/** Binds `setup`'s rules once; the function returned evaluates one job. */
export function jobEvaluator(setup: WorkerSetup): (job: Job) => Promise<Evaluated> {
  const bind = (specs: readonly RuleSpec[]): CatalogRule[] => specs.map(({ rule, expr }) => ({ rule, expr, matches: compileExpr(expr) }));
  const rules = bind(setup.rules);
  const bases = bind(setup.bases);
  const slots = new Map<CatalogRule, number>([...rules.entries(), ...bases.entries()].map(([i, r]) => [r, i]));
  const ruleIndexes = indexBySource(rules);
  const baseIndexes = indexBySource(bases);

  function evaluator(result: Evaluated) {
    let index = 0;
    let inBlock = 0;
    const on = {
      onBase: (r: CatalogRule, sourced: SourcedEvent) => {
        result.hits.push(1, slots.get(r) as number, index, inBlock);
        result.sourced.push(sourced);
      },
      onMatch: (r: CatalogRule) => {
        result.hits.push(0, slots.get(r) as number, index, inBlock);
      },
    };
    return (eventIndex: number, value: unknown, countsRecords: boolean) => {
      result.events++;
      index = eventIndex;
      inBlock = countsRecords ? 1 : 0;
      if (!evaluateEvent(value, ruleIndexes, baseIndexes, on)) result.unrecognised++;
    };
  }

  async function run(job: Job): Promise<Evaluated> {
    const result: Evaluated = { events: 0, unrecognised: 0, hits: [], sourced: [], malformed: [], lines: 0, records: 0, bytes: 0 };
    const evaluate = evaluator(result);
    const onMalformed = (m: Malformed) => result.malformed.push(m);
    if (job.kind === 'block') {
      const block = Buffer.from(job.block.buffer, job.block.byteOffset, job.block.byteLength);
      const counts = readNdjsonBlock(job.file, block, setup.maxLine, {
        onEvent: (index, value, inRecords) => evaluate(index, value, !inRecords),
        onMalformed,
      });
      result.lines = counts.lines;
      result.records = counts.records;
      return result;
    }
    result.problem = await readEvents(
      job.file,
      {
        onEvent: (event) => evaluate(event.index, event.value, false),
        onMalformed,
        onBytes: (bytes) => {
          result.bytes += bytes;
        },
      },
      setup.limits,
    );
    return result;
  }
  return run;
}
