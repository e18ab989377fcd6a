/**
 * `guardrails detect`: runs the catalog over log files, so a rule can be backtested before it is
 * deployed. Matches go to stdout (table or NDJSON); the summary, malformed lines, input problems and a
 * progress bar (on a TTY, for large inputs) go to stderr. An input that cannot be read (missing,
 * unreadable, corrupt gzip, over a size cap) is one stderr line and the run goes on with the rest; the
 * exit code (detectExitCode) then says the result is incomplete. Text from the logs, file names
 * included, is escaped before it reaches a terminal (terminal-text.ts).
 */
import { statSync } from 'node:fs';
import type { CatalogRule } from '../detection/catalog.ts';
import { listInputFiles, readEvents, type InputEvent, type InputProblem, type Malformed } from '../detection/input/read-events.ts';
import { detectSource } from '../detection/logsources/detect-source.ts';
import { indexRules } from '../detection/rule-index.ts';
import type { Product } from '../detection/rule.ts';
import { jsonSafe, terminalSafe } from './terminal-text.ts';

export interface DetectOptions {
  readonly paths: readonly string[];
  readonly rules: readonly CatalogRule[];
  readonly cloud?: Product;
  readonly format: 'table' | 'ndjson';
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Show a progress bar (on a TTY) from this much input on; default 50 MB. */
  readonly progressMinBytes?: number;
  /** A longer line is reported and skipped (never buffered whole), and its file counts as partly read; default 64 MiB. */
  readonly maxLineBytes?: number;
  /** A larger whole-document JSON file (array, CloudTrail Records, pretty-printed) is reported and skipped; default 256 MiB. */
  readonly maxDocumentBytes?: number;
}

export interface DetectSummary {
  /** Events read, from every file (those read before a file's problem included). */
  events: number;
  matched: number;
  unrecognised: number;
  malformed: number;
  byRule: Map<string, number>;
  /** Input files read to their end. */
  files: number;
  /**
   * Inputs not read or read only in part, each reported on stderr: a missing path, an unreadable file or
   * directory, a symlink loop (ELOOP), a truncated or fake gzip, a JSON document or a line over the size cap.
   */
  skippedFiles: number;
}

/** The exit codes of `guardrails detect`, one per line, for --help and the README. */
export const DETECT_EXIT_CODES: readonly string[] = [
  '0  every input read; no match, or matches without --fail-on-match',
  '1  match(es) found, with --fail-on-match',
  '2  usage, config or rule error (nothing read or written)',
  '3  incomplete: an input could not be read in full (a file skipped or partly read, see stderr), or no event was recognised at all; wins over 1, matches are still printed',
];

/**
 * The exit code for a finished run (2, usage or config error, is the caller's). 3 wins over 1: a run
 * that missed input cannot vouch that nothing else matched, and CI must not mistake it for a clean or an
 * ordinary failing run; its matches were printed all the same. A run with no recognised event (no input
 * at all, or nothing that is CloudTrail, Azure or GCP audit log) is 3 too, never a silent 0.
 */
export function detectExitCode(summary: Pick<DetectSummary, 'events' | 'unrecognised' | 'matched' | 'skippedFiles'>, failOnMatch: boolean): 0 | 1 | 3 {
  if (summary.skippedFiles > 0 || summary.events - summary.unrecognised <= 0) return 3;
  return failOnMatch && summary.matched > 0 ? 1 : 0;
}

const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;
const MALFORMED_SHOWN = 10;

