/**
 * How much of Stratus Red Team (DataDog/stratus-red-team, Apache-2.0) the rule catalog sees: the share of its
 * AWS, Azure, Entra ID and GCP attack techniques (by id, from its generated technique list) for which some
 * catalog rule matches one of the control-plane events the technique's documentation page names. The
 * techniques and their events are in test/fixtures/stratus/techniques.json (copied from the pages, see its
 * SOURCES.md).
 *
 * What it measures: for every documented event, a minimal record in the log shape our rules read is built
 * (a CloudTrail record, an AzureActivity or AuditLogs row, a Cloud Audit LogEntry; an Azure resource-log
 * record for Key Vault and Storage operations, which no rule's log source reads), from outside the example
 * config's trusted networks, by an ordinary identity (an IAM user, a user account), once with Stratus's own
 * user agent (`stratus-red-team_<uuid>`) and once with the vendor CLI's. `detectSource` picks the log source,
 * and the rules of that source (catalog loaded with guardrails.example.yaml) are asked whether they match. A
 * technique is covered when one rule matches one of its events; "with Stratus's agent" counts only the first
 * form, so the rules that key on the CLI's agent (the T1059.009 rules) do not carry it alone.
 *
 * What it does not measure: request parameters and response elements (a rule that needs `logConfig.enable:
 * false` or the bindings added by a SetIamPolicy does not match the minimal event; the report names those
 * rules as near misses), the identity a technique really uses (an EC2 instance role, a managed identity), the
 * order or volume of events (the many-secrets techniques), and real detonation logs: an event the page does
 * not name is not built, and nothing here says the named events are all the technique produces.
 *
 * `npm run bench -- stratus` prints the summary and writes bench/stratus-coverage.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { loadConfigFile } from '../core/config/load.ts';
import { type CatalogRule, loadCatalog } from '../core/detection/catalog.ts';
import { detectSource } from '../core/detection/logsources/detect-source.ts';

export const STRATUS_TECHNIQUES = 'test/fixtures/stratus/techniques.json';
const EXAMPLE_CONFIG = fileURLToPath(new URL('../guardrails.example.yaml', import.meta.url));
const TECHNIQUES_FILE = fileURLToPath(new URL(`../${STRATUS_TECHNIQUES}`, import.meta.url));

export type Platform = 'AWS' | 'Azure' | 'Entra ID' | 'GCP';
export const PLATFORMS: readonly Platform[] = ['AWS', 'Azure', 'Entra ID', 'GCP'];

/** Where on the page the event is named: the description, the detonation steps, the detection advice, the detonation-logs list. */
type DocumentedIn = readonly ('description' | 'detonation' | 'detection' | 'detonation-logs')[];

export interface CloudTrailEvent {
  readonly eventSource: string;
  readonly eventName: string;
  /** The page says the call is denied (errorCode as CloudTrail writes it). */
  readonly errorCode?: string;
  /** Other top-level record fields the page documents for the event (never requestParameters). */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly documentedIn: DocumentedIn;
}

export interface AzureEvent {
  readonly operationName: string;
  /** AzureActivity (Activity Log), AuditLogs (Entra audit) or ResourceLog (a resource's diagnostic log: Key Vault, Storage). */
  readonly log: 'AzureActivity' | 'AuditLogs' | 'ResourceLog';
  readonly category?: string;
  readonly loggedByService?: string;
  readonly documentedIn: DocumentedIn;
}

export interface GcpEvent {
  readonly serviceName: string;
  readonly methodName: string;
  /** The page says the call fails (google.rpc.Status). */
  readonly status?: { readonly code: number; readonly message: string };
  readonly documentedIn: DocumentedIn;
}

export type DocumentedEvent = CloudTrailEvent | AzureEvent | GcpEvent;

export interface StratusTechnique {
  readonly id: string;
  readonly title: string;
  readonly platform: Platform;
  /** The page in DataDog/stratus-red-team, and the commit it was read at. */
  readonly source: string;
  readonly commit: string;
  readonly events: readonly DocumentedEvent[];
  readonly note?: string;
}

