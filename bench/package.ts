/**
 * The package against the way the kit ran before it was built: tsx running the TypeScript sources.
 *   size      what `npm install` puts on disk for the package and what only it brings: the build (dist/,
 *             the catalog, schema, example, cdk.json; `npm pack`'s unpacked size) against the sources of
 *             the same files plus tsx and its dependency tree (esbuild and its platform binary), which a
 *             source package would need at run time
 *   import    a new Node process importing one entry point: the compiled JS through the exports map
 *             (`import('cloud-api-guardrails/aws')`) against `node --import tsx` importing the source
 *             index; tsx's transform cache is warm, as from a user's second run on
 *   --version `node dist/bin/guardrails.js --version` against `node --import tsx bin/guardrails.ts --version`
 * Each time is the median of `runs`, the two sides interleaved so machine noise hits both alike; each
 * line reports the ratio build/tsx measured in this run. dist/ is brought up to date first (`tsc -b`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRY_POINTS = { aws: 'stacks/aws/index.ts', azure: 'stacks/azure/index.ts', gcp: 'stacks/gcp/index.ts', detection: 'core/detection/index.ts' } as const;
/** What a source package would ship besides README/package.json: the same data files, and the sources instead of dist/. */
const SOURCE_DIRS = ['bin', 'core', 'constructs', 'stacks'];
const DATA = ['detections', 'guardrails.schema.json', 'guardrails.example.yaml', 'cdk.json'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function bytesUnder(path: string, keep: (file: string) => boolean = () => true): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return keep(path) ? stats.size : 0;
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && keep(e.name))
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/** tsx and every package it pulls in, as installed (optional platform packages only where present). */
function tsxTreeBytes(): { bytes: number; packages: string[] } {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
  };
  const seen = new Set<string>();
  const visit = (name: string) => {
    const entry = lock.packages[`node_modules/${name}`];
    if (seen.has(name) || !entry) return;
    try {
      statSync(join(root, 'node_modules', name));
    } catch {
      return; // an optional dependency for another platform
    }
    seen.add(name);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(dep);
  };
  visit('tsx');
  const packages = [...seen].sort();
  return { packages, bytes: packages.reduce((sum, p) => sum + bytesUnder(join(root, 'node_modules', p)), 0) };
}

function timeNode(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, GUARDRAILS_CONFIG: '' } });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - start;
}

function compare(label: string, built: string[], tsx: string[], runs: number): string {
  // One untimed run each: tsx's cache warm, the files in the page cache, as for a user's second run.
  timeNode(built);
  timeNode(tsx);
  const b: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(timeNode(built));
    t.push(timeNode(tsx));
  }
  return `${label}: build ${median(b).toFixed(0)} ms vs tsx ${median(t).toFixed(0)} ms (median of ${runs}) -> ratio ${(median(b) / median(t)).toFixed(2)}`;
}

export function benchPackage(runs = 5): string[] {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as [
    { unpackedSize: number; size: number; entryCount: number },
  ];
  const always = bytesUnder(join(root, 'package.json')) + bytesUnder(join(root, 'README.md'));
  const sources = SOURCE_DIRS.reduce((sum, dir) => sum + bytesUnder(join(root, dir), (f) => f.endsWith('.ts')), 0);
  const data = DATA.reduce((sum, path) => sum + bytesUnder(join(root, path)), 0);
  const tsx = tsxTreeBytes();
  const baseline = always + sources + data + tsx.bytes;
  const lines = [
    `package size: installed ${kib(packed.unpackedSize)} (${packed.entryCount} files, ${kib(packed.size)} packed) vs sources + tsx ${kib(baseline)} (sources and data ${kib(always + sources + data)}, ${tsx.packages.join(' + ')} ${kib(tsx.bytes)}) -> ratio ${(packed.unpackedSize / baseline).toFixed(2)}`,
  ];
  for (const [entry, source] of Object.entries(ENTRY_POINTS)) {
    lines.push(
      compare(
        `import cloud-api-guardrails/${entry}`,
        ['--input-type=module', '-e', `await import('cloud-api-guardrails/${entry}')`],
        ['--import', 'tsx', '--input-type=module', '-e', `await import('./${source}')`],
        runs,
      ),
    );
  }
  lines.push(compare('guardrails --version', ['dist/bin/guardrails.js', '--version'], ['--import', 'tsx', 'bin/guardrails.ts', '--version'], runs));
  return lines;
}
