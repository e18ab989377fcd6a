/**
 * The `guardrails` command (package bin, via bin/guardrails.js). `guardrails --help` lists the commands;
 * core/cli/help.ts holds every help text and the exit codes. Each command's modules are imported when it
 * runs, so `--help`, `--version` and `validate` start without loading what `plan` or `detect` need.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oneOf, parseArgs, UsageError } from '../core/cli/args.ts';
import { COMMAND_HELP, COMMANDS, overview, type Command } from '../core/cli/help.ts';
import { ConfigError } from '../core/config/config-error.ts';
import { PLAN_CLOUDS } from '../core/cli/plan.ts';
import { RuleError } from '../core/detection/rule-error.ts';
import { PRODUCTS, TARGETS } from '../core/detection/rule.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_RULES = fileURLToPath(new URL('../detections', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Options = Record<string, string | true>;

const COMMON = { config: 'value', rules: 'value', help: 'flag' } as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(`${topic && isCommand(topic) ? COMMAND_HELP[topic] : overview(VERSION)}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`guardrails ${VERSION}\n`);
    return 0;
  }
  if (!isCommand(command)) throw new UsageError(`unknown command ${command} (commands: ${COMMANDS.join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${COMMAND_HELP[command]}\n`);
    return 0;
  }
  switch (command) {
    case 'detect': {
      const { positionals, options } = parseArgs(rest, { ...COMMON, cloud: 'value', format: 'value', 'fail-on-match': 'flag' }, command);
      if (positionals.length === 0) throw new UsageError('detect needs at least one file or directory', command);
      const cloud = oneOf('cloud', options['cloud'], PRODUCTS, command);
      const format = oneOf('format', options['format'], ['table', 'ndjson'] as const, command) ?? 'table';
      const { detectExitCode, runDetect } = await import('../core/cli/detect.ts');
      const summary = await runDetect({ paths: positionals, rules: (await loadAll(options)).rules, cloud, format, out: process.stdout, err: process.stderr });
      return detectExitCode(summary, options['fail-on-match'] === true);
    }
    case 'rules': {
      const { positionals, options } = parseArgs(rest, { ...COMMON, cloud: 'value', target: 'value' }, command);
      if (positionals.length > 0) throw new UsageError(`rules takes no arguments (got ${positionals.join(' ')})`, command);
      const cloud = oneOf('cloud', options['cloud'], PRODUCTS, command);
      const target = oneOf('target', options['target'], TARGETS, command);
      const { printRules } = await import('../core/cli/rules.ts');
      return printRules((await loadAll(options)).rules, { cloud, target, out: process.stdout }) > 0 ? 1 : 0;
    }
    case 'validate': {
      const { positionals, options } = parseArgs(rest, COMMON, command);
      if (positionals.length > 0) throw new UsageError(`validate takes no arguments (got ${positionals.join(' ')})`, command);
      const { validateAll } = await import('../core/cli/validate.ts');
      const { model, rules } = await loadAll(options);
      process.stdout.write(`${await validateAll(model, rules)}\n`);
      return 0;
    }
    case 'plan': {
      const { positionals, options } = parseArgs(rest, { ...COMMON, cloud: 'value', out: 'value' }, command);
      if (positionals.length > 0) throw new UsageError(`plan takes no arguments (got ${positionals.join(' ')})`, command);
      const requested = oneOf('cloud', options['cloud'], [...PLAN_CLOUDS, 'all'] as const, command) ?? 'all';
      const started = performance.now();
      const { cloudsToPlan, readCdkContext, runPlan } = await import('../core/cli/plan.ts');
      const { model, rules } = await loadAll(options);
      process.stderr.write(`plan: config and rules loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      await runPlan({
        clouds: cloudsToPlan(requested, model),
        model,
        catalog: rules,
        outDir: typeof options['out'] === 'string' ? options['out'] : 'out',
        configFile: basename(model.source),
        version: VERSION,
        cdkContext: readCdkContext(PACKAGE_ROOT),
        err: process.stderr,
      });
      return 0;
    }
  }
}

function isCommand(name: string): name is Command {
  return (COMMANDS as string[]).includes(name);
}

async function loadAll(options: Options) {
  const [{ CONFIG_ENV_VAR, loadConfigFile, resolveConfigPath }, { loadCatalog }] = await Promise.all([import('../core/config/load.ts'), import('../core/detection/catalog.ts')]);
  const explicit = typeof options['config'] === 'string' ? options['config'] : undefined;
  const source = resolveConfigPath({ explicit, explicitFlag: '--config', env: process.env[CONFIG_ENV_VAR], cwd: process.cwd(), exampleDir: PACKAGE_ROOT });
  if (source.notice) process.stderr.write(`${source.notice}\n`);
  const model = loadConfigFile(source.path);
  for (const w of model.warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
  return { model, rules: loadCatalog(model, typeof options['rules'] === 'string' ? options['rules'] : PACKAGE_RULES) };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`error: ${error.message}\n${error.command ? `usage: ${COMMAND_HELP[error.command as Command].split('\n')[0]!.replace(/^usage: /, '')}` : 'run guardrails --help for the commands'}\n`);
    else if (error instanceof ConfigError || error instanceof RuleError) process.stderr.write(`error: ${error.message}\n`);
    // cdk-nag findings were already printed in full by the synth; the stack trace adds nothing.
    else if (error instanceof Error && error.name === 'ValidationFailed') process.stderr.write(`error: ${error.message}\n`);
    else throw error;
    process.exitCode = 2;
  },
);
