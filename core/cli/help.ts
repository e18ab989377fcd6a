/** The `guardrails` command's help texts: one overview and one page per command. */
import { DETECT_EXIT_CODES } from './detect.ts';
import { HUNT_EXIT_CODES } from '../hunt/outcome.ts';

/** Every command exits 0 or 2 (usage, config or rule error); detect also uses 1 and 3. */
export const EXIT_CODES = `exit codes:\n${DETECT_EXIT_CODES.map((line) => `  ${line}`).join('\n')}`;

const CONFIG_OPTION = '  --config FILE   the guardrails YAML (default: $GUARDRAILS_CONFIG, then ./guardrails.yaml, then the shipped example)';
const RULES_OPTION = `  --rules DIR     your rules instead of the shipped detections/: Sigma rules as SigmaHQ publishes
                  them (nested folders, any file name) or this package's format; a file that
                  does not load is reported on stderr and skipped (plan refuses to deploy then)`;

export const COMMAND_HELP = {
  plan: `usage: guardrails plan [--cloud aws|azure|gcp|all] [--config FILE] [--rules DIR] [--out DIR]

Shows everything the kit would deploy, without deploying anything or calling a cloud:
  DIR/aws/                       the AWS cloud assembly (cdk synth, in-process, cdk-nag on)
  DIR/azure.plan.json            offline plans of the Pulumi programs (Pulumi's mocks engine,
  DIR/gcp.plan.json              not pulumi preview)
  DIR/report.md                  controls, exemptions, rules, gaps, rollout checklist, diagrams
  DIR/attack-navigator-layer.json  ATT&CK Navigator layer (format 4.5) of the rule catalog

options:
  --cloud C       aws, azure, gcp or all (default all: every cloud the config has a section for)
${CONFIG_OPTION}
${RULES_OPTION}
  --out DIR       where to write (default out/)`,
  validate: `usage: guardrails validate [--config FILE] [--rules DIR]

Checks the config file and that every rule compiles for where it is deployed, and writes nothing.
Fast enough for a pre-commit hook. Exit 0 when valid, 2 with one line naming the field and the fix,
1 when some file in --rules did not load (each is listed on stderr).

options:
${CONFIG_OPTION}
${RULES_OPTION}`,
  detect: `usage: guardrails detect <file|dir...> [--config FILE] [--rules DIR] [--cloud aws|azure|gcp] [--format table|ndjson] [--engine auto|js|duckdb] [--workers N] [--fail-on-match]

Runs the rule catalog over log files: CloudTrail files, JSON arrays, NDJSON, gzipped or not, and
directories. Matches go to stdout, the summary and every unreadable file or malformed line to stderr.
Correlations (counts per group over a time window) follow the per-event matches, with the group, the
count and the window; their base rules are not reported alone.

options:
  --cloud C       only rules for this cloud
  --format F      table (default) or ndjson: {"rule","title","level","file","index"} per match,
                  {"correlation","title","level","type","group","count","timespan","first","last",...} per correlation match
  --engine E      js: the streaming evaluator (the reference); duckdb: the catalog as SQL on an
                  embedded DuckDB, every core, same matches, order, summary and exit codes; auto
                  (default): js, measured faster than duckdb at every input size (bench/detect-engines.md)
  --workers N     js: evaluate in N worker threads (1: the main thread alone), same output; default
                  one per core, at most 4, from 64 MB of input on, else 1
  --fail-on-match exit 1 when any rule or correlation matched (for CI)
${CONFIG_OPTION}
${RULES_OPTION}

${EXIT_CODES}`,
  hunt: `usage: guardrails hunt --engine athena|bigquery|loganalytics --since 30d [--until T] [options]

Runs the rule catalog where the organization's logs are, and prints the matches as detect does.
  --engine athena        the AWS rules as Athena SQL over the organization trail's Glue table (aws.hunting):
                         one query per batch of rules (each record read once), scans bounded by the
                         account, region and day partitions
  --engine bigquery      the GCP rules as GoogleSQL over _AllLogs of the log bucket's linked dataset
                         (gcp.hunting), bounded by timestamp, bytes billed capped
  --engine loganalytics  the Azure rules' KQL over a Log Analytics workspace, one query per rule
Rules that cannot compile for the engine are listed on stderr and skipped. Credentials come from each
SDK's default chain (AWS default provider chain, Google Application Default Credentials, Azure
DefaultAzureCredential); the SDKs are optional: install @aws-sdk/client-athena, @google-cloud/bigquery,
or @azure/monitor-query-logs and @azure/identity.

options:
  --since T       start of the window: 30d, 12h, 90m back from now, or 2026-10-01[T12:00:00Z] (required)
  --until T       end of the window, same forms (default now)
  --timeout D     each query's limit, 90s, 10m, 1h (default 10m; Log Analytics allows at most 10m);
                  an Athena query past it is stopped, a BigQuery job cancelled
  --format F      table (default) or ndjson: {"rule","title","level",...the record's id fields} per match
  --fail-on-match exit 1 when any rule matched (for CI)
athena:
  --workgroup W   Athena workgroup (default: aws.hunting.workgroupName)
  --accounts A,B  account ids to read (required: the table's account partition is injected)
  --regions R,S   regions to read (default every region the table projects)
  --database D    Glue database (default: aws.hunting.databaseName, guardrails_hunting)
  --table T       table (default cloudtrail)
bigquery:
  --project P     project of the linked dataset (default: gcp.logProjectId when gcp.hunting is set)
  --dataset D     linked dataset (default: gcp.hunting.linkedDatasetId, guardrails_audit)
  --max-gb N      maximumBytesBilled per query, in GiB (default 1024): a query over it fails unbilled
loganalytics:
  --workspace ID  Log Analytics workspace id
${CONFIG_OPTION}
${RULES_OPTION}

exit codes:
${HUNT_EXIT_CODES.map((line) => `  ${line}`).join('\n')}`,
  rules: `usage: guardrails rules [--config FILE] [--rules DIR] [--cloud aws|azure|gcp] [--target cloudwatch|eventbridge|kql|gcp|duckdb|athena|bigquery] [--format text|json]

Prints every rule, then every correlation, compiled for each target (or why a target cannot express it),
ready to paste into a console. Exit 1 if a rule fails to compile for a target it is deployed to.

options:
  --cloud C       only rules for this cloud
  --target T      only this target; duckdb, athena and bigquery print each rule as a SQL SELECT for hunting
                  (DuckDB: table events(event JSON), every cloud; Athena: the CloudTrail table of the Athena
                  user guide; BigQuery: the _AllLogs view of a Log Analytics linked dataset). They are not
                  deployment targets, so they are printed only when asked for
  --format F      text (default) or json: one object per rule file,
                  {"file","id","title","loaded","correlation"?,"error"?,"targets":{"<target>":{"ok","query"?,"error"?}}}
${CONFIG_OPTION}
${RULES_OPTION}`,
} as const;

export type Command = keyof typeof COMMAND_HELP;
export const COMMANDS = Object.keys(COMMAND_HELP) as Command[];

export function overview(version: string): string {
  return `guardrails ${version}: guardrails against MITRE ATT&CK T1059.009 (Cloud API) for AWS, Azure and GCP

usage: guardrails <command> [options]
       guardrails <command> --help
       guardrails --version

commands:
  plan       everything the kit would deploy on each cloud, a report and an ATT&CK layer (writes out/)
  validate   check the config and the rules; writes nothing
  detect     run the rule catalog over log files (backtest, or a CI gate with --fail-on-match)
  hunt       run the rule catalog on Athena, BigQuery or Log Analytics (organization scale)
  rules      print the compiled queries per target

${EXIT_CODES}`;
}
