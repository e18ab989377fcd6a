import { readFileSync } from 'node:fs';
/** Synthesises the AWS app in-process from a model, the way bin/aws.ts does. */
import { Template } from 'aws-cdk-lib/assertions';
import { planPerimeter, type PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import type { GuardrailsModel } from '../../core/config/model.ts';
import { planAlarms, type AlarmPlan } from '../../core/aws/alarm-plan.ts';
import { loadCatalog } from '../../core/detection/catalog.ts';
import { buildAwsApp, LOG_ARCHIVE_STACK_ID, SECURITY_STACK_ID } from '../../stacks/aws/app.ts';

/** cdk.json's context (feature flags), which the CDK CLI would pass to the app. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

export interface SynthesizedAws {
  readonly model: GuardrailsModel;
  /** The management account's stack. */
  readonly template: Template;
  /** The stack holding the evidence store (log-archive account, or the management stack in the single-account layout). */
  readonly evidence: Template;
  /** The stack holding the alert topic and central bus (security account, or the management stack). */
  readonly pipeline: Template;
  /** Every stack by id. */
  readonly stacks: Readonly<Record<string, Template>>;
  readonly member: Template;
  readonly plan: PerimeterPlan;
  readonly alarms: AlarmPlan;
}

export async function synthAws(model: GuardrailsModel): Promise<SynthesizedAws> {
  const plan = await planPerimeter(model);
  const alarms = planAlarms(model, loadCatalog(model));
  const { stack, stacks, member } = buildAwsApp(model, plan, alarms, { context: CDK_JSON_CONTEXT });
  const templates = Object.fromEntries(stacks.map((s) => [s.stackName, Template.fromStack(s)]));
  const template = templates[stack.stackName]!;
  return {
    model,
    template,
    evidence: templates[LOG_ARCHIVE_STACK_ID] ?? template,
    pipeline: templates[SECURITY_STACK_ID] ?? template,
    stacks: templates,
    member: Template.fromJSON(member.template),
    plan,
    alarms,
  };
}

/** Template JSON with what changes between library versions (asset hashes, CDK metadata) blanked. */
export function normalisedTemplate(template: Template): unknown {
  const json = JSON.stringify(template.toJSON(), (_key, value: unknown) => (typeof value === 'string' ? value.replace(/[a-f0-9]{64}/g, '<hash>') : value));
  const parsed = JSON.parse(json) as { Resources?: Record<string, { Type: string }>; Parameters?: unknown; Rules?: unknown };
  for (const [id, resource] of Object.entries(parsed.Resources ?? {})) {
    if (resource.Type === 'AWS::CDK::Metadata') delete parsed.Resources![id];
  }
  delete parsed.Parameters;
  delete parsed.Rules;
  return parsed;
}