export function loadStratusTechniques(file: string = TECHNIQUES_FILE): StratusTechnique[] {
  return JSON.parse(readFileSync(file, 'utf8')) as StratusTechnique[];
}

/** The event's name as the logs spell it: eventName, operationName or methodName. */
export const eventName = (e: DocumentedEvent): string => ('eventName' in e ? e.eventName : 'methodName' in e ? e.methodName : e.operationName);

export function eventLabel(e: DocumentedEvent): string {
  if ('eventName' in e) return `${e.eventSource.replace('.amazonaws.com', '')}:${e.eventName}${e.errorCode ? ` (${e.errorCode})` : ''}`;
  if ('methodName' in e) return `${e.serviceName} ${e.methodName}${e.status ? ` (${e.status.message})` : ''}`;
  return e.log === 'AzureActivity' ? e.operationName : `${e.log === 'AuditLogs' ? 'AuditLogs' : e.category}: ${e.operationName}`;
}

// ---- the records ----------------------------------------------------------------------------------------

/** An address from the benchmarking range (RFC 2544): public-looking, in no example trusted network (checked below). */
export const OUTSIDE_IP = '198.18.7.77';
const STRATUS_AGENT = 'stratus-red-team_5f8c2f0e-7f6d-4b1a-9c3e-2a1b0c9d8e7f';
const TIME = '2026-11-30T12:00:00Z';
const ACCOUNT = '444455556666';
const AZURE_CALLER = 'operator@contoso.example';
const GCP_PRINCIPAL = 'operator@example.com';

/** Which user agent the record carries: Stratus's own, or the vendor CLI's (Azure rows have none). */
export type Agent = 'stratus' | 'cli';

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

