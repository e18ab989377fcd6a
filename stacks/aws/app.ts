/**
 * Builds the CDK app from a validated model and a checked perimeter plan, with cdk-nag's AwsSolutions
 * and NIST 800-53 R5 packs registered: any unacknowledged finding fails synth.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import type { GuardrailsModel } from '../../core/config/model.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { AwsGuardrailsStack } from './guardrails-stack.ts';

export const AWS_STACK_ID = 'CloudApiGuardrails';

export function buildAwsApp(model: GuardrailsModel, perimeter: PerimeterPlan, appProps: AppProps = {}): { app: App; stack: AwsGuardrailsStack } {
  if (!model.aws) throw new ConfigError('aws', 'is missing', 'Add an aws section (see guardrails.example.yaml).');
  const app = new App(appProps);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  const stack = new AwsGuardrailsStack(app, AWS_STACK_ID, { aws: model.aws, perimeter });
  return { app, stack };
}
