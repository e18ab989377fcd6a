/**
 * `guardrails validate`: everything that can fail before a deploy, without synthesising anything. The
 * config is already validated when this runs (loading it is the check); here every rule is compiled for
 * each target it is deployed to, and on AWS the SCPs are packed and checked against the IAM reference,
 * because those are the errors `cdk synth` or `pulumi up` would otherwise stop on.
 */
import { planAlarms } from '../aws/alarm-plan.ts';
import { planPerimeter } from '../aws/perimeter-plan.ts';
import { ConfigError } from '../config/config-error.ts';
import type { GuardrailsModel } from '../config/model.ts';
import { compileCorrelationForDeployment, compileForDeployment, type CatalogRule } from '../detection/catalog.ts';
import type { Correlation } from '../detection/correlation.ts';

/** Returns the one-line summary of a valid setup; throws the first ConfigError otherwise. */
export async function validateAll(model: GuardrailsModel, catalog: readonly CatalogRule[], correlations: readonly Correlation[] = []): Promise<string> {
  const clouds = (['aws', 'azure', 'gcp'] as const).filter((c) => model[c]);
  let compiled = 0;
  for (const r of catalog) {
    if (!model[r.rule.logsource.product]) continue;
    for (const target of r.rule.targets) {
      // EventBridge patterns are compiled, and split under the account's quota, by planAlarms below.
      if (target === 'eventbridge' && model.aws) continue;
      compileForDeployment(r, target);
      compiled++;
    }
  }
  for (const c of correlations) {
    if (!c.bases.every((b) => model[b.rule.rule.logsource.product])) continue;
    for (const target of c.targets) {
      compileCorrelationForDeployment(c, target);
      compiled++;
    }
  }
  let scps = '';
  if (model.aws) {
    const perimeter = await planPerimeter(model).catch((error: unknown) => {
      throw error instanceof ConfigError && !error.location ? error.at(model.source) : error;
    });
    const alarms = planAlarms(model, catalog);
    scps = `; ${perimeter.policies.length} SCP(s) within ${model.aws.scpSizeBudget} characters; ${alarms.metric.length + alarms.realtime.length} AWS alarm rules`;
  }
  const counted = correlations.length ? `, ${correlations.length} correlations` : '';
  return `valid: ${model.source} (${clouds.join(', ') || 'no cloud section'}; mode ${model.mode}; ${catalog.length} rules${counted}, ${compiled} deployments compile${scps})`;
}
