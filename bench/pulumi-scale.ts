/**
 * The Pulumi programs under mocks as the estate grows: GCP with 1, 100 and 1,000 projects in the VPC-SC
 * perimeter, Azure with 1, 20 and 200 subscriptions per-subscription and through the management-group
 * policy. Each run is a fresh process (the mocks engine is process-global); median of 3; ratios are to
 * the smallest size of the same variant. The perimeter and the policy path should stay flat.
 */
import { spawnSync } from 'node:child_process';

interface Variant {
  readonly label: string;
  readonly cloud: 'azure' | 'gcp';
  readonly sizes: readonly number[];
  /** JavaScript editing the example config `c` for size `n`. */
  readonly edit: string;
}

const VARIANTS: readonly Variant[] = [
  {
    label: 'gcp, VPC-SC projects',
    cloud: 'gcp',
    sizes: [1, 100, 1000],
    edit: 'c.gcp.vpcScProjects = Array.from({ length: n }, (_, i) => String(100000000000 + i))',
  },
  {
    label: 'azure per-subscription, subscriptions',
    cloud: 'azure',
    sizes: [1, 20, 200],
    edit: "c.azure.subscriptionIds = Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)",
  },
  {
    label: 'azure management-group policy, subscriptions',
    cloud: 'azure',
    sizes: [1, 20, 200],
    edit: "c.azure.activityLogDeployment = 'policy'; c.azure.subscriptionIds = Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)",
  },
];

function run(variant: Variant, n: number): { ms: number; resources: number } {
  const script = `
    const { planUnderMocks } = await import('./stacks/pulumi-plan.ts');
    const { ${variant.cloud}Program: program } = await import('./stacks/${variant.cloud}/program.ts');
    const { loadCatalog } = await import('./core/detection/catalog.ts');
    const { exampleModel } = await import('./test/helpers/config.ts');
    const n = ${n};
    const model = exampleModel((c) => { ${variant.edit}; });
    const catalog = loadCatalog(model);
    const start = performance.now();
    const resources = await planUnderMocks('bench', '${variant.cloud}', () => program(model, catalog));
    console.log(JSON.stringify({ ms: performance.now() - start, resources: resources.length }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ms: number; resources: number };
}

export function benchPulumiScale(): string[] {
  const lines: string[] = [];
  for (const variant of VARIANTS) {
    let base: number | undefined;
    for (const n of variant.sizes) {
      const r = [run(variant, n), run(variant, n), run(variant, n)].sort((a, b) => a.ms - b.ms)[1]!;
      base ??= r.ms;
      lines.push(`${variant.label}: ${n} -> ${r.ms.toFixed(0)} ms under mocks (ratio ${(r.ms / base).toFixed(2)}), ${r.resources} resources`);
    }
  }
  return lines;
}
