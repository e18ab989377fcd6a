/** Pulumi programs as offline plans in tests, the way `guardrails plan` runs them. */
import type { GuardrailsModel } from '../../core/config/model.ts';
import { loadCatalog, type CatalogRule } from '../../core/detection/catalog.ts';
import { planUnderMocks, type PlannedResource } from '../../stacks/pulumi-plan.ts';

export type Program = (model: GuardrailsModel, catalog: readonly CatalogRule[]) => void;

export function planProgram(program: Program, model: GuardrailsModel): Promise<PlannedResource[]> {
  return planUnderMocks('cloud-api-guardrails', 'test', () => program(model, loadCatalog(model)));
}

/** Inputs of every planned resource whose type token ends with `suffix`. */
export function inputsOfType(resources: readonly PlannedResource[], suffix: string): Record<string, unknown>[] {
  return resources.filter((r) => r.type.endsWith(suffix)).map((r) => r.inputs);
}