function cloudTrailRecord(e: CloudTrailEvent, agent: Agent, n: number): Record<string, unknown> {
  const service = e.eventSource.replace('.amazonaws.com', '');
  const consoleSignIn = e.fields?.['eventType'] === 'AwsConsoleSignIn';
  const cli = consoleSignIn
    ? 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
    : `aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22 prompt/off command/${service}.${kebab(e.eventName)}`;
  const raw = agent === 'stratus' ? STRATUS_AGENT : cli;
  // S3 data events wrap the agent in brackets.
  const userAgent = e.fields?.['eventCategory'] === 'Data' && e.eventSource === 's3.amazonaws.com' ? `[${raw}]` : raw;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLESTRATUS01',
      arn: `arn:aws:iam::${ACCOUNT}:user/stratus-operator`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAEXAMPLESTRATUS01',
      userName: 'stratus-operator',
    },
    eventTime: TIME,
    eventSource: e.eventSource,
    eventName: e.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: OUTSIDE_IP,
    userAgent,
    ...(e.errorCode
      ? { errorCode: e.errorCode, errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/stratus-operator is not authorized to perform this operation` }
      : {}),
    requestParameters: null,
    responseElements: null,
    requestID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventID: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...e.fields,
  };
}

function azureRecord(e: AzureEvent, n: number): Record<string, unknown> {
  const correlation = `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;
  if (e.log === 'AzureActivity') {
    return {
      Type: 'AzureActivity',
      TimeGenerated: TIME,
      OperationNameValue: e.operationName,
      CategoryValue: 'Administrative',
      ActivityStatusValue: 'Success',
      Caller: AZURE_CALLER,
      CallerIpAddress: OUTSIDE_IP,
      CorrelationId: correlation,
      ResourceProviderValue: e.operationName.split('/')[0]!.toUpperCase(),
      SubscriptionId: '00000000-0000-4000-8000-0000000000a1',
      Level: 'Informational',
    };
  }
  if (e.log === 'AuditLogs') {
    return {
      Type: 'AuditLogs',
      TimeGenerated: TIME,
      OperationName: e.operationName,
      ...(e.category ? { Category: e.category } : {}),
      ...(e.loggedByService ? { LoggedByService: e.loggedByService } : {}),
      Result: 'success',
      InitiatedBy: { user: { userPrincipalName: AZURE_CALLER, ipAddress: OUTSIDE_IP } },
      TargetResources: [],
      CorrelationId: correlation,
    };
  }
  // A resource's diagnostic-setting record (Key Vault AuditEvent, Storage StorageRead/Write/Delete).
  return {
    time: TIME,
    resourceId: '/SUBSCRIPTIONS/00000000-0000-4000-8000-0000000000A1/RESOURCEGROUPS/STRATUS/PROVIDERS/EXAMPLE',
    operationName: e.operationName,
    category: e.category,
    resultType: 'Success',
    callerIpAddress: OUTSIDE_IP,
    correlationId: correlation,
    identity: { claim: { upn: AZURE_CALLER } },
    properties: {},
  };
}

const DATA_ACCESS = new Set(['GenerateAccessToken', 'storage.objects.create', 'storage.objects.delete', 'storage.objects.get', 'storage.buckets.update']);

function gcpRecord(e: GcpEvent, agent: Agent, n: number): Record<string, unknown> {
  const userAgent =
    agent === 'stratus'
      ? `${STRATUS_AGENT} grpc-go/1.70.0,gzip(gfe)`
      : `google-cloud-sdk gcloud/470.0.0 command/gcloud.${e.serviceName.split('.')[0]}.example invocation-id/${n} environment/None client-os/LINUX interactive/True from-script/False python/3.11.8 term/xterm-256color (Linux 6.5.0)`;
  // A read that fails with PERMISSION_DENIED may have its principal redacted (the impersonation page's sample).
  const redacted = e.status !== undefined && e.methodName === 'GenerateAccessToken';
  const dataAccess = DATA_ACCESS.has(e.methodName) || /\.(get|list|testIamPermissions|AccessSecretVersion)$/.test(e.methodName);
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      ...(e.status ? { status: e.status } : {}),
      authenticationInfo: redacted ? {} : { principalEmail: GCP_PRINCIPAL },
      requestMetadata: { callerIp: OUTSIDE_IP, callerSuppliedUserAgent: userAgent },
      serviceName: e.serviceName,
      methodName: e.methodName,
      resourceName: 'projects/victim-project',
    },
    insertId: `stratus${n}`,
    resource: { type: 'audited_resource', labels: { project_id: 'victim-project', service: e.serviceName } },
    timestamp: TIME,
    severity: e.status ? 'ERROR' : 'NOTICE',
    logName: `projects/victim-project/logs/cloudaudit.googleapis.com%2F${dataAccess ? 'data_access' : 'activity'}`,
  };
}

/** The records built for one documented event, one per agent. */
export function recordsFor(e: DocumentedEvent, n: number): { agent: Agent; record: Record<string, unknown> }[] {
  if ('eventName' in e) return (['stratus', 'cli'] as const).map((agent) => ({ agent, record: cloudTrailRecord(e, agent, n) }));
  if ('methodName' in e) return (['stratus', 'cli'] as const).map((agent) => ({ agent, record: gcpRecord(e, agent, n) }));
  return [{ agent: 'stratus', record: azureRecord(e, n) }];
}

// ---- the measure ----------------------------------------------------------------------------------------

export interface RuleHit {
  readonly id: string;
  /** The agents whose record the rule matched. */
  readonly agents: readonly Agent[];
}

export interface EventOutcome {
  readonly event: DocumentedEvent;
  /** product/service detectSource gave the record; undefined when no log source of ours has this shape. */
  readonly logSource?: string;
  readonly rules: readonly RuleHit[];
  /** Rules of that log source that name the event (its eventName, methodName or operationName) but did not match it. */
  readonly nearMisses: readonly string[];
}

export interface TechniqueOutcome {
  readonly technique: StratusTechnique;
  readonly events: readonly EventOutcome[];
  readonly covered: boolean;
  /** Covered by a rule matching the record with Stratus's own user agent (Azure rows: always that one). */
  readonly coveredWithStratusAgent: boolean;
}

export interface PlatformShare {
  readonly techniques: number;
  readonly withEvents: number;
  readonly covered: number;
  readonly coveredWithStratusAgent: number;
}

