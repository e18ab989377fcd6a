/**
 * How tests start the `guardrails` command as a process.
 *
 * They run the sources through tsx (`node --import tsx bin/guardrails.ts`), not the package bin
 * (dist/bin/guardrails.js): what they test is the command's wiring (arguments, streams, exit codes, the
 * package's own files found from where the code runs), and the sources are what was just edited, so no
 * test here can pass on a stale build. The build itself is tested once, in test/package.test.ts: it
 * brings dist/ up to date first (`tsc -b`, a no-op when it already is, as after `npm ci`), then runs the
 * compiled bin and imports each entry point without tsx. `.ci/consumer-check` goes further and installs
 * the packed tarball into a project of its own.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Node arguments that run the CLI from the sources of the checkout at `checkout` (tsx resolves from the process's cwd). */
export function sourceBin(checkout: string = root): string[] {
  return ['--import', 'tsx', join(checkout, 'bin/guardrails.ts')];
}
