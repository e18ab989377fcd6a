/**
 * `guardrails plan --cloud azure|gcp`: runs the Pulumi program under mocks and writes out/<cloud>.plan.json,
 * `{"resources":[{"type","name","inputs"}]}`. Not `pulumi preview`: no provider, no state, no diff.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuardrailsModel } from '../config/model.ts';
import type { CatalogRule } from '../detection/catalog.ts';

export const PLAN_DISCLAIMER =
  'This is an offline plan from Pulumi\'s mocks engine, not `pulumi preview`: no provider was called, nothing was diffed against real state, and values the cloud computes appear as "<computed: ...>".';

export type PlannedCloud = 'azure' | 'gcp';

export async function writePlan(cloud: PlannedCloud, model: GuardrailsModel, catalog: readonly CatalogRule[], outDir: string, err: NodeJS.WritableStream): Promise<string> {
  // The programs and the mocks runner load @pulumi/* only when a plan is asked for.
  const { planUnderMocks } = await import('../../stacks/pulumi-plan.ts');
  const { program, notes } =
    cloud === 'gcp'
      ? await import('../../stacks/gcp/program.ts').then((m) => ({ program: m.gcpProgram, notes: m.GCP_PLAN_NOTES }))
      : await import('../../stacks/azure/program.ts').then((m) => ({ program: m.azureProgram, notes: m.AZURE_PLAN_NOTES }));
  const resources = await planUnderMocks('cloud-api-guardrails', cloud, () => program(model, catalog));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${cloud}.plan.json`);
  writeFileSync(file, `${JSON.stringify({ resources }, null, 2)}\n`);
  err.write(`${PLAN_DISCLAIMER}\n`);
  for (const note of notes) err.write(`note: ${note}\n`);
  err.write(`wrote ${file}: ${resources.length} resources (${model.mode} mode)\n`);
  return file;
}
