/**
 * Synthesises the AWS app in-process from a model, the way bin/aws.ts does.
 *
 * Synthesis (cdk-nag included) is the slowest thing the suite does, and several test files synthesize
 * the same models (the example in report and enforce mode, in both layouts). Test files in one worker
 * share loaded modules (vitest.config.ts, `isolate: false`), so each app is synthesized once per worker
 * and shared, keyed by the model's content: `synthAws` here and `synthOrganization`
 * (organization-simulation.ts) both read the one synthesized assembly. Everything shared is frozen, so
 * a test that changed a template another test reads would fail at once instead of passing by accident.
 */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { planPerimeter, type PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import type { GuardrailsModel } from '../../core/config/model.ts';
import { planAlarms, type AlarmPlan } from '../../core/aws/alarm-plan.ts';
import { loadCatalog } from '../../core/detection/catalog.ts';
import { buildAwsApp, LOG_ARCHIVE_STACK_ID, SECURITY_STACK_ID, type AwsApp } from '../../stacks/aws/app.ts';
import { catalogRules } from './catalog.ts';
import { deepFreeze, modelKey } from './model-key.ts';

export { modelKey };

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

/** A model's app, planned, built and synthesized (`app.synth()`: every stack's template is in its assembly). */
export interface BuiltAws {
  readonly model: GuardrailsModel;
  readonly plan: PerimeterPlan;
  readonly alarms: AlarmPlan;
  readonly built: AwsApp;
  /** Milliseconds to plan, build and synthesize the app (cdk-nag included). */
  readonly synthMs: number;
}

export interface SynthOptions {
  /** Synthesize anew instead of sharing the worker's synthesis of an equal model (for timing it). */
  readonly fresh?: boolean;
}

/**
 * cdk.json's context, without the stack traces aws-cdk-lib records as metadata on every construct and
 * annotation (cx-api "aws:cdk:disable-creation-stack-traces" and "aws:cdk:disable-stack-trace"): they go to the
 * cloud assembly's manifest, never into a template, and capturing them through source maps is about a third of a
 * synthesis.
 */
const SYNTH_CONTEXT = { ...CDK_JSON_CONTEXT, 'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-stack-trace': true };

const builds = new Map<string, Promise<BuiltAws>>();

async function build(model: GuardrailsModel, options: SynthOptions): Promise<BuiltAws> {
  const start = performance.now();
  const plan = await planPerimeter(model);
  // A fresh build (timed) loads the catalog itself; a shared one shares the worker's binding of an equal model.
  const alarms = planAlarms(model, options.fresh ? loadCatalog(model) : catalogRules(model));
  const built = buildAwsApp(model, plan, alarms, { context: SYNTH_CONTEXT });
  const assembly = built.app.synth();
  const synthMs = performance.now() - start;
  for (const stack of built.stacks) deepFreeze(assembly.getStackArtifact(stack.artifactId).template);
  deepFreeze(built.member.template);
  return { model: deepFreeze(model), plan: deepFreeze(plan), alarms: deepFreeze(alarms), built, synthMs };
}

/** The app of `model`, synthesized once per worker for every equal model (unless `fresh`). */
export function builtAws(model: GuardrailsModel, options: SynthOptions = {}): Promise<BuiltAws> {
  if (options.fresh) return build(model, options);
  const key = modelKey(model);
  let found = builds.get(key);
  if (!found) {
    found = build(model, options);
    builds.set(key, found);
  }
  return found;
}

const synthesized = new Map<string, Promise<SynthesizedAws>>();

async function templatesOf(model: GuardrailsModel, options: SynthOptions): Promise<SynthesizedAws> {
  const { plan, alarms, built } = await builtAws(model, options);
  const { stack, stacks, member } = built;
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

/**
 * The templates of `model`'s app, shared by every test in the worker that asks for an equal model
 * (unless `fresh`): tests read them and never change them (they are frozen).
 */
export function synthAws(model: GuardrailsModel, options: SynthOptions = {}): Promise<SynthesizedAws> {
  if (options.fresh) return templatesOf(model, options);
  const key = modelKey(model);
  let found = synthesized.get(key);
  if (!found) {
    found = templatesOf(model, options);
    synthesized.set(key, found);
  }
  return found;
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
