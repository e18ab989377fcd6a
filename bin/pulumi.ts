/**
 * Pulumi entry point (Pulumi.yaml "main"). The stack config chooses the cloud and the config file:
 *   guardrails:cloud       gcp
 *   guardrails:configFile  path to the guardrails YAML (default: $GUARDRAILS_CONFIG, then guardrails.yaml)
 * A config problem fails `pulumi preview`/`up` with one line, before any resource is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../core/config/config-error.ts';
import { CONFIG_ENV_VAR, loadConfigFile, resolveConfigPath } from '../core/config/load.ts';
import { loadCatalog } from '../core/detection/catalog.ts';
import { gcpProgram } from '../stacks/gcp/program.ts';

const config = new pulumi.Config('guardrails');
const cloud = config.require('cloud');
try {
  const source = resolveConfigPath({ explicit: config.get('configFile'), env: process.env[CONFIG_ENV_VAR], cwd: process.cwd() });
  if (source.notice) pulumi.log.warn(source.notice);
  const model = loadConfigFile(source.path);
  for (const w of model.warnings) pulumi.log.warn(`${w.path}: ${w.message}`);
  if (cloud !== 'gcp') throw new ConfigError('guardrails:cloud', `"${cloud}" is not available in this release`, 'Use gcp (the Azure program comes in a later release; AWS deploys with cdk deploy).');
  gcpProgram(model, loadCatalog(model));
} catch (error) {
  if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
  throw error;
}
