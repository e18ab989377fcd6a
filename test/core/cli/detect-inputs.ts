/** Shared by the detect tests: bad inputs are made in a temp dir next to a good file of corpus events. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { tsxAsNobody } from '../../helpers/run-as-nobody.ts';
import { runDetect, type DetectOptions, type DetectSummary } from '../../../core/cli/detect.ts';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { exampleModel } from '../../helpers/config.ts';
import { CORPUS_DIR } from '../../helpers/corpus.ts';

export const rules = loadCatalog(exampleModel());

/** CloudTrail events of which several match the catalog (each about 1 KB as one line). */
export const trailEvents = (): Record<string, unknown>[] =>
  JSON.parse(readFileSync(join(CORPUS_DIR, 'aws/trail_tampering.json'), 'utf8')) as Record<string, unknown>[];

/** `count` distinct copies of trailEvents, one per line (so gzip cannot shrink them to nothing). */
export function ndjsonLines(count: number): string[] {
  const events = trailEvents();
  return Array.from({ length: count }, (_, i) => JSON.stringify({ ...events[i % events.length], eventID: `copy-${i}-${(i * 2654435761) % 4294967296}` }));
}

export function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

export interface Run {
  summary: Omit<DetectSummary, 'byRule'>;
  out: string;
  err: string;
}

export async function detect(paths: string[], options: Partial<DetectOptions> = {}): Promise<Run> {
  const out = capture();
  const err = capture();
  const { byRule: _, ...summary } = await runDetect({ paths, rules, format: 'table', out: out.stream, err: err.stream, ...options });
  return { summary, out: out.text(), err: err.text() };
}

const made: string[] = [];

/** Removes the caseDirs made so far, chmod 000 entries included (for afterAll). */
export function removeCaseDirs(): void {
  const unlock = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      chmodSync(join(dir, entry.name), 0o700);
      if (entry.isDirectory()) unlock(join(dir, entry.name));
    }
  };
  for (const dir of made.splice(0)) {
    unlock(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh temp dir holding good.ndjson, the corpus trail events as NDJSON; world-readable, for detectAsNobody. */
export function caseDir(): { dir: string; good: string } {
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-detect-problems-'));
  made.push(dir);
  chmodSync(dir, 0o755);
  const good = join(dir, 'good.ndjson');
  writeFileSync(
    good,
    `${trailEvents()
      .map((e) => JSON.stringify(e))
      .join('\n')}\n`,
  );
  return { dir, good };
}

export function subdir(dir: string, name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** The stderr lines that name `path`. */
export const linesNaming = (err: string, path: string): string[] => err.split('\n').filter((line) => line.includes(path));

/** The match rows of a table run (stdout minus its header). */
export const rows = (out: string): string[] => out.split('\n').slice(1).filter(Boolean);

export { canRunAsNobody } from '../../helpers/run-as-nobody.ts';
const CHILD = fileURLToPath(new URL('./detect-child.ts', import.meta.url));

/** `detect` in a child process as user nobody (for permission tests when the tests run as root). */
export function detectAsNobody(paths: string[]): Run {
  return JSON.parse(tsxAsNobody([CHILD, JSON.stringify(paths)])) as Run;
}
