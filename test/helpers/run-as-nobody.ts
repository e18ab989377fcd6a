/**
 * Permission tests when the suite runs as root, who reads through chmod 000: the code under test runs in
 * a child process as user nobody instead.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const NOBODY = 65534;
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const runsAsRoot = (): boolean => process.getuid?.() === 0;

/**
 * Whether a child process as nobody can be started here and read the repository's sources (a 0700 parent
 * directory, or a copy made with private file modes such as a mutation-testing sandbox, forbids it).
 */
export const canRunAsNobody = (): boolean =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', "for (const f of ['core/config/load.ts', 'test/core/cli/detect-child.ts']) require('node:fs').readFileSync(f)"],
    {
      cwd: ROOT,
      uid: NOBODY,
      gid: NOBODY,
      env: { ...process.env, HOME: tmpdir() },
    },
  ).status === 0;

/** `node --import tsx <args>` as nobody, from the repository root; returns stdout, throws on a non-zero exit. */
export function tsxAsNobody(args: readonly string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    env: { ...process.env, HOME: tmpdir() },
  });
  if (result.status !== 0) throw new Error(`child as nobody failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}
