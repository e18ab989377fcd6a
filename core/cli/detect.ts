/**
 * `guardrails detect`: runs the catalog over log files, so a rule can be backtested before it is
 * deployed. Matches go to stdout (table or NDJSON); the summary, malformed lines, input problems and a
 * progress bar (on a TTY, for large inputs) go to stderr. An input that cannot be read (missing,
 * unreadable, corrupt gzip, over a size cap) is one stderr line and the run goes on with the rest; the
 * exit code (detectExitCode) then says the result is incomplete. Text from the logs, file names
 * included, is escaped before it reaches a terminal (terminal-text.ts).
 *
 * Correlations (core/detection/correlation.ts) run beside the rules: their base rules are matched on
 * every event (and reported only through the correlation, unless a correlation generates them), each
 * match placed at its event's time, and the correlation matches (sliding windows, the specification's)
 * are printed after the per-event matches, with their group, count and window. Matches are put in time
 * order within `correlationLateness` of the newest one; a match that arrives later than that, or whose
 * event has no readable time, is counted on stderr and not correlated.
 */
import { statSync } from 'node:fs';
import type { CatalogRule } from '../detection/catalog.ts';
import { CorrelationStream, EVENT_TIME_FIELDS, eventTime, sortMatches, type Correlation, type CorrelationMatch } from '../detection/correlation.ts';
import { listInputFiles, readEvents, type InputEvent, type InputProblem, type Malformed } from '../detection/input/read-events.ts';
import { chooseEngine, type DetectEngine } from '../detection/engines/detect-engine.ts';
import type { EngineSink } from '../detection/engines/engine-sink.ts';
import { evaluateEvent, indexBySource } from '../detection/engines/event-evaluation.ts';
import { runParallel, type ParallelRun } from '../detection/engines/parallel-engine.ts';
import type { SourcedEvent } from '../detection/logsources/detect-source.ts';
import type { Product } from '../detection/rule.ts';
import { MATCH_TABLE_HEADER, matchRow, matchRowStart } from './match-table.ts';
import { jsonSafe, terminalSafe } from './terminal-text.ts';

export interface DetectOptions {
  readonly paths: readonly string[];
  readonly rules: readonly CatalogRule[];
  /** Correlations to run beside the rules (their base rules are matched, reported only through them). */
  readonly correlations?: readonly Correlation[];
  /** How far behind the newest base-rule match one may arrive and still be correlated (ms); default 15 minutes. */
  readonly correlationLateness?: number;
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
  /** Which evaluator runs the rules (detect-engine.ts); default auto. */
  readonly engine?: DetectEngine;
  /** Worker threads for the js engine (1: the main thread alone); default by input size and cores (detect-engine.ts). */
  readonly workers?: number;
  /** The parallel js engine's file and block sizes (parallel-engine.ts), for tests. */
  readonly parallel?: Pick<ParallelRun, 'splitBytes' | 'blockBytes' | 'readBytes' | 'onReader'>;
}

