/**
 * Pulumi entry point (Pulumi.yaml "main"). The stack config chooses the cloud and the config file:
 *   guardrails:cloud       azure | gcp
 *   guardrails:configFile  path to the guardrails YAML (default: $GUARDRAILS_CONFIG, then guardrails.yaml)
 * A config problem fails `pulumi preview`/`up` with one line, before any resource is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../core/config/config-error.ts';
import { CONFIG_ENV_VAR, loadConfigFile, resolveConfigPath } from '../core/config/load.ts';
import { loadCatalogWithCorrelations } from '../core/detection/catalog.ts';
import { gcpProgram } from '../stacks/gcp/program.ts';
import { azureProgram } from '../stacks/azure/program.ts';

const config = new pulumi.Config('guardrails');
const cloud = config.require('cloud');
let outputs: { maesterConfig?: unknown } = {};
try {
  const source = resolveConfigPath({
    explicit: config.get('configFile'),
    explicitFlag: 'guardrails:configFile',
    env: process.env[CONFIG_ENV_VAR],
    cwd: process.cwd(),
  });
  if (source.notice) pulumi.log.warn(source.notice);
  const model = loadConfigFile(source.path);
  for (const w of model.warnings) pulumi.log.warn(`${w.path}: ${w.message}`);
  if (cloud === 'gcp') {
    const { rules, correlations } = loadCatalogWithCorrelations(model);
    gcpProgram(model, rules, correlations);
  } else if (cloud === 'azure') {
    const { rules, correlations } = loadCatalogWithCorrelations(model);
    outputs = azureProgram(model, rules, correlations);
  } else throw new ConfigError('guardrails:cloud', `"${cloud}" is not a Pulumi cloud of this kit`, 'Use azure or gcp (AWS deploys with cdk deploy).');
} catch (error) {
  if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
  throw error;
}

/** Azure: the break-glass accounts in the form Maester's maester-config.json expects (GlobalSettings.EmergencyAccessAccounts). */
export const maesterConfig = outputs.maesterConfig;
