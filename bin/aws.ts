/**
 * CDK entry point (cdk.json "app"). Reads the config, plans and checks the SCPs, then synthesises.
 * A config problem prints one line on stderr and exits 1 before anything is written to cdk.out.
 */
import { App } from 'aws-cdk-lib';
import { planPerimeter } from '../core/aws/perimeter-plan.ts';
import { ConfigError } from '../core/config/config-error.ts';
import { CONFIG_CONTEXT_KEY, CONFIG_ENV_VAR, loadConfigFile, resolveConfigPath } from '../core/config/load.ts';
import { describePerimeterPlan } from '../core/aws/perimeter-summary.ts';
import { describeProtections } from '../core/aws/protection-summary.ts';
import { buildAwsApp } from '../stacks/aws/app.ts';
import { planAlarms } from '../core/aws/alarm-plan.ts';
import { loadCatalogWithCorrelations } from '../core/detection/catalog.ts';
import { RuleError } from '../core/detection/rule-error.ts';
import { packagePath } from '../core/package-files.ts';

const RULES_DIR = packagePath('detections');

async function main(): Promise<void> {
  // Context is read from a throwaway App: constructing one writes nothing.
  const explicit = new App({ autoSynth: false }).node.tryGetContext(CONFIG_CONTEXT_KEY) as string | undefined;
  const source = resolveConfigPath({ explicit, env: process.env[CONFIG_ENV_VAR], cwd: process.cwd() });
  if (source.notice) console.error(source.notice);
  const model = loadConfigFile(source.path);
  for (const w of model.warnings) console.error(`warning: ${w.path}: ${w.message}`);
  const perimeter = await planPerimeter(model).catch((error: unknown) => {
    // Plan-level problems (sizes, vocabulary) concern the whole file, not one line of it.
    throw error instanceof ConfigError && !error.location ? error.at(model.source) : error;
  });
  for (const line of describePerimeterPlan(perimeter)) console.error(line);
  for (const line of describeProtections(model.aws!)) console.error(line);
  const { rules, correlations } = loadCatalogWithCorrelations(model, RULES_DIR);
  const alarms = planAlarms(model, rules, correlations);
  for (const note of alarms.notes) console.error(`note: ${note}`);
  console.error(
    `alarms: ${alarms.metric.length} CloudWatch metric filters, ${alarms.realtime.length} EventBridge rules (central bus, management account, and every member account and region in ${model.aws!.eventRegions.join(', ')})`,
  );
  buildAwsApp(model, perimeter, alarms).app.synth();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RuleError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  // cdk-nag findings were already printed in full; the stack trace adds nothing.
  if (error instanceof Error && error.name === 'ValidationFailed') {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
