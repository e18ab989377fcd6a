import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot, packagePath, packageRoot, packageVersion } from '../../core/package-files.ts';

describe("the package's own files", () => {
  const tree = mkdtempSync(join(tmpdir(), 'guardrails-root-'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('are found from the sources: the checkout root', () => {
    expect(packageRoot()).toBe(fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, ''));
    expect(packagePath('detections')).toBe(join(packageRoot(), 'detections'));
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('walk up past other packages (node_modules/x/dist/core) to the one named cloud-api-guardrails', () => {
    const installed = join(tree, 'node_modules/cloud-api-guardrails');
    mkdirSync(join(installed, 'dist/core'), { recursive: true });
    writeFileSync(join(tree, 'package.json'), JSON.stringify({ name: 'consumer' }));
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'cloud-api-guardrails' }));
    writeFileSync(join(installed, 'dist/package.json'), '{ not json');
    expect(findPackageRoot(join(installed, 'dist/core'))).toBe(installed);
    expect(() => findPackageRoot(join(installed, 'dist/core'), 'no-such-package')).toThrow(/no package\.json named no-such-package in .* or above it/);
  });
});
