/** What an engine reports (duckdb-engine.ts, parallel-engine.ts), in input and event order; detect.ts prints and counts. */
import type { CatalogRule } from '../catalog.ts';
import type { InputProblem, Malformed } from '../input/read-events.ts';
import type { SourcedEvent } from '../logsources/detect-source.ts';

export interface EngineSink {
  onEvents(events: number, unrecognised: number): void;
  onMatch(rule: CatalogRule, file: string, index: number): void;
  onBase(rule: CatalogRule, sourced: SourcedEvent, file: string, index: number): void;
  onMalformed(malformed: Malformed): void;
  /** A file done: read to its end (undefined) or stopped by a problem. */
  onFile(file: string, problem: InputProblem | undefined): void;
  onBytes?(bytes: number): void;
}
