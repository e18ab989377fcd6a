/**
 * The package's own files (package.json, detections/, guardrails.example.yaml, cdk.json), found from
 * wherever this module runs: the sources (core/, run by tsx and the tests) or the build (dist/core/, run
 * by the packaged `guardrails` bin and by library users from node_modules). It walks up from this module
 * to the package.json named cloud-api-guardrails, so neither layout hard-codes how deep it sits.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'cloud-api-guardrails';

/** The nearest directory at or above `start` whose package.json is named `name`. */
export function findPackageRoot(start: string, name: string = PACKAGE_NAME): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (packageNameAt(dir) === name) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no package.json named ${name} in ${start} or above it: the package's files were moved (bundled?) without their package`);
  }
}

function packageNameAt(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

let root: string | undefined;

/** The package's root directory (memoised: found on first use, not on import). */
export function packageRoot(): string {
  root ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return root;
}

/** A path inside the package, e.g. `packagePath('detections')`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
