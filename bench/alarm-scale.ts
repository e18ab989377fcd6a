/**
 * The alarm pipeline's cost does not grow with the organization: member accounts are reached through a
 * StackSet with automatic deployment to OUs, so 1, 50 or 500 accounts in 20 OUs synthesize the same two
 * templates. Measures synth time (in-process, median of 3, after a warm-up) and template size and
 * resource count against CloudFormation's limits, as ratios to the 1-account case.
 */
import { planAlarms } from '../core/aws/alarm-plan.ts';
import { planPerimeter } from '../core/aws/perimeter-plan.ts';
import { loadCatalog } from '../core/detection/catalog.ts';
import { buildAwsApp } from '../stacks/aws/app.ts';
import { enforceModel } from '../test/helpers/config.ts';
import { CDK_JSON_CONTEXT } from '../test/helpers/aws-app.ts';

/** CloudFormation limits: template body via S3 (1 MB) and resources per stack. */
const TEMPLATE_MAX_BYTES = 1_048_576;
const RESOURCES_MAX = 500;

const OUS = Array.from({ length: 20 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`);

async function synth(accounts: number) {
  // SCPs are attached to the 20 OUs and to each listed account; the StackSet deploys by OU.
  const accountIds = Array.from({ length: accounts }, (_, i) => String(200000000000 + i));
  const model = enforceModel((c) => (c.aws.targets = [...OUS, ...accountIds]));
  const start = performance.now();
  const perimeter = await planPerimeter(model);
  const alarms = planAlarms(model, loadCatalog(model));
  const { app, stack, member } = buildAwsApp(model, perimeter, alarms, { context: CDK_JSON_CONTEXT });
  const assembly = app.synth();
  const ms = performance.now() - start;
  const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, unknown> };
  return {
    ms,
    stacks: assembly.stacks.length + 1,
    bytes: JSON.stringify(template).length,
    resources: Object.keys(template.Resources).length,
    memberBytes: JSON.stringify(member.template).length,
  };
}

export async function benchAlarmScale(): Promise<string[]> {
  await synth(1);
  const lines: string[] = [];
  let base: Awaited<ReturnType<typeof synth>> | undefined;
  for (const accounts of [1, 50, 500]) {
    const runs = [await synth(accounts), await synth(accounts), await synth(accounts)].sort((a, b) => a.ms - b.ms);
    const r = runs[1]!;
    base ??= r;
    lines.push(
      `alarm pipeline, ${accounts} account(s) in 20 OUs: synth ${r.ms.toFixed(0)} ms (ratio ${(r.ms / base.ms).toFixed(2)}), ${r.stacks} templates, ` +
        `management template ${(r.bytes / 1024).toFixed(0)} KB (${((r.bytes / TEMPLATE_MAX_BYTES) * 100).toFixed(1)}% of 1 MB), ${r.resources}/${RESOURCES_MAX} resources, member template ${(r.memberBytes / 1024).toFixed(1)} KB of the 50 KB StackSet TemplateBody`,
    );
  }
  return lines;
}