export async function runDetect(options: DetectOptions): Promise<DetectSummary> {
  const summary: DetectSummary = { events: 0, matched: 0, unrecognised: 0, malformed: 0, byRule: new Map(), files: 0, skippedFiles: 0 };
  let progress: ReturnType<typeof progressBar> | undefined;
  /** One stderr line, on a line of its own even while the progress bar is drawn. */
  const warn = (line: string) => {
    progress?.interrupt();
    options.err.write(`${line}\n`);
  };
  const onProblem = (p: InputProblem) => {
    summary.skippedFiles++;
    const kept = p.eventsRead > 0 ? `; the ${p.eventsRead} event(s) before it were read and checked` : '';
    warn(`skipped: ${terminalSafe(p.file)}: ${terminalSafe(p.problem)}${kept}`);
  };
  const files = listInputFiles(options.paths, {
    onProblem,
    onRepeated: (path, first) =>
      warn(`note: ${terminalSafe(path)}: ${path === first ? 'directory' : `same directory as ${terminalSafe(first)},`} already read, not read again`),
  });
  const totalBytes = files.reduce((sum, f) => sum + sizeOf(f), 0);
  progress = options.err.isTTY && totalBytes >= (options.progressMinBytes ?? PROGRESS_MIN_BYTES) ? progressBar(options.err, totalBytes) : undefined;
  // Rules grouped by log source, so each event meets only the rules that can apply to it.
  const grouped = new Map<string, CatalogRule[]>();
  for (const r of options.rules) {
    if (options.cloud && r.rule.logsource.product !== options.cloud) continue;
    const key = `${r.rule.logsource.product}/${r.rule.logsource.service}`;
    grouped.set(key, [...(grouped.get(key) ?? []), r]);
  }
  const bySource = new Map([...grouped].map(([key, rules]) => [key, indexRules(rules)]));
  let partlyRead = false;
  const onMalformed = (m: Malformed) => {
    if (m.tooLong) {
      // Not a broken line but one we refused to buffer: the file was only partly checked.
      partlyRead = true;
      warn(`skipped: ${terminalSafe(m.file)}:${m.line}: ${terminalSafe(m.problem)}; the rest of the file was read`);
      return;
    }
    summary.malformed++;
    if (summary.malformed <= MALFORMED_SHOWN) warn(`malformed: ${terminalSafe(m.file)}:${m.line}: ${terminalSafe(m.problem)}`);
  };
  if (options.format === 'table') options.out.write(`${'RULE'.padEnd(44)} ${'LEVEL'.padEnd(13)} EVENT\n`);
  // The table's text, escaped once per rule and per file rather than per match.
  const tableRow = new Map<CatalogRule['rule'], readonly [start: string, end: string]>();
  let shownFile = '';
  let shownFileFor = '';
  const onEvent = (input: InputEvent) => {
    summary.events++;
    const sourced = detectSource(input.value);
    if (!sourced) {
      summary.unrecognised++;
      return;
    }
    const candidates = bySource.get(`${sourced.product}/${sourced.service}`);
    for (const r of candidates ? candidates(sourced.event) : []) {
      if (!r.matches(sourced.event)) continue;
      summary.matched++;
      summary.byRule.set(r.rule.id, (summary.byRule.get(r.rule.id) ?? 0) + 1);
      const { id, title, level } = r.rule;
      if (options.format === 'ndjson') {
        options.out.write(`${jsonSafe(JSON.stringify({ rule: id, title, level, file: input.file, index: input.index }))}\n`);
        continue;
      }
      if (shownFileFor !== input.file) {
        shownFileFor = input.file;
        shownFile = terminalSafe(input.file);
      }
      let row = tableRow.get(r.rule);
      if (!row) {
        row = [`${terminalSafe(id).padEnd(44)} ${terminalSafe(level).padEnd(13)} `, `  ${terminalSafe(title)}\n`];
        tableRow.set(r.rule, row);
      }
      options.out.write(`${row[0]}${shownFile}#${input.index}${row[1]}`);
    }
  };
  const limits = { maxLineBytes: options.maxLineBytes, maxDocumentBytes: options.maxDocumentBytes };
  for (const file of files) {
    partlyRead = false;
    const problem = await readEvents(file, { onEvent, onMalformed, onBytes: progress?.advance }, limits);
    if (problem) onProblem(problem);
    else if (partlyRead) summary.skippedFiles++;
    else summary.files++;
  }
  progress?.done();
  const top = [...summary.byRule].sort((a, b) => b[1] - a[1]).map(([id, n]) => `  ${terminalSafe(id)}: ${n}`);
  options.err.write(
    `${[
      `${summary.events} events in ${summary.files} file(s); ${summary.matched} match(es) of ${options.rules.length} rules`,
      ...(summary.skippedFiles ? [`${summary.skippedFiles} input(s) skipped or partly read (listed above): the result is incomplete`] : []),
      ...(summary.unrecognised ? [`${summary.unrecognised} event(s) not recognised as CloudTrail, Azure or GCP audit logs`] : []),
      ...(summary.events - summary.unrecognised <= 0 ? ['no event recognised: nothing was checked'] : []),
      ...(summary.malformed
        ? [`${summary.malformed} malformed line(s) skipped${summary.malformed > MALFORMED_SHOWN ? ` (first ${MALFORMED_SHOWN} shown)` : ''}`]
        : []),
      ...top,
    ].join('\n')}\n`,
  );
  return summary;
}

/** For the progress bar only: a file that cannot be looked at counts 0 here and is reported when read. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function progressBar(err: NodeJS.WritableStream, total: number): { advance: (bytes: number) => void; interrupt: () => void; done: () => void } {
  let read = 0;
  let shown = -1;
  let drawn = false;
  return {
    advance: (bytes) => {
      read += bytes;
      const percent = Math.floor((read / total) * 100);
      if (percent === shown) return;
      shown = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      err.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${percent}% of ${(total / 1048576).toFixed(0)} MB`);
      drawn = true;
    },
    /** Ends the bar's line so a message gets a line of its own; the bar is drawn again on its next step. */
    interrupt: () => {
      if (drawn) err.write('\n');
      drawn = false;
    },
    done: () => {
      if (drawn) err.write('\n');
    },
  };
}