export interface DetectSummary {
  /** Events read, from every file (those read before a file's problem included). */
  events: number;
  matched: number;
  unrecognised: number;
  malformed: number;
  byRule: Map<string, number>;
  /** Correlation matches (also counted in byRule, by correlation id). */
  correlated: number;
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
export function detectExitCode(
  summary: Pick<DetectSummary, 'events' | 'unrecognised' | 'matched' | 'skippedFiles'> & Partial<Pick<DetectSummary, 'correlated'>>,
  failOnMatch: boolean,
): 0 | 1 | 3 {
  if (summary.skippedFiles > 0 || summary.events - summary.unrecognised <= 0) return 3;
  return failOnMatch && summary.matched + (summary.correlated ?? 0) > 0 ? 1 : 0;
}

const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;
const CORRELATION_LATENESS = 15 * 60_000;

/** Where a base-rule match came from. */
interface EventRef {
  readonly file: string;
  readonly index: number;
}
const MALFORMED_SHOWN = 10;

export async function runDetect(options: DetectOptions): Promise<DetectSummary> {
  const summary: DetectSummary = { events: 0, matched: 0, unrecognised: 0, malformed: 0, byRule: new Map(), correlated: 0, files: 0, skippedFiles: 0 };
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
  const runRules = [...grouped.values()].flat();
  const bySource = indexBySource(runRules);
  // The correlations of the cloud asked for, and their base rules grouped by log source the same way.
  const correlations = (options.correlations ?? []).filter((c) => !options.cloud || c.bases.every((b) => b.rule.rule.logsource.product === options.cloud));
  const stream = new CorrelationStream<EventRef>(correlations, { lateness: options.correlationLateness ?? CORRELATION_LATENESS });
  const baseGrouped = new Map<string, Map<string, CatalogRule>>();
  for (const { rule } of correlations.flatMap((c) => c.bases)) {
    const key = `${rule.rule.logsource.product}/${rule.rule.logsource.service}`;
    const byId = baseGrouped.get(key) ?? new Map<string, CatalogRule>();
    byId.set(rule.rule.id, rule);
    baseGrouped.set(key, byId);
  }
  const baseRules = [...baseGrouped.values()].flatMap((byId) => [...byId.values()]);
  const basesBySource = indexBySource(baseRules);
  const correlated: CorrelationMatch<EventRef>[] = [];
  let untimed = 0;
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
  if (options.format === 'table') options.out.write(MATCH_TABLE_HEADER);
  // The table's text, escaped once per rule and per file rather than per match.
  const tableRow = new Map<CatalogRule['rule'], readonly [start: string, end: string]>();
  const ndjsonPrefix = new Map<CatalogRule['rule'], string>();
  let prefixFor: string | undefined;
  let shownFile = '';
  let shownFileFor = '';
  /** A base-rule match, placed at its event's time for the correlations. */
  const onBase = (r: CatalogRule, sourced: SourcedEvent, file: string, index: number) => {
    const time = eventTime(sourced.product, sourced.event);
    if (time === undefined) untimed++;
    else correlated.push(...stream.push({ rule: r.rule.id, time, event: sourced.event, ref: { file, index } }));
  };
  let current: InputEvent = { file: '', index: 0, value: undefined };
  const matched = {
    onBase: (r: CatalogRule, sourced: SourcedEvent) => onBase(r, sourced, current.file, current.index),
    onMatch: (r: CatalogRule) => onMatch(r, current.file, current.index),
  };
  const onEvent = (input: InputEvent) => {
    summary.events++;
    current = input;
    if (!evaluateEvent(input.value, bySource, basesBySource, matched)) summary.unrecognised++;
  };
  function onMatch(r: CatalogRule, file: string, index: number): void {
    summary.matched++;
    summary.byRule.set(r.rule.id, (summary.byRule.get(r.rule.id) ?? 0) + 1);
    const { id, title, level } = r.rule;
    if (options.format === 'ndjson') {
      if (prefixFor !== file) {
        prefixFor = file;
        ndjsonPrefix.clear();
      }
      let prefix = ndjsonPrefix.get(r.rule);
      if (prefix === undefined) {
        // The line is JSON.stringify({ rule, title, level, file, index }): all but the index is the same for a rule in a file.
        const line = jsonSafe(JSON.stringify({ rule: id, title, level, file, index: 0 }));
        prefix = line.slice(0, -'0}'.length);
        ndjsonPrefix.set(r.rule, prefix);
      }
      options.out.write(`${prefix}${index}}\n`);
      return;
    }
    if (shownFileFor !== file) {
      shownFileFor = file;
      shownFile = terminalSafe(file);
    }
    let row = tableRow.get(r.rule);
    if (!row) {
      row = [matchRowStart(id, level), `  ${terminalSafe(title)}\n`];
      tableRow.set(r.rule, row);
    }
    options.out.write(`${row[0]}${shownFile}#${index}${row[1]}`);
  }
  const onFile = (_file: string, problem: InputProblem | undefined) => {
    if (problem) onProblem(problem);
    else if (partlyRead) summary.skippedFiles++;
    else summary.files++;
    partlyRead = false;
  };
  const limits = { maxLineBytes: options.maxLineBytes, maxDocumentBytes: options.maxDocumentBytes };
  const engine = chooseEngine(options.engine ?? 'auto', runRules, baseRules, { workers: options.workers, inputBytes: totalBytes });
  const sink: EngineSink = {
    onEvents: (events, unrecognised) => {
      summary.events += events;
      summary.unrecognised += unrecognised;
    },
    onMatch,
    onBase,
    onMalformed,
    onFile,
    onBytes: progress?.advance,
  };
  if (engine.plan) {
    const { runDuckdb } = await import('../detection/engines/duckdb-engine.ts');
    await runDuckdb({ files, plan: engine.plan, ruleIndex: bySource, baseIndex: basesBySource, limits, sink });
  } else if (engine.workers > 1) {
    await runParallel({ files, rules: runRules, bases: baseRules, limits, sink, workers: engine.workers, ...options.parallel });
  } else {
    for (const file of files) onFile(file, await readEvents(file, { onEvent, onMalformed, onBytes: progress?.advance }, limits));
  }
  progress?.done();
  correlated.push(...stream.flush());
  for (const m of sortMatches(correlated)) {
    summary.correlated++;
    summary.byRule.set(m.correlation.id, (summary.byRule.get(m.correlation.id) ?? 0) + 1);
    options.out.write(options.format === 'ndjson' ? `${jsonSafe(JSON.stringify(correlationRecord(m)))}\n` : correlationRow(m));
  }
  const top = [...summary.byRule].sort((a, b) => b[1] - a[1]).map(([id, n]) => `  ${terminalSafe(id)}: ${n}`);
  options.err.write(
    `${[
      `${summary.events} events in ${summary.files} file(s); ${summary.matched} match(es) of ${options.rules.length} rules${
        correlations.length ? `; ${summary.correlated} correlation match(es) of ${correlations.length} correlations` : ''
      }`,
      ...(untimed
        ? [
            `${untimed} base-rule match(es) had no readable event time (${[...new Set(Object.values(EVENT_TIME_FIELDS).flat())].join(', ')}) and were not correlated`,
          ]
        : []),
      ...(stream.late
        ? [
            `${stream.late} base-rule match(es) came more than ${Math.round((options.correlationLateness ?? CORRELATION_LATENESS) / 60_000)} min behind the newest one read and were not correlated: give the inputs in time order`,
          ]
        : []),
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

const iso = (t: number) => new Date(t).toISOString();

/** What a correlation counted, in words: `12 distinct eventName`, `25 matches`, `2 of 2 rules`. */
function counted(m: CorrelationMatch<EventRef>): string {
  const c = m.correlation;
  if (c.type === 'value_count') return `${m.count} distinct ${c.field}`;
  if (c.type === 'temporal') return `${m.count} of ${c.bases.length} rules`;
  return `${m.count} matches`;
}

/** One NDJSON line: the correlation, its group and count, the window, and the event it fired at. */
function correlationRecord(m: CorrelationMatch<EventRef>) {
  const c = m.correlation;
  return {
    correlation: c.id,
    title: c.title,
    level: c.level,
    type: c.type,
    group: m.group,
    count: m.count,
    ...(c.field === undefined ? {} : { field: c.field }),
    timespan: c.timespan.text,
    window: m.window,
    first: iso(m.first),
    last: iso(m.last),
    ...(m.ref ? { file: m.ref.file, index: m.ref.index } : {}),
  };
}

/** One table row, in the rule rows' columns: the event it fired at, then the group, the count and the window. */
function correlationRow(m: CorrelationMatch<EventRef>): string {
  const c = m.correlation;
  const group = Object.entries(m.group)
    .map(([field, value]) => `${field}=${value}`)
    .join(' ');
  const at = m.ref ? `${m.ref.file}#${m.ref.index}` : '-';
  const detail = `${group ? `${group}: ` : ''}${counted(m)} within ${c.timespan.text}, ${iso(m.first)} to ${iso(m.last)}`;
  return matchRow(c.id, c.level, at, `${c.title} (${detail})`);
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
