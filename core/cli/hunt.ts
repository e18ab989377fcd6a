/**
 * `guardrails hunt`: the catalog run where an organization's logs are, instead of over files: Athena over
 * the organization trail (aws.hunting), BigQuery over the log bucket's linked dataset (gcp.hunting), Log
 * Analytics over a workspace. Matches are printed as `guardrails detect` prints them (core/hunt/print.ts),
 * the summary and every skipped rule or failed query on stderr, with a progress line on a TTY.
 *
 * Credentials come from each SDK's default chain (AWS default provider chain, Google Application Default
 * Credentials, Azure DefaultAzureCredential); nothing is stored. The SDKs are optional peer dependencies,
 * imported when their engine runs. The clients are built by `HuntClients`, which tests replace.
 */
import { DEFAULT_HUNTING_DATABASE, HUNTING_TABLE_NAME } from '../aws/hunting-names.ts';
import type { GuardrailsModel } from '../config/model.ts';
import { compileRule, type CatalogRule } from '../detection/catalog.ts';
import { compileSqlCondition } from '../detection/compilers/sql.ts';
import type { Product } from '../detection/rule.ts';
import { huntAthena, type AthenaHuntOptions } from '../hunt/athena.ts';
import { huntBigQuery } from '../hunt/bigquery.ts';
import { compileForEngine, type CompiledRule } from '../hunt/compile.ts';
import { huntLogAnalytics } from '../hunt/loganalytics.ts';
import { huntExitCode, type HuntOutcome, type HuntSink } from '../hunt/outcome.ts';
import { matchPrinter } from '../hunt/print.ts';
import { formatBytes, progressLine } from '../hunt/progress.ts';
import { type HuntClients, SDK_CLIENTS } from '../hunt/sdk-clients.ts';
import { HuntSetupError } from '../hunt/setup-error.ts';
import { timeRange } from '../hunt/time-range.ts';
import { oneOf, UsageError } from './args.ts';
import type { CliIo } from './main.ts';
import { terminalSafe } from './terminal-text.ts';

export const HUNT_ENGINES = ['athena', 'bigquery', 'loganalytics'] as const;
export type HuntEngine = (typeof HUNT_ENGINES)[number];

/** The options only one engine takes. */
const ENGINE_OPTIONS: Readonly<Record<HuntEngine, readonly string[]>> = {
  athena: ['workgroup', 'database', 'table', 'accounts', 'regions'],
  bigquery: ['project', 'dataset', 'max-gb'],
  loganalytics: ['workspace'],
};

/** gcp.hunting.linkedDatasetId's default (core/config/schema.ts). */
const BIGQUERY_DATASET = 'guardrails_audit';
/** Like the Athena workgroup's default scan cutoff (aws.hunting.bytesScannedCutoffGb). */
const BIGQUERY_MAX_GB = 1024;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

type Options = Readonly<Record<string, string | true>>;

const value = (options: Options, name: string): string | undefined => {
  const v = options[name];
  if (v === true) throw new UsageError(`--${name} needs a value`, 'hunt');
  return v;
};
const list = (options: Options, name: string): string[] | undefined =>
  value(options, name)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `--timeout 10m`: seconds, minutes or hours. */
