/**
 * The template every member account and region runs (through the StackSet): forwarding rules only.
 * It is synthesized in an App of its own, with no bootstrap dependency (StackSets cannot use CDK
 * assets), checked by the same cdk-nag packs, and embedded in the management stack as TemplateBody.
 */
import { App, BootstraplessSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventForwarding } from '../../constructs/aws/event-forwarding.ts';
import type { RealtimeRule } from '../../constructs/aws/realtime-rules.ts';
import { FORWARDING_ROLE_REGION } from '../../core/aws/pipeline-names.ts';

export const MEMBER_STACK_ID = 'CloudApiGuardrailsMemberForwarding';

export interface MemberTemplate {
  readonly stack: Stack;
  readonly template: Record<string, unknown>;
}

export function synthMemberTemplate(
  centralBusArn: string,
  rules: readonly RealtimeRule[],
  protectionTag: string,
  context: Record<string, unknown> = {},
): MemberTemplate {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'guardrails-member-')), context, autoSynth: false });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  const stack = new Stack(app, MEMBER_STACK_ID, {
    synthesizer: new BootstraplessSynthesizer(),
    description: 'cloud-api-guardrails member account: forwards CloudTrail events matching the guardrail rules to the central bus',
  });
  // The fixed-name role is created in us-east-1 only; the StackSet deploys that region first.
  new EventForwarding(stack, 'Forwarding', { centralBusArn, rules, roleRegion: FORWARDING_ROLE_REGION, protectionTag });
  const template = app.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
  return { stack, template };
}
