/**
 * The table `guardrails detect` and `guardrails hunt` print matches in: RULE and LEVEL in fixed columns, then
 * where the record is (file#index, or the engine's locator) and the rule's title. Everything from the logs
 * or the rules is escaped (terminal-text.ts).
 */
import { terminalSafe } from './terminal-text.ts';

export const MATCH_TABLE_HEADER = `${'RULE'.padEnd(44)} ${'LEVEL'.padEnd(13)} EVENT\n`;

/** A row's RULE and LEVEL columns, escaped; the caller adds where and the title. */
export function matchRowStart(id: string, level: string): string {
  return `${terminalSafe(id).padEnd(44)} ${terminalSafe(level).padEnd(13)} `;
}

/** A whole row: where the record is, then the title (and any detail already in it). */
export function matchRow(id: string, level: string, where: string, title: string): string {
  return `${matchRowStart(id, level)}${terminalSafe(where)}  ${terminalSafe(title)}\n`;
}
