/**
 * The GCP program under Pulumi's mocks with 1, 100 and 1,000 projects in the VPC Service Controls
 * perimeter: the perimeter is one resource whatever its size, so run time should stay flat. Each size
 * runs in a fresh process (the mocks engine is process-global); ratios are to the 1-project case.
 */
import { spawnSync } from 'node:child_process';

function run(projects: number): { ms: number; resources: number } {
  const script = `
    const { planUnderMocks } = await import('./stacks/pulumi-plan.ts');
    const { gcpProgram } = await import('./stacks/gcp/program.ts');
    const { loadCatalog } = await import('./core/detection/catalog.ts');
    const { exampleModel } = await import('./test/helpers/config.ts');
    const model = exampleModel((c) => (c.gcp.vpcScProjects = Array.from({ length: ${projects} }, (_, i) => String(100000000000 + i))));
    const catalog = loadCatalog(model);
    const start = performance.now();
    const resources = await planUnderMocks('bench', 'gcp', () => gcpProgram(model, catalog));
    console.log(JSON.stringify({ ms: performance.now() - start, resources: resources.length }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ms: number; resources: number };
}

export function benchGcpScale(): string[] {
  const median = (n: number) => [run(n), run(n), run(n)].sort((a, b) => a.ms - b.ms)[1]!;
  const base = median(1);
  return [1, 100, 1000].map((n) => {
    const r = n === 1 ? base : median(n);
    return `gcp program under mocks, ${n} VPC-SC project(s): ${r.ms.toFixed(0)} ms (ratio ${(r.ms / base.ms).toFixed(2)}), ${r.resources} resources`;
  });
}
