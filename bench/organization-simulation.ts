/**
 * What the whole-organization simulation costs: every flow of test/helpers/organization-flows.ts
 * simulated against the four apps its test uses (AWS SRA and single-account layouts, report and enforce
 * mode), against the time to synthesize those same apps (planning, cdk-nag and the member template
 * included). One untimed synthesis first loads aws-cdk-lib and cdk-nag, so neither side pays for it.
 */
import { performance } from 'node:perf_hooks';
import type { GuardrailsModel } from '../core/config/model.ts';
import { enforceModel, exampleModel, type Editable } from '../test/helpers/config.ts';
import { FLOWS, FlowScope } from '../test/helpers/organization-flows.ts';
import { synthOrganization } from '../test/helpers/organization-simulation.ts';

const singleAccount = (c: Editable) => {
  delete c.aws.logArchiveAccountId;
  delete c.aws.securityAccountId;
};

export async function benchOrganizationSimulation(): Promise<string[]> {
  const models: GuardrailsModel[] = [exampleModel(), enforceModel(), exampleModel(singleAccount), enforceModel(singleAccount)];
  // Fresh syntheses: the test helpers share one synthesis per model, which would time nothing here.
  await synthOrganization(models[0]!, { fresh: true });
  let synthMs = 0;
  let simulationMs = 0;
  let simulated = 0;
  let unresolved = 0;
  for (const model of models) {
    const { simulation, org, synthMs: ms } = await synthOrganization(model, { fresh: true });
    synthMs += ms;
    const scope = new FlowScope(org, model);
    const start = performance.now();
    for (const flow of FLOWS) {
      try {
        await simulation.evaluate(flow.request(scope));
        simulated++;
      } catch {
        // A flow whose resources the templates cannot resolve (e.g. an alias created twice): the test reports it.
        unresolved++;
      }
    }
    simulationMs += performance.now() - start;
  }
  return [
    `simulation: ${simulated} flows simulated over ${models.length} apps (${FLOWS.length} per app${unresolved ? `, ${unresolved} unresolvable` : ''}) in ${simulationMs.toFixed(0)} ms vs synth of the same apps ${synthMs.toFixed(0)} ms -> ratio ${(simulationMs / synthMs).toFixed(2)}`,
  ];
}