export interface StratusCoverage {
  readonly outcomes: readonly TechniqueOutcome[];
  readonly byPlatform: Readonly<Record<Platform, PlatformShare>>;
  readonly total: PlatformShare;
}

function inTrustedNetwork(ip: string, cidrs: readonly string[]): boolean {
  const address = ipaddr.parse(ip);
  return cidrs.some((cidr) => {
    const range = ipaddr.parseCIDR(cidr);
    return range[0].kind() === address.kind() && address.match(range);
  });
}

/** Every text value of a rule's selections (not its condition), lower-cased, wildcards at either end dropped. */
function detectionTexts(r: CatalogRule): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v.toLowerCase().replace(/^\*+|\*+$/g, ''));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const [key, selection] of Object.entries(r.rule.detection)) if (key !== 'condition') walk(selection);
  return out;
}

/** A rule names the event when one of its values is the event's name, or (an |endswith value, 8 characters or more) ends it. */
const namesEvent = (r: CatalogRule, name: string): boolean =>
  detectionTexts(r).some((t) => t === name || (t.length >= 8 && t.startsWith('.') && name.endsWith(t)));

export function measureStratusCoverage(techniques: readonly StratusTechnique[] = loadStratusTechniques()): StratusCoverage {
  const model = loadConfigFile(EXAMPLE_CONFIG);
  if (inTrustedNetwork(OUTSIDE_IP, model.trusted.cidrs)) throw new Error(`${OUTSIDE_IP} is inside the example config's trusted networks: pick another address`);
  const bySource = new Map<string, CatalogRule[]>();
  for (const r of loadCatalog(model)) {
    const key = `${r.rule.logsource.product}/${r.rule.logsource.service}`;
    bySource.set(key, [...(bySource.get(key) ?? []), r]);
  }
  let n = 0;
  const outcomes = techniques.map((technique): TechniqueOutcome => {
    const events = technique.events.map((event): EventOutcome => {
      const hits = new Map<string, Agent[]>();
      let logSource: string | undefined;
      let candidates: CatalogRule[] = [];
      for (const { agent, record } of recordsFor(event, n++)) {
        const sourced = detectSource(record);
        if (!sourced) continue;
        logSource = `${sourced.product}/${sourced.service}`;
        candidates = bySource.get(logSource) ?? [];
        for (const r of candidates) if (r.matches(sourced.event)) hits.set(r.rule.id, [...(hits.get(r.rule.id) ?? []), agent]);
      }
      const name = eventName(event).toLowerCase();
      const nearMisses = candidates.filter((r) => !hits.has(r.rule.id) && namesEvent(r, name)).map((r) => r.rule.id);
      const rules = [...hits].map(([id, agents]) => ({ id, agents })).sort((a, b) => a.id.localeCompare(b.id));
      return { event, ...(logSource ? { logSource } : {}), rules, nearMisses };
    });
    const covered = events.some((e) => e.rules.length > 0);
    const coveredWithStratusAgent = events.some((e) => e.rules.some((r) => r.agents.includes('stratus')));
    return { technique, events, covered, coveredWithStratusAgent };
  });
  const share = (os: readonly TechniqueOutcome[]): PlatformShare => ({
    techniques: os.length,
    withEvents: os.filter((o) => o.technique.events.length > 0).length,
    covered: os.filter((o) => o.covered).length,
    coveredWithStratusAgent: os.filter((o) => o.coveredWithStratusAgent).length,
  });
  const byPlatform = Object.fromEntries(PLATFORMS.map((p) => [p, share(outcomes.filter((o) => o.technique.platform === p))])) as Record<
    Platform,
    PlatformShare
  >;
  return { outcomes, byPlatform, total: share(outcomes) };
}

// ---- the report -----------------------------------------------------------------------------------------

const percent = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
const cell = (text: string) => text.replace(/\|/g, '\\|');

function rulesCell(o: TechniqueOutcome): string {
  const hits = new Map<string, Set<Agent>>();
  for (const e of o.events) for (const r of e.rules) hits.set(r.id, new Set([...(hits.get(r.id) ?? []), ...r.agents]));
  if (hits.size === 0) return 'none';
  return [...hits]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, agents]) => `\`${id}\`${agents.has('stratus') ? '' : ' (CLI agent only)'}`)
    .join(', ');
}

