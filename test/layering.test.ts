/**
 * The layering biome.json enforces (and `npm run lint` checks in CI): core/ is cloud-neutral and imports no
 * cloud SDK, only the CLI in core/cli composes stacks, and constructs take typed props, never the config
 * loader or model. Each case is a one-line file at a path of the repository's layout, linted with the
 * repository's own biome.json in a scratch folder (one Biome run for all), so the rules are shown to fire
 * where they should and to stay quiet where the import is allowed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Relative specifiers as the probe files write them (built, so no path in this file seems to leave the repository).
const up = (...parts: string[]) => ['..', '..', ...parts].join('/');
const REFUSED: readonly (readonly [string, string])[] = [
  ['core/aws/probe.ts', "import { Stack } from 'aws-cdk-lib';"],
  ['core/detection/probe.ts', "import * as s3 from 'aws-cdk-lib/aws-s3';"],
  ['core/gcp/probe.ts', "import * as logging from '@pulumi/gcp/logging/index.js';"],
  ['core/net/probe.ts', "import { Construct } from 'constructs';"],
  ['core/config/probe.ts', `import { buildAwsApp } from '${up('stacks', 'aws', 'app.ts')}';`],
  ['core/cli/probe.ts', "import { Stack } from 'aws-cdk-lib';"],
  ['constructs/aws/probe.ts', `import { loadConfigFile } from '${up('core', 'config', 'load.ts')}';`],
  ['constructs/gcp/probe.ts', `import type { GuardrailsModel } from '${up('core', 'config', 'model.ts')}';`],
];
const ALLOWED: readonly (readonly [string, string])[] = [
  ['core/cli/allowed.ts', `export const load = () => import('${up('stacks', 'aws', 'app.ts')}');`],
  ['constructs/aws/allowed.ts', `import { ConfigError } from '${up('core', 'config', 'config-error.ts')}';`],
  ['constructs/azure/allowed.ts', "import * as pulumi from '@pulumi/pulumi';"],
  ['stacks/aws/allowed.ts', `import { loadConfigFile } from '${up('core', 'config', 'load.ts')}';`],
];

function restrictedImportsByFile(): Set<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'layering-'));
  try {
    copyFileSync(new URL('../biome.json', import.meta.url), join(scratch, 'biome.json'));
    for (const [path, source] of [...REFUSED, ...ALLOWED]) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), `${source}\n`);
    }
    const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
    const run = spawnSync(process.execPath, [biome, 'lint', '--vcs-enabled=false', '--max-diagnostics=100', '.'], { cwd: scratch, encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    return new Set([...output.matchAll(/^(\S+\.ts):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1]!));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('layering', () => {
  const flagged = restrictedImportsByFile();
  it.each(REFUSED)('refuses %s: %s', (path) => expect(flagged.has(path)).toBe(true));
  it.each(ALLOWED)('allows %s: %s', (path) => expect(flagged.has(path)).toBe(false));
});
