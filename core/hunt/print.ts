/**
 * Hunt matches in `guardrails detect`'s output (core/cli/detect.ts, core/cli/match-table.ts): the table's RULE, LEVEL, EVENT and
 * title columns, one row per rule matched, with the engine's locator of the record where detect writes
 * file#index; NDJSON as detect's {"rule","title","level",...} with the record's identifying fields in
 * place of file and index. Text from the logs is escaped as detect escapes it (terminal-text.ts).
 */
import { MATCH_TABLE_HEADER, matchRow } from '../cli/match-table.ts';
import { jsonSafe } from '../cli/terminal-text.ts';
import type { Rule } from '../detection/rule.ts';
import type { HuntMatch } from './outcome.ts';

export interface MatchPrinter {
  /** Prints the match, one row per rule; returns how many rows (rule matches) it printed. */
  readonly print: (match: HuntMatch) => number;
  readonly byRule: Map<string, number>;
}

export function matchPrinter(
  format: 'table' | 'ndjson',
  out: NodeJS.WritableStream,
  rules: ReadonlyMap<string, Pick<Rule, 'id' | 'title' | 'level'>>,
): MatchPrinter {
  if (format === 'table') out.write(MATCH_TABLE_HEADER);
  const byRule = new Map<string, number>();
  const print = (match: HuntMatch): number => {
    let printed = 0;
    for (const id of match.rules) {
      const rule = rules.get(id);
      // An id the query did not ask for is not a match of this catalog.
      if (!rule) continue;
      printed++;
      byRule.set(id, (byRule.get(id) ?? 0) + 1);
      const { title, level } = rule;
      if (format === 'ndjson') out.write(`${jsonSafe(JSON.stringify({ rule: id, title, level, ...match.fields }))}\n`);
      else out.write(matchRow(id, level, match.where, title));
    }
    return printed;
  };
  return { print, byRule };
}