function eventsCell(o: TechniqueOutcome): string {
  if (o.events.length === 0) return '(the page names none)';
  return o.events.map((e) => `${eventLabel(e.event)}${e.logSource ? '' : ' (log not read)'}`).join('; ');
}

function why(o: TechniqueOutcome): string {
  if (o.events.length === 0) return 'the page names no event';
  if (o.events.every((e) => !e.logSource)) return 'its events are in logs no rule reads';
  const near = [...new Set(o.events.flatMap((e) => e.nearMisses))].sort();
  const unread = o.events.some((e) => !e.logSource) ? '; some of its events are in logs no rule reads' : '';
  const named =
    near.length > 0
      ? `named by ${near.map((id) => `\`${id}\``).join(', ')}, which also test${near.length === 1 ? 's' : ''} what the bare event does not carry (request, policy delta or status)`
      : 'no rule names its events';
  return `${o.covered ? 'only the rules keyed on the CLI agent match; ' : ''}${named}${unread}`;
}

export function benchStratusCoverage(): string[] {
  const started = performance.now();
  const c = measureStratusCoverage();
  const ms = performance.now() - started;
  const row = (name: string, s: PlatformShare) =>
    `| ${name} | ${s.techniques} | ${s.withEvents} | ${s.covered} (${percent(s.covered, s.techniques)}) | ${s.coveredWithStratusAgent} (${percent(s.coveredWithStratusAgent, s.techniques)}) |`;
  const notWithStratusAgent = c.outcomes.filter((o) => !o.coveredWithStratusAgent);
  const lines = [
    '# Stratus Red Team techniques: which ones a rule sees',
    '',
    `Generated by \`npm run bench -- stratus\` (bench/stratus-coverage.ts) from the ${c.total.techniques} AWS, Azure, Entra ID and GCP techniques in`,
    `\`${STRATUS_TECHNIQUES}\` (Stratus Red Team, Apache-2.0; see its SOURCES.md), with the catalog bound to guardrails.example.yaml.`,
    '',
    "A technique is covered when a catalog rule matches a minimal record of one of the control-plane events its documentation page names, made from outside the trusted networks by an ordinary identity, with Stratus's user agent or the vendor CLI's. It says nothing of request parameters (a rule that needs them is listed as a near miss), of the identity, order or volume of real calls, or of the events a real detonation logs beyond those the page names.",
    '',
    "| Platform | Techniques | Pages naming events | Covered | With Stratus's agent |",
    '| --- | --- | --- | --- | --- |',
    ...PLATFORMS.map((p) => row(p, c.byPlatform[p])),
    row('All', c.total),
    '',
    '## Techniques',
    '',
    '| Technique | Platform | Events | Covering rules |',
    '| --- | --- | --- | --- |',
    ...c.outcomes.map((o) => `| \`${o.technique.id}\` | ${o.technique.platform} | ${cell(eventsCell(o))} | ${rulesCell(o)} |`),
    '',
    "## Not covered with Stratus's agent, and why",
    '',
    '| Technique | Covered with the CLI agent | Why |',
    '| --- | --- | --- |',
    ...notWithStratusAgent.map((o) => `| \`${o.technique.id}\` | ${o.covered ? 'yes' : 'no'} | ${cell(why(o))} |`),
    '',
  ];
  writeFileSync('bench/stratus-coverage.md', lines.join('\n'));
  const t = c.total;
  const perPlatform = PLATFORMS.map((p) => `${p} ${c.byPlatform[p].covered}/${c.byPlatform[p].techniques}`).join(', ');
  return [
    `stratus: ${t.covered} of ${t.techniques} Stratus Red Team techniques covered (${percent(t.covered, t.techniques)}; ${perPlatform}), ${t.coveredWithStratusAgent} with Stratus's own user agent (${percent(t.coveredWithStratusAgent, t.techniques)}); ${t.withEvents} pages name events (${ms.toFixed(0)} ms; bench/stratus-coverage.md)`,
  ];
}
