/**
 * `guardrails detect`: runs the catalog over log files, so a rule can be backtested before it is
 * deployed. Matches go to stdout (table or NDJSON); the summary, malformed lines and a progress bar (on a
 * TTY, for large inputs) go to stderr.
 */
import { statSync } from 'node:fs';
import type { CatalogRule } from '../detection/catalog.ts';
import { listInputFiles, readEvents, type InputEvent, type Malformed } from '../detection/input/read-events.ts';
import { detectSource } from '../detection/logsources/detect-source.ts';
import { indexRules } from '../detection/rule-index.ts';
import type { Product } from '../detection/rule.ts';

export interface DetectOptions {
  readonly paths: readonly string[];
  readonly rules: readonly CatalogRule[];
  readonly cloud?: Product;
  readonly format: 'table' | 'ndjson';
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Show a progress bar (on a TTY) from this much input on; default 50 MB. */
  readonly progressMinBytes?: number;
}

export interface DetectSummary {
  events: number;
  matched: number;
  unrecognised: number;
  malformed: number;
  byRule: Map<string, number>;
}

const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;
const MALFORMED_SHOWN = 10;

export async function runDetect(options: DetectOptions): Promise<DetectSummary> {
  const files = listInputFiles(options.paths);
  const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const progress = options.err.isTTY && totalBytes >= (options.progressMinBytes ?? PROGRESS_MIN_BYTES) ? progressBar(options.err, totalBytes) : undefined;
  // Rules grouped by log source, so each event meets only the rules that can apply to it.
  const grouped = new Map<string, CatalogRule[]>();
  for (const r of options.rules) {
    if (options.cloud && r.rule.logsource.product !== options.cloud) continue;
    const key = `${r.rule.logsource.product}/${r.rule.logsource.service}`;
    grouped.set(key, [...(grouped.get(key) ?? []), r]);
  }
  const bySource = new Map([...grouped].map(([key, rules]) => [key, indexRules(rules)]));
  const summary: DetectSummary = { events: 0, matched: 0, unrecognised: 0, malformed: 0, byRule: new Map() };
  const onMalformed = (m: Malformed) => {
    summary.malformed++;
    if (summary.malformed <= MALFORMED_SHOWN) options.err.write(`malformed: ${m.file}:${m.line}: ${m.problem}\n`);
  };
  if (options.format === 'table') options.out.write(`${'RULE'.padEnd(44)} ${'LEVEL'.padEnd(13)} EVENT\n`);
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
      options.out.write(
        options.format === 'ndjson'
          ? `${JSON.stringify({ rule: id, title, level, file: input.file, index: input.index })}\n`
          : `${id.padEnd(44)} ${level.padEnd(13)} ${input.file}#${input.index}  ${title}\n`,
      );
    }
  };
  for (const file of files) await readEvents(file, { onEvent, onMalformed, onBytes: progress?.advance });
  progress?.done();
  const top = [...summary.byRule].sort((a, b) => b[1] - a[1]).map(([id, n]) => `  ${id}: ${n}`);
  options.err.write(
    [
      `${summary.events} events in ${files.length} file(s); ${summary.matched} match(es) of ${options.rules.length} rules`,
      ...(summary.unrecognised ? [`${summary.unrecognised} event(s) not recognised as CloudTrail, Azure or GCP audit logs`] : []),
      ...(summary.malformed ? [`${summary.malformed} malformed line(s) skipped${summary.malformed > MALFORMED_SHOWN ? ` (first ${MALFORMED_SHOWN} shown)` : ''}`] : []),
      ...top,
    ].join('\n') + '\n',
  );
  return summary;
}

function progressBar(err: NodeJS.WritableStream, total: number): { advance: (bytes: number) => void; done: () => void } {
  let read = 0;
  let shown = -1;
  return {
    advance: (bytes) => {
      read += bytes;
      const percent = Math.floor((read / total) * 100);
      if (percent === shown) return;
      shown = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      err.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${percent}% of ${(total / 1048576).toFixed(0)} MB`);
    },
    done: () => err.write('\n'),
  };
}
