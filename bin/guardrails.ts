/**
 * The `guardrails` command (package bin, via bin/guardrails.js):
 *   guardrails detect <file|dir...> [--config FILE] [--rules DIR] [--cloud aws|azure|gcp] [--format table|ndjson] [--fail-on-match]
 *   guardrails rules [--config FILE] [--rules DIR] [--cloud aws|azure|gcp] [--target cloudwatch|eventbridge|kql|gcp]
 *   guardrails plan --cloud azure|gcp [--config FILE] [--rules DIR] [--out DIR]
 */
import { fileURLToPath } from 'node:url';
import { oneOf, parseArgs, UsageError } from '../core/cli/args.ts';
import { runDetect } from '../core/cli/detect.ts';
import { printRules } from '../core/cli/rules.ts';
import { writePlan } from '../core/cli/plan.ts';
import { ConfigError } from '../core/config/config-error.ts';
import { CONFIG_ENV_VAR, loadConfigFile, resolveConfigPath } from '../core/config/load.ts';
import { loadCatalog } from '../core/detection/catalog.ts';
import { RuleError } from '../core/detection/rule-error.ts';
import { PRODUCTS, TARGETS } from '../core/detection/rule.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_RULES = fileURLToPath(new URL('../detections', import.meta.url));
const USAGE = `usage:
  guardrails detect <file|dir...> [--config FILE] [--rules DIR] [--cloud aws|azure|gcp] [--format table|ndjson] [--fail-on-match]
  guardrails rules [--config FILE] [--rules DIR] [--cloud aws|azure|gcp] [--target cloudwatch|eventbridge|kql|gcp]
  guardrails plan --cloud azure|gcp [--config FILE] [--rules DIR] [--out DIR]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'detect') {
    const { positionals, options } = parseArgs(rest, { config: 'value', rules: 'value', cloud: 'value', format: 'value', 'fail-on-match': 'flag' });
    if (positionals.length === 0) throw new UsageError('detect needs at least one file or directory');
    const rules = catalog(options);
    const summary = await runDetect({
      paths: positionals,
      rules,
      cloud: oneOf('cloud', options['cloud'], PRODUCTS),
      format: oneOf('format', options['format'], ['table', 'ndjson'] as const) ?? 'table',
      out: process.stdout,
      err: process.stderr,
    });
    return options['fail-on-match'] && summary.matched > 0 ? 1 : 0;
  }
  if (command === 'rules') {
    const { positionals, options } = parseArgs(rest, { config: 'value', rules: 'value', cloud: 'value', target: 'value' });
    if (positionals.length > 0) throw new UsageError(`rules takes no arguments (got ${positionals.join(' ')})`);
    const failures = printRules(catalog(options), { cloud: oneOf('cloud', options['cloud'], PRODUCTS), target: oneOf('target', options['target'], TARGETS), out: process.stdout });
    return failures > 0 ? 1 : 0;
  }
  if (command === 'plan') {
    const { positionals, options } = parseArgs(rest, { config: 'value', rules: 'value', cloud: 'value', out: 'value' });
    if (positionals.length > 0) throw new UsageError(`plan takes no arguments (got ${positionals.join(' ')})`);
    const cloud = oneOf('cloud', options['cloud'], ['azure', 'gcp'] as const);
    if (!cloud) throw new UsageError('plan needs --cloud azure or --cloud gcp (AWS is planned by cdk synth)');
    const { model, rules } = loadAll(options);
    await writePlan(cloud, model, rules, typeof options['out'] === 'string' ? options['out'] : 'out', process.stderr);
    return 0;
  }
  throw new UsageError(command ? `unknown command ${command}` : 'no command');
}

function loadAll(options: Record<string, string | true>) {
  const explicit = typeof options['config'] === 'string' ? options['config'] : undefined;
  const source = resolveConfigPath({ explicit, env: process.env[CONFIG_ENV_VAR], cwd: process.cwd(), exampleDir: PACKAGE_ROOT });
  if (source.notice) process.stderr.write(`${source.notice}\n`);
  const model = loadConfigFile(source.path);
  for (const w of model.warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
  return { model, rules: loadCatalog(model, typeof options['rules'] === 'string' ? options['rules'] : PACKAGE_RULES) };
}

function catalog(options: Record<string, string | true>) {
  return loadAll(options).rules;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    else if (error instanceof ConfigError || error instanceof RuleError) process.stderr.write(`error: ${error.message}\n`);
    else throw error;
    process.exitCode = 2;
  },
);
