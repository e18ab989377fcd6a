/**
 * Writes bench/mutation-results.md from StrykerJS JSON reports: the score per folder and every surviving or
 * uncovered mutant with its triage from bench/mutation-triage.json (killed by a new test, or argued
 * equivalent). `npx tsx bench/mutation-results.ts reports/mutation-ci.json reports/mutation-core-...json`
 * after `npm run mutation:ci` and `STRYKER_FOLDER=<folder> npm run mutation`. Without arguments it reads
 * every reports/mutation-*.json. Scores measured before a round of new tests are kept in the triage file's
 * `before` map, so the table shows before and after.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}
interface Triage {
  /** Folder -> score (percent) and mutant count measured before new tests were written. */
  readonly before: Record<string, { score: number; mutants: number; note: string }>;
  /** `file:line:column mutator` -> why the mutant survives (equivalent, or not worth a test) or which test now kills it. */
  readonly mutants: Record<string, string>;
}

const TRIAGE_FILE = 'bench/mutation-triage.json';
const reports = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync('reports')
      .filter((f) => /^mutation-.*\.json$/.test(f))
      .map((f) => join('reports', f));
const triage: Triage = existsSync(TRIAGE_FILE) ? (JSON.parse(readFileSync(TRIAGE_FILE, 'utf8')) as Triage) : { before: {}, mutants: {} };

const byFolder = new Map<string, { detected: number; total: number; killedSince: number; report: string }>();
const open: string[] = [];
let untriaged = 0;
for (const reportPath of reports) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const folder = dirname(file);
    const f = byFolder.get(folder) ?? { detected: 0, total: 0, killedSince: 0, report: reportPath };
    for (const m of mutants) {
      if (m.status === 'Ignored' || m.status === 'CompileError') continue;
      f.total++;
      if (m.status === 'Killed' || m.status === 'Timeout') f.detected++;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const key = `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;
        const why = triage.mutants[key];
        if (!why) untriaged++;
        // Killed by a test written after the report, verified by a Stryker run over that test (see the triage).
        if (why?.startsWith('Killed by') || why?.startsWith('Was unreachable because of a bug, fixed')) f.killedSince++;
        const replacement = (m.replacement ?? '').replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 70);
        open.push(`| \`${key}\` | ${m.status} | \`${replacement}\` | ${why ?? 'not yet triaged'} |`);
      }
    }
    byFolder.set(folder, f);
  }
}
/** Folders of core/ (and core/detection's subfolders) that no report covers. */
function unmeasured(): string[] {
  const measured = [...byFolder.keys()];
  const folders = readdirSync('core', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      d.name === 'detection'
        ? [
            'core/detection',
            ...readdirSync('core/detection', { withFileTypes: true })
              .filter((s) => s.isDirectory())
              .map((s) => `core/detection/${s.name}`),
          ]
        : [`core/${d.name}`],
    );
  return folders.filter((f) => !measured.includes(f)).map((f) => `\`${f}\``);
}

const score = (f: { detected: number; total: number }) => (100 * f.detected) / Math.max(1, f.total);
const lines = [
  '# Mutation testing results',
  '',
  `From ${reports.map((r) => `\`${r}\``).join(', ')} (StrykerJS 9, vitest runner).`,
  'Triage of each open mutant: `bench/mutation-triage.json`.',
  '',
  'Score = killed or timed out / all mutants that ran. "With the triage" adds the open mutants the triage says a later',
  'test kills (each verified by a Stryker run of those mutants over the new tests), for a folder whose full run is',
  'too slow to repeat in one session.',
  '',
  '| Folder | Mutants | Detected | Score | With the triage | Before new tests |',
  '| --- | --- | --- | --- | --- | --- |',
  ...[...byFolder]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([folder, f]) => {
      const before = triage.before[folder];
      const triaged = score({ detected: f.detected + f.killedSince, total: f.total });
      return `| \`${folder}\` | ${f.total} | ${f.detected} | ${score(f).toFixed(2)}% | ${triaged.toFixed(2)}% | ${before ? `${before.score.toFixed(2)}% of ${before.mutants} (${before.note})` : '—'} |`;
    }),
  '',
  `Not yet measured (no report): ${unmeasured().join(', ') || 'none'}.`,
  '',
  '## Surviving and uncovered mutants',
  '',
  '| Where | Status | Replacement | Triage |',
  '| --- | --- | --- | --- |',
  ...open,
  '',
];
writeFileSync('bench/mutation-results.md', lines.join('\n'));
console.log(
  `mutation: ${[...byFolder].map(([folder, f]) => `${folder} ${score(f).toFixed(2)}%`).join(', ')}; ${open.length} mutants open, ${untriaged} not triaged`,
);
