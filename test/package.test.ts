/**
 * The package as npm ships it: dist/ built from these sources, the bin on compiled JS (no tsx), the
 * exports map, the `files` list, and runtime imports that are all dependencies or peers.
 *
 * dist/ is build output (git-ignored, built by `npm ci` through the `prepare` script). So that this file
 * never tests a stale build, it first brings dist/ up to date with `tsc -b`: a no-op in about half a
 * second when nothing changed (as in CI straight after `npm ci`), a rebuild of what changed otherwise.
 * Every other test runs the sources (test/helpers/guardrails-bin.ts); `.ci/consumer-check` installs
 * the packed tarball into a project of its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string } | string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const ENTRY_POINTS = ['aws', 'azure', 'gcp', 'detection'];

function node(args: string[], cwd: string) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, GUARDRAILS_CONFIG: '' } });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('the package', () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'guardrails-package-'));
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));
  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build fails:\n${build.stdout}${build.stderr}`);
  }, 180_000);

  it('runs its bin from dist/ without tsx, from any directory, finding its own package.json', () => {
    expect(pkg.bin).toEqual({ guardrails: 'dist/bin/guardrails.js' });
    expect(readFileSync(join(root, pkg.bin['guardrails']!), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // `guardrails validate` on the compiled bin (the shipped example and catalog) runs in .ci/run and .ci/consumer-check.
    const version = node([join(root, pkg.bin['guardrails']!), '--version'], elsewhere);
    expect(version.stdout, version.stderr).toBe(`guardrails ${pkg.version}\n`);
  });

  it('runs detect in worker threads from dist/ (evaluation-worker.js), printing what one thread prints', () => {
    const events = JSON.parse(readFileSync(join(root, 'test/fixtures/corpus/aws/trail_tampering.json'), 'utf8')) as object[];
    const input = join(elsewhere, 'trail.ndjson');
    writeFileSync(input, `${Array.from({ length: 400 }, (_, i) => JSON.stringify({ ...events[i % events.length], eventID: `copy-${i}` })).join('\n')}\n`);
    const run = (workers: string) => node([join(root, pkg.bin['guardrails']!), 'detect', input, '--format', 'ndjson', '--workers', workers], elsewhere);
    const one = run('1');
    const two = run('2');
    expect(two.stderr).toBe(one.stderr);
    expect(one.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(100);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(0);
  });

  it('has nothing in dist/ without a source (tsc -b never deletes the output of a deleted file)', () => {
    const orphans = filesUnder(join(root, 'dist'))
      .map((f) => relative(join(root, 'dist'), f))
      .filter((f) => f !== '.tsbuildinfo' && !existsSync(join(root, f.replace(/\.(js\.map|js|d\.ts)$/, '.ts'))));
    expect(orphans, 'remove them: rm -rf dist && npm run build').toEqual([]);
  });

  it('exports its four entry points, which load as compiled JS', () => {
    expect(Object.keys(pkg.exports)).toEqual([...ENTRY_POINTS.map((e) => `./${e}`), './package.json']);
    // Node resolves a package's own name through its exports map (self-reference), exactly as a consumer's import does.
    const script = `for (const e of ${JSON.stringify(ENTRY_POINTS)}) { const m = await import('${pkg.name}/' + e); console.log(e, Object.keys(m).sort().join(',')); }`;
    const loaded = node(['--input-type=module', '-e', script], root);
    expect(loaded.status, loaded.stderr).toBe(0);
    const names = Object.fromEntries(
      loaded.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string])
        .map(([e, n]) => [e, n.split(',')]),
    );
    expect(names['aws']).toEqual(expect.arrayContaining(['OrganizationTrail', 'PerimeterPolicies', 'AwsGuardrailsStack', 'buildAwsApp', 'planPerimeter']));
    expect(names['azure']).toEqual(expect.arrayContaining(['ConditionalAccess', 'AzureAuditLogging', 'AzureAlerts', 'azureProgram']));
    expect(names['gcp']).toEqual(expect.arrayContaining(['GcpAuditLogging', 'GcpContextAwareAccess', 'GcpLogAlerts', 'gcpProgram']));
    expect(names['detection']).toEqual(expect.arrayContaining(['loadCatalog', 'compileRule', 'detectSource', 'parseConfigText']));
  });

  it('imports at run time only Node built-ins, its dependencies and its peers (never tsx or another dev tool)', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    // import/export ... from, import(), require() and createRequire(...)(): a method named require is not one.
    const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|(?<![.\w$])require\s*\(\s*|createRequire\([^)]*\)\s*\(\s*)['"]([^'"./][^'"]*)['"]/g;
    const used = new Set<string>();
    for (const file of filesUnder(join(root, 'dist')).filter((f) => f.endsWith('.js'))) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(specifier)) {
        const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        if (!name.startsWith('node:') && !builtinModules.includes(name)) used.add(name);
      }
    }
    expect([...used].filter((name) => !allowed.has(name))).toEqual([]);
    expect(used).toContain('aws-cdk-lib');
    // No relative import still names a .ts file: they are rewritten to .js by the build.
    const unrewritten = filesUnder(join(root, 'dist')).filter(
      (f) => f.endsWith('.js') && /(?:from\s*|import\s*\(\s*)['"]\.{1,2}\/[^'"]*\.ts['"]/.test(readFileSync(f, 'utf8')),
    );
    expect(unrewritten).toEqual([]);
  });

  it('ships dist/, the catalog, the pipelines, the schema and the example config, and nothing from test/', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as [
      { files: { path: string }[] },
    ];
    const paths = packed.files.map((f) => f.path);
    for (const file of [
      'package.json',
      'README.md',
      'guardrails.schema.json',
      'guardrails.example.yaml',
      'cdk.json',
      'dist/bin/guardrails.js',
      'detections/README.md',
    ])
      expect(paths).toContain(file);
    for (const target of Object.values(pkg.exports)) {
      if (typeof target !== 'string') expect(paths).toEqual(expect.arrayContaining([target.types, target.default].map((p) => p.replace(/^\.\//, ''))));
    }
    const rules = filesUnder(join(root, 'detections')).filter((f) => f.endsWith('.yml')).length;
    expect(paths.filter((p) => p.startsWith('detections/') && p.endsWith('.yml'))).toHaveLength(rules);
    // The processing pipelines (core/detection/pipeline.ts reads them from the package, like the catalog).
    const pipelines = filesUnder(join(root, 'pipelines')).filter((f) => f.endsWith('.yml')).length;
    expect(pipelines).toBeGreaterThan(0);
    expect(paths.filter((p) => p.startsWith('pipelines/') && p.endsWith('.yml'))).toHaveLength(pipelines);
    expect(paths.filter((p) => !/^(dist|detections|pipelines)\/|^[^/]+$/.test(p) || p.endsWith('.tsbuildinfo'))).toEqual([]);
  });
});
