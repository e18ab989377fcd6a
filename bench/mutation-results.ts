/**
 * Writes bench/mutation-results.md from a StrykerJS JSON report (reports/mutation-ci.json by default):
 * the score per folder and every surviving or uncovered mutant, so each can be triaged (killed by a new
 * test, or argued equivalent). `npx tsx bench/mutation-results.ts [report.json]` after `npm run mutation:ci`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface Mutant { mutatorName: string; replacement?: string; status: string; location: { start: { line: number; column: number } } }
interface Report { files: Record<string, { mutants: Mutant[] }> }

const reportPath = process.argv[2] ?? 'reports/mutation-ci.json';
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
const byFolder = new Map<string, { killed: number; detected: number; total: number }>();
const open: string[] = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const folder = dirname(file);
  const f = byFolder.get(folder) ?? { killed: 0, detected: 0, total: 0 };
  for (const m of mutants) {
    if (m.status === 'Ignored' || m.status === 'CompileError') continue;
    f.total++;
    if (m.status === 'Killed' || m.status === 'Timeout') f.detected++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      open.push(`| \`${file}:${m.location.start.line}:${m.location.start.column}\` | ${m.status} | ${m.mutatorName} | \`${(m.replacement ?? '').replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 80)}\` | not yet triaged |`);
    }
  }
  byFolder.set(folder, f);
}
const lines = [
  '# Mutation testing results',
  '',
  `From \`${reportPath}\` (StrykerJS, vitest runner; \`npm run mutation:ci\`). Score = killed or timed out / all mutants that ran.`,
  '',
  '| Folder | Mutants | Detected | Score |',
  '| --- | --- | --- | --- |',
  ...[...byFolder].map(([folder, f]) => `| \`${folder}\` | ${f.total} | ${f.detected} | ${((100 * f.detected) / Math.max(1, f.total)).toFixed(2)}% |`),
  '',
  '## Surviving and uncovered mutants',
  '',
  '| Where | Status | Mutator | Replacement | Triage |',
  '| --- | --- | --- | --- | --- |',
  ...open,
  '',
];
writeFileSync('bench/mutation-results.md', lines.join('\n'));
console.log(`mutation: ${[...byFolder].map(([folder, f]) => `${folder} ${((100 * f.detected) / Math.max(1, f.total)).toFixed(2)}%`).join(', ')}; ${open.length} mutants open`);
