/**
 * The `guardrails` command as a function of its arguments, environment and streams, returning the exit
 * code: bin/guardrails.ts runs it on the process, tests run it in-process. `guardrails --help` lists the
 * commands; core/cli/help.ts holds every help text and the exit codes. Each command's modules are
 * imported when it runs, so `--help`, `--version` and `validate` start without loading what `plan` or
 * `detect` need.
 */
import { basename } from 'node:path';
import { HUNT_OPTIONS, oneOf, parseArgs, UsageError } from './args.ts';
import { COMMAND_HELP, COMMANDS, overview, type Command } from './help.ts';
import { ConfigError } from '../config/config-error.ts';
import { PLAN_CLOUDS } from './plan.ts';
import { RuleError } from '../detection/rule-error.ts';
import { SQL_DIALECTS } from '../detection/compilers/sql-printer.ts';
import { PRODUCTS, TARGETS } from '../detection/rule.ts';
import { packagePath, packageRoot, packageVersion } from '../package-files.ts';

// The package's own files, from the sources (tsx, tests) and from dist/ alike (core/package-files.ts).
const PACKAGE_ROOT = packageRoot();
const PACKAGE_RULES = packagePath('detections');
const VERSION = packageVersion();

type Options = Record<string, string | true>;

/** Where a run reads its environment and writes its output. */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