function timeoutMs(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const m = /^(\d+)([smh])$/.exec(text);
  if (!m || Number(m[1]) === 0) throw new UsageError(`--timeout ${text}: expected a positive duration such as 90s, 10m or 1h`, 'hunt');
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

export interface HuntDeps {
  /** The config and the rules (main.ts's loadAll). */
  readonly load: () => Promise<{ model: GuardrailsModel; rules: readonly CatalogRule[] }>;
  readonly clients?: HuntClients;
  readonly now?: Date;
  /** Polling and sleeping, for tests: passed to the Athena engine. */
  readonly athena?: Pick<AthenaHuntOptions, 'pollMs' | 'sleep' | 'now'>;
}

/** Runs `guardrails hunt` on parsed options; returns the exit code (HUNT_EXIT_CODES). Usage errors are thrown (UsageError). */
export async function runHunt(options: Options, io: CliIo, deps: HuntDeps): Promise<number> {
  const engine = oneOf('engine', options['engine'], HUNT_ENGINES, 'hunt');
  if (!engine) throw new UsageError(`hunt needs --engine (${HUNT_ENGINES.join(', ')})`, 'hunt');
  for (const [other, names] of Object.entries(ENGINE_OPTIONS))
    for (const name of names)
      if (other !== engine && options[name] !== undefined) throw new UsageError(`--${name} is an option of --engine ${other}, not ${engine}`, 'hunt');
  const format = oneOf('format', options['format'], ['table', 'ndjson'] as const, 'hunt') ?? 'table';
  const range = timeRange(value(options, 'since'), value(options, 'until'), deps.now ?? new Date());
  const timeout = timeoutMs(value(options, 'timeout'));
  const maxGb = value(options, 'max-gb');
  if (maxGb !== undefined && !/^\d+(\.\d+)?$/.test(maxGb)) throw new UsageError(`--max-gb ${maxGb}: expected a number of GiB, e.g. 100`, 'hunt');

  const { model, rules } = await deps.load();
  const settings = engineSettings(engine, options, model);
  const skipped: string[] = [];
  const compiled = compileForEngine(rules, settings.product, settings.compile, (line) => skipped.push(line));
  for (const line of skipped) io.err.write(`${terminalSafe(line)}\n`);
  if (compiled.length === 0) {
    io.err.write(`error: no ${settings.product} rule compiles for --engine ${engine} (${skipped.length} skipped): nothing to hunt\n`);
    return 2;
  }

  const progress = progressLine(io.err);
  const byId = new Map(rules.map((r) => [r.rule.id, r.rule]));
  const printer = matchPrinter(format, io.out, byId);
  let matched = 0;
  const sink: HuntSink = {
    onMatch: (m) => {
      progress.end();
      matched += printer.print(m);
    },
    warn: (line) => {
      progress.end();
      io.err.write(`${terminalSafe(line)}\n`);
    },
    progress: progress.draw,
  };
  const clients = deps.clients ?? SDK_CLIENTS;
  let outcome: HuntOutcome;
  try {
    outcome = await settings.run(compiled, clients, sink, range, timeout, deps);
  } catch (error) {
    if (!(error instanceof HuntSetupError)) throw error;
    progress.end();
    io.err.write(`error: ${error.message}\n`);
    return 2;
  }
  progress.end();
  const top = [...printer.byRule].sort((a, b) => b[1] - a[1]).map(([id, n]) => `  ${terminalSafe(id)}: ${n}`);
  io.err.write(
    `${[
      `${engine}: ${range.start.toISOString()} to ${range.end.toISOString()}; ${matched} match(es) of ${compiled.length} rules in ${outcome.queries} quer${outcome.queries === 1 ? 'y' : 'ies'}${
        outcome.bytes === undefined ? '' : `; ${formatBytes(outcome.bytes)} ${engine === 'athena' ? 'scanned' : 'processed'}`
      }`,
      ...(skipped.length
        ? [`${skipped.length} rule(s) skipped: they cannot compile for ${engine} (listed above; guardrails detect runs them over files)`]
        : []),
      ...(outcome.incomplete
        ? [
            `${outcome.incomplete} quer${outcome.incomplete === 1 ? 'y' : 'ies'} failed, timed out or returned truncated results (listed above): the result is incomplete`,
          ]
        : []),
      ...top,
    ].join('\n')}\n`,
  );
  return huntExitCode(matched, outcome, options['fail-on-match'] === true);
}

interface EngineSettings {
  readonly product: Product;
  readonly compile: (rule: CatalogRule) => string;
  readonly run: (
    rules: CompiledRule[],
    clients: HuntClients,
    sink: HuntSink,
    range: ReturnType<typeof timeRange>,
    timeoutMs: number,
    deps: HuntDeps,
  ) => Promise<HuntOutcome>;
}

/** Per engine: the cloud whose rules it runs, their compiler, and the run with its options (config defaults filled in). */
function engineSettings(engine: HuntEngine, options: Options, model: GuardrailsModel): EngineSettings {
  switch (engine) {
    case 'athena': {
      const hunting = model.aws?.hunting;
      const workgroup = value(options, 'workgroup') ?? hunting?.workgroupName;
      if (!workgroup) throw new UsageError('--engine athena needs --workgroup (or aws.hunting in the config, whose workgroupName is the default)', 'hunt');
      const accounts = list(options, 'accounts') ?? [];
      // The table's account key is injected: Athena refuses a query that does not name its values.
      if (accounts.length === 0)
        throw new UsageError('--engine athena needs --accounts (comma-separated account ids): the table reads only the accounts a query names', 'hunt');
      for (const a of accounts) if (!/^\d{12}$/.test(a)) throw new UsageError(`--accounts: ${a} is not a 12-digit AWS account id`, 'hunt');
      const regions = list(options, 'regions');
      for (const r of regions ?? [])
        if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)) throw new UsageError(`--regions: ${r} is not an AWS region name (e.g. eu-west-1)`, 'hunt');
      const database = value(options, 'database') ?? hunting?.databaseName ?? DEFAULT_HUNTING_DATABASE;
      const table = value(options, 'table') ?? HUNTING_TABLE_NAME;
      return {
        product: 'aws',
        compile: (r) => compileSqlCondition(r, 'athena'),
        run: async (rules, clients, sink, range, timeoutMs, deps) =>
          huntAthena({ ...(await clients.athena()), ...deps.athena, workgroup, database, table, accounts, regions, range, rules, timeoutMs }, sink),
      };
    }
    case 'bigquery': {
      const project = value(options, 'project') ?? (model.gcp?.hunting ? model.gcp.logProjectId : undefined);
      if (!project)
        throw new UsageError(
          '--engine bigquery needs --project (the project of the linked dataset; default: gcp.logProjectId when gcp.hunting is set)',
          'hunt',
        );
      const dataset = value(options, 'dataset') ?? model.gcp?.hunting?.linkedDatasetId ?? BIGQUERY_DATASET;
      const maxGb = Number(value(options, 'max-gb') ?? BIGQUERY_MAX_GB);
      return {
        product: 'gcp',
        compile: (r) => compileSqlCondition(r, 'bigquery'),
        run: async (rules, clients, sink, range, timeoutMs) =>
          huntBigQuery(
            { client: await clients.bigquery(project), project, dataset, range, rules, timeoutMs, maximumBytesBilled: Math.floor(maxGb * 1024 ** 3) },
            sink,
          ),
      };
    }
    case 'loganalytics': {
      const workspace = value(options, 'workspace');
      if (!workspace) throw new UsageError('--engine loganalytics needs --workspace (the workspace id, a GUID)', 'hunt');
      return {
        product: 'azure',
        compile: (r) => String(compileRule(r, 'kql')),
        run: async (rules, clients, sink, range, timeoutMs) =>
          huntLogAnalytics({ client: await clients.loganalytics(), workspace, range, rules, timeoutMs }, sink),
      };
    }
  }
}
