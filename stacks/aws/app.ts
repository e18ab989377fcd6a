/**
 * Builds the CDK app from a validated model and its checked plans, with cdk-nag's AwsSolutions and
 * NIST 800-53 R5 packs registered: any unacknowledged finding fails synth. The member-account template
 * is synthesized first, in an App of its own, and embedded in the management stack's StackSet.
 * In the AWS SRA layout the log-archive and security stacks deploy before the management stack, whose
 * trail writes to the one and whose StackSet forwards to the other (stack dependencies order
 * `cdk deploy --all`; nothing is exported across accounts).
 */
import { App, Validations, type AppProps, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { AlarmPlan } from '../../core/aws/alarm-plan.ts';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import type { GuardrailsModel } from '../../core/config/model.ts';
import { AwsGuardrailsStack, LogArchiveStack, ManagementForwardingStack, SecurityStack } from './guardrails-stack.ts';
import { FORWARDING_ROLE_REGION, pipelineNames } from '../../core/aws/pipeline-names.ts';
import { synthMemberTemplate, type MemberTemplate } from './member-forwarding-stack.ts';

export const AWS_STACK_ID = 'CloudApiGuardrails';
export const LOG_ARCHIVE_STACK_ID = 'CloudApiGuardrailsLogArchive';
export const SECURITY_STACK_ID = 'CloudApiGuardrailsSecurity';

export interface AwsApp {
  readonly app: App;
  /** The management account's stack. */
  readonly stack: AwsGuardrailsStack;
  /** Every stack of the app, the management stack first. */
  readonly stacks: readonly Stack[];
  readonly member: MemberTemplate;
}

export function buildAwsApp(model: GuardrailsModel, perimeter: PerimeterPlan, alarms: AlarmPlan, appProps: AppProps = {}): AwsApp {
  const aws = model.aws;
  if (!aws) throw new ConfigError('aws', 'is missing', 'Add an aws section (see guardrails.example.yaml).');
  const app = new App(appProps);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  const context = (appProps.context ?? {}) as Record<string, unknown>;
  const member = synthMemberTemplate(pipelineNames(aws).centralBusArn, alarms.realtime, aws.protectionTag, context);
  const stack = new AwsGuardrailsStack(app, AWS_STACK_ID, {
    aws,
    notifications: model.notifications,
    perimeter,
    alarms,
    memberTemplateBody: JSON.stringify(member.template),
  });
  const stacks: Stack[] = [stack];
  if (aws.layout === 'sra') {
    const logArchive = new LogArchiveStack(app, LOG_ARCHIVE_STACK_ID, { aws });
    const security = new SecurityStack(app, SECURITY_STACK_ID, { aws, notifications: model.notifications, alarms });
    stack.addStackDependency(logArchive, 'the trail writes to the log-archive bucket and key');
    stack.addStackDependency(security, 'the metric alarms and the forwarding rules deliver to the security account');
    stacks.push(logArchive, security);
  }
  // The management account forwards in every event region; the stack in FORWARDING_ROLE_REGION creates
  // the forwarding role, so every other stack of the account deploys after it.
  const regional = aws.eventRegions
    .filter((region) => region !== aws.homeRegion)
    .map((region) => new ManagementForwardingStack(app, `${AWS_STACK_ID}Forwarding-${region}`, { aws, region, alarms }));
  const roleStack = [stack, ...regional].find((s) => s.region === FORWARDING_ROLE_REGION)!;
  for (const s of [stack, ...regional]) if (s !== roleStack) s.addStackDependency(roleStack, 'the forwarding role is created in us-east-1');
  if (aws.layout === 'sra') for (const s of regional) s.addStackDependency(stacks[2]!, 'the forwarding rules deliver to the central bus');
  stacks.push(...regional);
  return { app, stack, stacks, member };
}
