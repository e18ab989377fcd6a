/** Pulumi programs as offline plans in tests, the way `guardrails plan` runs them. */
import type { GuardrailsModel } from '../../core/config/model.ts';
import type { CatalogRule } from '../../core/detection/catalog.ts';
import type { Correlation } from '../../core/detection/correlation.ts';
import { planUnderMocks, type PlannedResource } from '../../stacks/pulumi-plan.ts';
import { catalogOf } from './catalog.ts';

/**
 * A program as bin/pulumi.ts runs it: the catalog's rules and its correlations (programs that deploy none ignore them).
 * The catalog is `loadCatalogWithCorrelations(model)`, bound once per worker for an equal model (catalog.ts).
 */
export type Program = (model: GuardrailsModel, catalog: readonly CatalogRule[], correlations: readonly Correlation[]) => void;

export function planProgram(program: Program, model: GuardrailsModel): Promise<PlannedResource[]> {
  return planUnderMocks('cloud-api-guardrails', 'test', () => {
    const { rules, correlations } = catalogOf(model);
    program(model, rules, correlations);
  });
}

/** Inputs of every planned resource whose type token ends with `suffix`. */
export function inputsOfType(resources: readonly PlannedResource[], suffix: string): Record<string, unknown>[] {
  return resources.filter((r) => r.type.endsWith(suffix)).map((r) => r.inputs);
}
