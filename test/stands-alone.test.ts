/**
 * The repository stands alone: nothing in it reads outside it, and a copy of its tracked files in a fresh
 * directory, with nothing beside it, runs. `.ci/run` does the full version (npm ci and the whole suite in
 * such a copy); this is the fast check every `npm test` runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceBin } from './helpers/guardrails-bin.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const TEXT = /\.(ts|js|mjs|json|ya?ml|md|sh)$|^\.ci\/[^/]+$|^[^/.]+$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', 'out', 'dist']);

/** Files a clone would have: tracked ones, plus new ones not yet committed (so the check works while editing). */
function trackedFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (git.status === 0) return git.stdout.split('\0').filter((f) => f && existsSync(join(root, f)));
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      SKIPPED_DIRS.has(e.name) ? [] : e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name).split(sep).join('/')],
    );
  return walk('.').map((f) => f.replace(/^\.\//, ''));
}

const files = trackedFiles().filter((f) => TEXT.test(f) && !f.startsWith('test/fixtures/corpus/') && f !== 'package-lock.json');

describe('the repository stands alone', () => {
  it('has files to check', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('.ci/run');
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files)('%s names no path outside the repository', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).not.toMatch(/\.\.\/shared\b/);
    // Absolute paths of a particular machine (this test's own patterns are written so they do not match).
    expect(text).not.toMatch(new RegExp(['work', 'home', 'Users', 'root'].map((p) => `['"\`\\s(]/${p}/`).join('|')));
    if (!/\.(ts|js|mjs)$/.test(file)) return;
    for (const [, , relativePath] of text.matchAll(/(['"`])(\.\.?\/[^'"`\s$]*)\1/g)) {
      const target = resolve(dirname(join(root, file)), relativePath!);
      expect(relative(root, target).startsWith('..'), `${file}: ${relativePath} leaves the repository`).toBe(false);
    }
  });
});

describe('a copy of the tracked files in an empty directory', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'guardrails-fresh-'));
  const copy = join(fresh, 'repo');
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('reads its corpus and runs the README example', () => {
    mkdirSync(copy);
    for (const file of trackedFiles()) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(root, file), join(copy, file));
    }
    // The installed packages are the lock file's; linking them saves an `npm ci` that .ci/run does for real.
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    expect(readdirSync(fresh)).toEqual(['repo']);

    // The command from the copy's sources (dist/ is build output, not a tracked file; see helpers/guardrails-bin.ts).
    const detect = spawnSync(process.execPath, [...sourceBin(copy), 'detect', 'examples/logs/', '--format', 'ndjson'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, GUARDRAILS_CONFIG: '' },
    });
    expect(detect.status, detect.stderr).toBe(0);
    expect(detect.stdout).toContain('"rule":"aws-cloudtrail-tampering"');

    // The tests' corpus helper, loaded from the copy: it must find the corpus inside the copy.
    const corpus = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { corpusFiles, CORPUS_DIR } = await import('./test/helpers/corpus.ts'); console.log(CORPUS_DIR, corpusFiles().length);",
      ],
      { cwd: copy, encoding: 'utf8' },
    );
    expect(corpus.trim()).toBe(`${join(copy, 'test/fixtures/corpus')} 15`);
  }, 60_000);
});