const COMMON = { config: 'value', rules: 'value', help: 'flag' } as const;

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    io.out.write(`${topic && isCommand(topic) ? COMMAND_HELP[topic] : overview(VERSION)}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.out.write(`guardrails ${VERSION}\n`);
    return 0;
  }
  if (!isCommand(command)) throw new UsageError(`unknown command ${command} (commands: ${COMMANDS.join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out.write(`${COMMAND_HELP[command]}\n`);
    return 0;
  }
  switch (command) {
    case 'detect': {
      const { positionals, options } = parseArgs(
        rest,
        { ...COMMON, cloud: 'value', format: 'value', engine: 'value', workers: 'value', 'fail-on-match': 'flag' },
        command,
      );
      if (positionals.length === 0) throw new UsageError('detect needs at least one file or directory', command);
      const cloud = oneOf('cloud', options['cloud'], PRODUCTS, command);
      const format = oneOf('format', options['format'], ['table', 'ndjson'] as const, command) ?? 'table';
      const engine = oneOf('engine', options['engine'], ['auto', 'js', 'duckdb'] as const, command) ?? 'auto';
      const workers = workerCount(options['workers'], engine);
      const { detectExitCode, runDetect } = await import('./detect.ts');
      const { rules, correlations } = await loadAll(options, io);
      const summary = await runDetect({ paths: positionals, rules, correlations, cloud, format, engine, workers, out: io.out, err: io.err });
      return detectExitCode(summary, options['fail-on-match'] === true);
    }
    case 'hunt': {
      const { positionals, options } = parseArgs(rest, { ...COMMON, ...HUNT_OPTIONS }, command);
      if (positionals.length > 0) throw new UsageError(`hunt takes no arguments (got ${positionals.join(' ')})`, command);
      const { runHunt } = await import('./hunt.ts');
      return runHunt(options, io, { load: () => loadAll(options, io) });
    }
    case 'rules': {
      const { positionals, options } = parseArgs(rest, { ...COMMON, cloud: 'value', target: 'value', format: 'value' }, command);
      if (positionals.length > 0) throw new UsageError(`rules takes no arguments (got ${positionals.join(' ')})`, command);
      const cloud = oneOf('cloud', options['cloud'], PRODUCTS, command);
      const target = oneOf('target', options['target'], [...TARGETS, ...SQL_DIALECTS], command);
      const format = oneOf('format', options['format'], ['text', 'json'] as const, command) ?? 'text';
      const { printRules, printRulesJson } = await import('./rules.ts');
      // JSON says what did not load per file on stdout, so the skipped list is not repeated on stderr.
      const { rules, skipped, correlations } = await loadAll(options, io, { quiet: format === 'json' });
      if (format === 'json') return printRulesJson(rules, skipped, { cloud, target, out: io.out, correlations }) > 0 ? 1 : 0;
      return printRules(rules, { cloud, target, out: io.out, correlations }) > 0 ? 1 : 0;
    }
    case 'validate': {
      const { positionals, options } = parseArgs(rest, COMMON, command);
      if (positionals.length > 0) throw new UsageError(`validate takes no arguments (got ${positionals.join(' ')})`, command);
      const { validateAll } = await import('./validate.ts');
      const { model, rules, skipped, correlations } = await loadAll(options, io);
      io.out.write(`${await validateAll(model, rules, correlations)}\n`);
      // The rules that did not load were listed on stderr; a check that skipped some has not passed.
      return skipped.length ? 1 : 0;
    }
    case 'plan': {
      const { positionals, options } = parseArgs(rest, { ...COMMON, cloud: 'value', out: 'value' }, command);
      if (positionals.length > 0) throw new UsageError(`plan takes no arguments (got ${positionals.join(' ')})`, command);
      const requested = oneOf('cloud', options['cloud'], [...PLAN_CLOUDS, 'all'] as const, command) ?? 'all';
      const started = performance.now();
      const { cloudsToPlan, readCdkContext, runPlan } = await import('./plan.ts');
      const { model, rules, skipped, correlations } = await loadAll(options, io);
      // A deployment is all or nothing: a rule that did not load is an error here, not a warning.
      const [first] = skipped;
      if (first)
        throw new RuleError(
          first.file,
          'plan',
          `${first.reason} (${skipped.length} of the rules in --rules did not load; plan deploys all of them or none: fix or remove them, or check them with guardrails validate)`,
        );
      io.err.write(`plan: config and rules loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      await runPlan({
        clouds: cloudsToPlan(requested, model),
        model,
        catalog: rules,
        correlations,
        outDir: typeof options['out'] === 'string' ? options['out'] : 'out',
        configFile: basename(model.source),
        version: VERSION,
        cdkContext: readCdkContext(PACKAGE_ROOT),
        err: io.err,
      });
      return 0;
    }
  }
}

function isCommand(name: string): name is Command {
  return (COMMANDS as string[]).includes(name);
}

/**
 * The config and the rules. Without --rules, the package's catalog, all or nothing. With --rules DIR, the
 * user's folder in bulk mode (core/detection/rule-folder.ts): Sigma rules as published or rules in this
 * package's format; each file that does not load is reported on stderr (unless `quiet`) and skipped.
 */
async function loadAll(options: Options, io: CliIo, { quiet = false } = {}) {
  const [{ CONFIG_ENV_VAR, loadConfigFile, resolveConfigPath }, { loadCatalogWithCorrelations }, { loadRuleFolder }] = await Promise.all([
    import('../config/load.ts'),
    import('../detection/catalog.ts'),
    import('../detection/rule-folder.ts'),
  ]);
  const explicit = typeof options['config'] === 'string' ? options['config'] : undefined;
  const source = resolveConfigPath({ explicit, explicitFlag: '--config', env: io.env[CONFIG_ENV_VAR], cwd: io.cwd, exampleDir: PACKAGE_ROOT });
  if (source.notice) io.err.write(`${source.notice}\n`);
  const model = loadConfigFile(source.path);
  for (const w of model.warnings) io.err.write(`warning: ${w.path}: ${w.message}\n`);
  if (typeof options['rules'] !== 'string') return { model, ...loadCatalogWithCorrelations(model, PACKAGE_RULES), skipped: [] };
  const folder = loadRuleFolder(options['rules'], model);
  if (!quiet) {
    for (const { file, note } of folder.notes) io.err.write(`note: ${file}: ${note}\n`);
    for (const { file, reason } of folder.skipped) io.err.write(`skipped: ${file}: ${reason}\n`);
    if (folder.skipped.length)
      io.err.write(
        `rules: ${folder.rules.length} loaded${folder.correlations.length ? ` (and ${folder.correlations.length} correlations)` : ''}, ${folder.skipped.length} skipped from ${options['rules']}\n`,
      );
  }
  return { model, rules: folder.rules, skipped: folder.skipped, correlations: folder.correlations };
}

/** Runs one command; usage, config and rule errors become one line on stderr and exit code 2. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError)
      io.err.write(
        `error: ${error.message}\n${error.command ? `usage: ${COMMAND_HELP[error.command as Command].split('\n')[0]!.replace(/^usage: /, '')}` : 'run guardrails --help for the commands'}\n`,
      );
    else if (error instanceof ConfigError || error instanceof RuleError) io.err.write(`error: ${error.message}\n`);
    // cdk-nag findings were already printed in full by the synth; the stack trace adds nothing.
    else if (error instanceof Error && error.name === 'ValidationFailed') io.err.write(`error: ${error.message}\n`);
    else throw error;
    return 2;
  }
}

/** --workers: a whole number of worker threads for the js engine (duckdb runs on every core of its own accord). */
function workerCount(value: string | true | undefined, engine: 'auto' | 'js' | 'duckdb'): number | undefined {
  if (value === undefined) return undefined;
  if (engine === 'duckdb') throw new UsageError('--workers is for --engine js or auto: DuckDB runs on every core itself', 'detect');
  const count = value === true ? Number.NaN : Number(value);
  if (!/^\d+$/.test(String(value)) || count < 1 || count > 64) throw new UsageError('--workers must be a whole number from 1 to 64', 'detect');
  return count;
}
