/**
 * Writes bench/mutation-results.md: the score per folder and every surviving or uncovered mutant with its
 * triage from bench/mutation-triage.json (killed by a new test, or argued equivalent). Each folder's last
 * run is recorded in bench/mutation-runs.json; the StrykerJS JSON reports given (or, without arguments,
 * every reports/mutation-*.json) replace the folders they cover:
 * `npx tsx bench/mutation-results.ts reports/mutation-core-hunt.json` after
 * `STRYKER_FOLDER=core/hunt npm run mutation`. With `--add`, a report of other files of a folder already recorded
 * (a run with --mutate over some of its files) adds them to the folder's run instead of replacing it. Scores
 * measured before a round of new tests are kept in the triage file's `before` map, so the table shows before and after.
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
/**
 * Each folder's last Stryker run, kept in the repository: its mutant and detected counts and its open
 * mutants (key, status, replacement as shown). A report read now replaces the folders it covers; the
 * others keep their recorded run, so the table can be rebuilt from a fresh clone without reports/ (which
 * is not committed: a full report holds every file's source).
 */
const RUNS_FILE = 'bench/mutation-runs.json';
interface FolderRun {
  report: string;
  mutants: number;
  detected: number;
  /** The files the run mutated (a run recorded before this field was kept has none). */
  files?: string[];
  open: [key: string, status: string, replacement: string][];
}
const add = process.argv.includes('--add');
const given = process.argv.slice(2).filter((a) => a !== '--add');
const reports = given.length
  ? given
  : existsSync('reports')
    ? readdirSync('reports')
        .filter((f) => /^mutation-.*\.json$/.test(f))
        .map((f) => join('reports', f))
    : [];
const triage: Triage = existsSync(TRIAGE_FILE) ? (JSON.parse(readFileSync(TRIAGE_FILE, 'utf8')) as Triage) : { before: {}, mutants: {} };
const runs: Record<string, FolderRun> = existsSync(RUNS_FILE) ? (JSON.parse(readFileSync(RUNS_FILE, 'utf8')) as Record<string, FolderRun>) : {};

for (const reportPath of reports) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  const fresh = new Map<string, FolderRun>();
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const folder = dirname(file);
    if (!fresh.has(folder)) fresh.set(folder, { report: reportPath, mutants: 0, detected: 0, files: [], open: [] });
    const f = fresh.get(folder)!;
    f.files!.push(file);
    for (const m of mutants) {
      if (m.status === 'Ignored' || m.status === 'CompileError') continue;
      f.mutants++;
      if (m.status === 'Killed' || m.status === 'Timeout') f.detected++;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const key = `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;
        f.open.push([key, m.status, (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 70)]);
      }
    }
  }
  for (const [folder, run] of fresh) {
    const recorded = runs[folder];
    if (!add || !recorded) {
      runs[folder] = run;
      continue;
    }
    const again = run.files!.filter((file) => !recorded.files || recorded.files.includes(file));
    if (again.length > 0)
      throw new Error(
        `${reportPath}: --add needs files ${folder}'s recorded run does not cover (it lists ${recorded.files ? again.join(', ') : 'no files'}); run without --add to replace the folder's run`,
      );
    runs[folder] = {
      report: `${recorded.report} + ${run.report}`,
      mutants: recorded.mutants + run.mutants,
      detected: recorded.detected + run.detected,
      files: [...recorded.files!, ...run.files!],
      open: [...recorded.open, ...run.open],
    };
  }
}
const folders = Object.keys(runs).sort((a, b) => a.localeCompare(b));
writeFileSync(RUNS_FILE, `{\n${folders.map((f) => `${JSON.stringify(f)}: ${runJson(runs[f]!)}`).join(',\n')}\n}\n`);

/** One folder's run, an open mutant per line (the file is diffed when a run is recorded). */
function runJson(run: FolderRun): string {
  const open = run.open.map((o) => `  ${JSON.stringify(o)}`).join(',\n');
  const files = run.files ? `, "files": ${JSON.stringify(run.files)}` : '';
  return `{"report": ${JSON.stringify(run.report)}, "mutants": ${run.mutants}, "detected": ${run.detected}${files}, "open": [${open ? `\n${open}\n` : ''}]}`;
}

const byFolder = new Map<string, { detected: number; total: number; killedSince: number }>();
const open: string[] = [];
let untriaged = 0;
for (const folder of folders) {
  const run = runs[folder]!;
  const f = { detected: run.detected, total: run.mutants, killedSince: 0 };
  for (const [key, status, replacement] of run.open) {
    const why = triage.mutants[key];
    if (!why) untriaged++;
    // Killed by a test written after the report, verified by a Stryker run over that test (see the triage).
    if (why?.startsWith('Killed by') || why?.startsWith('Was unreachable because of a bug, fixed')) f.killedSince++;
    open.push(`| \`${key}\` | ${status} | \`${replacement.replace(/\|/g, '\\|')}\` | ${why ?? 'not yet triaged'} |`);
  }
  byFolder.set(folder, f);
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
  `From each folder's last StrykerJS 9 run (vitest runner), recorded in \`${RUNS_FILE}\` from ${[...new Set(folders.map((f) => runs[f]!.report))].map((r) => `\`${r}\``).join(', ')}.`,
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
