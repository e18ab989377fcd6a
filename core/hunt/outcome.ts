/**
 * What every hunt engine reports: each matching record (with the ids of the rules it matched and where
 * to find it), and how the run went. The exit codes follow `guardrails detect`'s (core/cli/detect.ts,
 * DETECT_EXIT_CODES): a query that failed, was cancelled, timed out or returned truncated results is
 * what an unreadable input is to detect, an incomplete result (3), which wins over matches (1).
 */

/** One record that matched, as an engine read it from its results. */
export interface HuntMatch {
  /** Ids of the rules the record matched. */
  readonly rules: readonly string[];
  /** Where the record is: the detect table's EVENT column (detect writes file#index). */
  readonly where: string;
  /** The record's identifying fields, for the NDJSON output (names as the engine's table spells them). */
  readonly fields: Readonly<Record<string, string | null>>;
}

/** How an engine's run went. */
export interface HuntOutcome {
  /** Queries submitted. */
  readonly queries: number;
  /** Queries whose results are missing or partial (failed, cancelled, timed out, truncated); each was reported on stderr. */
  readonly incomplete: number;
  /** Bytes the engine scanned or billed, when it says. */
  readonly bytes?: number;
}

/** Where an engine sends what it finds. */
export interface HuntSink {
  readonly onMatch: (match: HuntMatch) => void;
  /** One stderr line (the progress line, if drawn, is ended first). */
  readonly warn: (line: string) => void;
  /** The progress line's text, on a TTY only; undefined elsewhere. */
  readonly progress?: (text: string) => void;
}

/** The exit codes of `guardrails hunt`, one per line, for --help and the README. */
export const HUNT_EXIT_CODES: readonly string[] = [
  '0  every query completed; no match, or matches without --fail-on-match',
  '1  match(es) found, with --fail-on-match',
  '2  usage, config or rule error, no rule compiles for the engine, its SDK package is not installed, or no credentials (nothing queried)',
  '3  incomplete: a query failed, was cancelled, timed out or returned truncated results (see stderr); wins over 1, matches are still printed',
];

export function huntExitCode(matched: number, outcome: Pick<HuntOutcome, 'incomplete'>, failOnMatch: boolean): 0 | 1 | 3 {
  if (outcome.incomplete > 0) return 3;
  return failOnMatch && matched > 0 ? 1 : 0;
}
