/**
 * `report.md`, written by `guardrails plan` for a security lead: per cloud, each preventive control with
 * its mode and who is exempt, every detection rule with its target and severity, what is not covered and
 * why, a rollout checklist, a Mermaid diagram of each alarm pipeline, and how the kit covers T1059.009
 * against ATT&CK's mitigations and data source. It is rendered from the plans themselves (SCPs, Pulumi
 * resources), not from a description of them, so what it says is what would be deployed.
 */
import { techniqueCoverageTable, type CoverageCorrelation } from './technique-coverage.ts';
import { CLOUD_API, CLOUD_API_DATA_SOURCE, CLOUD_API_MITIGATIONS, TECHNIQUES, techniqueOfTag } from '../attack/techniques.ts';
import type { AlarmPlan } from '../aws/alarm-plan.ts';
import type { PerimeterPlan } from '../aws/perimeter-plan.ts';
import { protectionSummary } from '../aws/protection-summary.ts';
import { networkExemptArns } from '../aws/scp-exemptions.ts';
import type { GuardrailsModel } from '../config/model.ts';
import type { ControlName } from '../config/schema.ts';
import type { Rule } from '../detection/rule.ts';

export interface PlannedResourceView {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

export interface AwsPlanFacts {
  readonly perimeter: PerimeterPlan;
  readonly alarms: AlarmPlan;
  /** Cloud assembly directory, relative to the report. */
  readonly assemblyDir: string;
  readonly stacks: readonly { readonly name: string; readonly resources: number }[];
}

export interface PulumiPlanFacts {
  /** Plan file, relative to the report. */
  readonly file: string;
  readonly resources: readonly PlannedResourceView[];
  readonly notes: readonly string[];
}

export interface PlanFacts {
  readonly version: string;
  readonly configFile: string;
  readonly model: GuardrailsModel;
  readonly rules: readonly Rule[];
  /** The catalog's correlations (threshold rules over base rules); none when the caller has none. */
  readonly correlations?: readonly CoverageCorrelation[];
  readonly aws?: AwsPlanFacts;
  readonly azure?: PulumiPlanFacts;
  readonly gcp?: PulumiPlanFacts;
}

/** The preventive controls of the plan, one phrase each, for the ATT&CK layer's T1059.009 comment. */
export function preventiveControlNames(facts: PlanFacts): string[] {
  return [
    ...(facts.aws ? ['AWS network-perimeter SCP', `AWS CloudShell SCP (${facts.model.aws?.cloudShell})`] : []),
    ...(facts.azure ? conditionalAccess(facts.azure).map((p) => `Azure CA "${p.name}"`) : []),
    ...(facts.gcp ? ['GCP access level bound to the admin group', 'GCP VPC Service Controls perimeter', 'GCP IAM deny policy'] : []),
  ];
}

export function renderPlanReport(facts: PlanFacts): string {
  const clouds = [facts.aws && 'AWS', facts.azure && 'Azure', facts.gcp && 'GCP'].filter(Boolean).join(', ');
  const out: string[] = [
    '# Guardrails plan',
    '',
    `Config \`${facts.configFile}\`, default mode **${facts.model.mode}**, cloud-api-guardrails ${facts.version}. Planned: ${clouds || 'nothing'}.`,
    "Nothing was deployed and no cloud was called: the AWS part is a synthesized cloud assembly, the Azure and GCP parts are offline plans from Pulumi's mocks engine (not `pulumi preview`).",
    '',
  ];
  if (facts.aws) out.push(...awsSection(facts, facts.aws));
  if (facts.azure) out.push(...azureSection(facts, facts.azure));
  if (facts.gcp) out.push(...gcpSection(facts, facts.gcp));
  out.push(...rolloutChecklist(facts), ...coverage(facts), ...techniqueCoverageSection(facts), ...ruleIndex(facts));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------- AWS

const CONTROL_TITLES: Record<ControlName, string> = {
  networkPerimeter: 'Network perimeter: deny API calls from outside the trusted networks and VPCs',
  cloudShell: 'CloudShell restriction',
  logProtection: 'Tamper protection of the trail, its storage and the kit',
};

function awsSection(facts: PlanFacts, aws: AwsPlanFacts): string[] {
  const model = facts.model.aws!;
  const breakGlass = model.breakGlassRoleArns.map(code).join(', ');
  const exemptions: Record<ControlName, string> = {
    networkPerimeter: `${networkExemptArns(model).map(code).join(', ')}; principals tagged \`${model.perimeterExemptionTag}=true\`; calls an AWS service makes for the caller (\`aws:ViaAWSService\`); VPC data-plane actions (\`NotAction\`: EFS client, RDS and Neptune IAM auth, DAX, MSK, VPC OpenSearch, S3 on Outposts); Lambda and Glue log delivery from their own networks`,
    cloudShell: `break-glass ${breakGlass}`,
    logProtection: `break-glass ${breakGlass}; for the kit's tagged resources also the StackSet execution role that deploys them`,
  };
  const controlRows = (['networkPerimeter', 'cloudShell', 'logProtection'] as const).map((control) => {
    const policies = aws.perimeter.policies.filter((p) => p.controls.includes(control));
    const mode = model.modes[control];
    const where =
      policies.length === 0
        ? 'not generated'
        : mode === 'enforce'
          ? `attached to ${aws.perimeter.targets.map(code).join(', ')}`
          : 'created, attached to nothing';
    const detail = control === 'cloudShell' ? `${CONTROL_TITLES[control]} (\`${model.cloudShell}\`)` : CONTROL_TITLES[control];
    return `| ${detail} | ${mode} | ${policies.map((p) => code(p.name)).join(', ') || '-'} | ${where} | ${exemptions[control]} |`;
  });
  // Correlations deployed to CloudWatch are a metric filter and an alarm each too (alarm-plan.ts).
  const correlationFilters = aws.alarms.metricCorrelations?.length ?? 0;
  const generated = aws.alarms.realtime.filter((r) => !facts.rules.some((rule) => rule.id === r.ruleId));
  const awsRules = facts.rules.filter((r) => r.logsource.product === 'aws');
  return [
    '## AWS',
    '',
    `Cloud assembly: \`${aws.assemblyDir}/\` next to this report (${aws.stacks.map((s) => `${s.name}: ${s.resources} resources`).join('; ')}), cdk-nag AwsSolutions and NIST 800-53 R5 clean. With the plan in \`out/\`, \`npx cdk deploy --app out/${aws.assemblyDir}\` deploys it.`,
    '',
    '### Preventive controls (SCPs)',
    '',
    '| Control | Mode | SCP | Attachment | Exempt |',
    '| --- | --- | --- | --- | --- |',
    ...controlRows,
    '',
    '### Audit trail',
    '',
    `Organization trail \`${model.trail.name}\` in the management account (${model.accounts.management}): every account and region, log file validation${model.trail.insights ? ', CloudTrail Insights' : ''}, CloudWatch Logs ${model.trail.logGroupRetentionDays} days. Log files go to ${model.layout === 'sra' ? `the log-archive account (${model.accounts.logArchive})` : 'the management account itself (no log-archive account configured)'}: S3 with Object Lock ${model.trail.objectLockMode} ${model.trail.objectLockDays} days and a KMS key with rotation. The alarm pipeline is in ${model.layout === 'sra' ? `the security account (${model.accounts.security})` : 'the management account'}.`,
    '',
    '### What protects each resource',
    '',
    '| Resource | Account | Protected by |',
    '| --- | --- | --- |',
    ...protectionSummary(model).map((p) => `| ${p.resource} | ${p.account} | ${p.protections.map(cell).join('<br/>')} |`),
    '',
    '### Detection',
    '',
    `${aws.alarms.metric.length + correlationFilters} CloudWatch metric filters with alarms${correlationFilters ? ` (${correlationFilters} of them correlations, judged per group by a Metrics Insights alarm)` : ''} and ${aws.alarms.realtime.length} EventBridge rules (central bus, management account, and every member account in ${model.eventRegions.join(', ')}), all to the SNS topic.`,
    '',
    ...ruleTable(awsRules),
    ...(generated.length > 0
      ? [
          '',
          'Generated from the config (EventBridge):',
          '',
          '| Rule | Severity | What it watches |',
          '| --- | --- | --- |',
          ...generated.map((r) => `| ${code(r.id)} | ${r.level} | ${cell(r.title)} |`),
        ]
      : []),
    '',
    '### Not covered',
    '',
    '- SCPs never apply to the management account: there it is IAM, MFA and the alarms that protect it. Keep workloads out of it.',
    ...aws.perimeter.notes.map((n) => `- ${n.control}: ${n.note}.`),
    ...aws.alarms.notes.map((n) => `- ${n}`),
    ...notDeployed(awsRules),
    '',
    '### Alarm pipeline',
    '',
    '```mermaid',
    'flowchart LR',
    `  subgraph members["Member accounts, ${model.eventRegions.join(', ')} (StackSet)"]`,
    '    mcall["API call"] --> mfwd["Forwarding rules on the default bus<br/>(read-only calls included)"]',
    '  end',
    `  subgraph management["Management account, ${model.homeRegion}"]`,
    `    trail["Organization trail ${model.trail.name}"] --> logs["CloudWatch Logs group"]`,
    `    logs --> filters["${aws.alarms.metric.length + correlationFilters} metric filters + alarms"]`,
    `    bus["Central event bus"] --> realtime["${aws.alarms.realtime.length} real-time rules"]`,
    '    filters --> topic["SNS topic (KMS)"]',
    '    realtime --> topic',
    '  end',
    '  mfwd --> bus',
    `  topic --> people["${notificationTargets(facts.model)}"]`,
    '```',
    '',
  ];
}

// -------------------------------------------------------------------------------------------- Azure

interface CaPolicy {
  readonly name: string;
  readonly state: string;
  readonly excludedUsers: readonly string[];
  readonly excludedGroups: readonly string[];
}

function conditionalAccess(plan: PulumiPlanFacts): CaPolicy[] {
  return plan.resources
    .filter((r) => r.type === 'azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy')
    .map((r) => {
      const users = ((r.inputs['conditions'] as Record<string, unknown> | undefined)?.['users'] ?? {}) as Record<string, string[] | undefined>;
      return {
        name: String(r.inputs['displayName']),
        state: String(r.inputs['state']),
        excludedUsers: users['excludedUsers'] ?? [],
        excludedGroups: users['excludedGroups'] ?? [],
      };
    });
}

const CA_STATES: Record<string, string> = { enabled: 'enforce', enabledForReportingButNotEnforced: 'report (report-only)', disabled: 'off' };

function azureSection(facts: PlanFacts, plan: PulumiPlanFacts): string[] {
  const az = facts.model.azure!;
  const policies = conditionalAccess(plan);
  const rules = facts.rules.filter((r) => r.logsource.product === 'azure');
  const deployed = rules.filter((r) => r.targets.includes('kql'));
  const entra = plan.resources.some((r) => r.type === 'azure-native:aadiam:DiagnosticSetting');
  return [
    '## Azure',
    '',
    `Offline plan: \`${plan.file}\` (${plan.resources.length} resources). Deploy with \`pulumi up\` (needs the Pulumi CLI) on a stack with \`guardrails:cloud: azure\`.`,
    '',
    '### Preventive controls (Conditional Access)',
    '',
    '| Policy | Mode | Exempt |',
    '| --- | --- | --- |',
    ...policies.map(
      (p) =>
        `| ${cell(p.name)} | ${CA_STATES[p.state] ?? p.state} | ${[...p.excludedUsers.map((u) => `user ${code(u)}`), ...p.excludedGroups.map((g) => `group ${code(g)}`)].join(', ') || '**nobody**'} |`,
    ),
    '',
    '### Audit logging',
    '',
    `Activity Log of ${az.activityLogDeployment === 'policy' ? `every subscription under management group \`${az.managementGroupId}\` (DeployIfNotExists policy)` : `${az.subscriptionIds.length} subscription(s)`} to a Log Analytics workspace (${az.logRetentionDays} days) and immutable storage (${az.immutableDays} days). Entra logs: ${entra ? 'in this plan (needs a Global or Security Administrator user to apply)' : '**not in this plan** (`azure.entraDiagnostics: false`)'}.`,
    '',
    ...detectionAndGaps({
      summary: `${deployed.length} scheduled query rules on the workspace and Activity Log alerts for tampering, to an action group (${notificationTargets(facts.model)}).`,
      rules,
      notes: plan.notes,
      diagram: [
        '  activity["Activity Log (diagnostic settings)"] --> workspace["Log Analytics workspace"]',
        '  entra["Entra sign-in, audit and Graph logs"] --> workspace',
        '  activity --> storage["Immutable storage"]',
        `  workspace --> queries["${deployed.length} scheduled query rules"]`,
        '  activity --> activityAlerts["Activity Log alerts (tampering)"]',
        '  queries --> actionGroup["Action group"]',
        '  activityAlerts --> actionGroup',
        `  actionGroup --> people["${notificationTargets(facts.model)}"]`,
      ],
    }),
  ];
}

// ---------------------------------------------------------------------------------------------- GCP

function gcpSection(facts: PlanFacts, plan: PulumiPlanFacts): string[] {
  const gcp = facts.model.gcp!;
  const find = (type: string) => plan.resources.filter((r) => r.type === type);
  const bindings = find('gcp:accesscontextmanager/gcpUserAccessBinding:GcpUserAccessBinding');
  const binding = bindings.find((b) => b.inputs['groupKey'] !== undefined);
  const automation = bindings.filter((b) => b.inputs['principal'] !== undefined);
  const perimeter = find('gcp:accesscontextmanager/servicePerimeter:ServicePerimeter')[0];
  const deny = find('gcp:iam/denyPolicy:DenyPolicy')[0];
  const denyRule = ((deny?.inputs['rules'] as { denyRule?: { exceptionPrincipals?: string[] } }[] | undefined) ?? [])[0]?.denyRule;
  const exempt = (denyRule?.exceptionPrincipals ?? []).map(code).join(', ') || '**nobody**';
  const rules = facts.rules.filter((r) => r.logsource.product === 'gcp');
  const deployed = rules.filter((r) => r.targets.includes('gcp'));
  const rows = [
    binding &&
      `| Access level bound to admin group \`${gcp.adminGroup.email}\`: Google Cloud console and APIs only from trusted ranges | ${binding.inputs['accessLevels'] ? 'enforce' : 'report (dry-run level)'} | members outside the group (keep break-glass accounts out of it) |`,
    automation.length > 0 &&
      `| IP-only access level bound to ${automation.length} automation service account(s) or project(s): a stolen key works only from trusted or CI ranges | ${automation.every((b) => b.inputs['accessLevels']) ? 'enforce' : 'report (dry-run level)'} | - |`,
    perimeter &&
      `| VPC Service Controls perimeter around ${gcp.vpcScProjects.length} project(s) | ${perimeter.inputs['useExplicitDryRunSpec'] && !perimeter.inputs['status'] ? 'report (dry-run)' : 'enforce'} | the log sinks' writer identities (ingress rule); callers in the trusted access level |`,
    deny &&
      `| IAM deny policy on tampering with log sinks, buckets and exclusions, access controls, organization policies and alerting | enforce (a deny policy has no dry run) | ${exempt} |`,
  ].filter((r): r is string => typeof r === 'string');
  return [
    '## GCP',
    '',
    `Offline plan: \`${plan.file}\` (${plan.resources.length} resources). Deploy with \`pulumi up\` (needs the Pulumi CLI) on a stack with \`guardrails:cloud: gcp\`.`,
    '',
    '### Preventive controls',
    '',
    '| Control | Mode | Exempt |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '### Audit logging',
    '',
    `Organization audit config (Admin Read for all services${gcp.dataAccessServices.length > 0 ? `; Data Access for ${gcp.dataAccessServices.map(code).join(', ')}` : ''}), no audit-logging exemptions, org sinks into \`${gcp.logProjectId}\` with ${gcp.retentionDays} days retention${gcp.lockLogBucket ? ' in a **locked** bucket' : ' (bucket not locked)'}.`,
    '',
    ...detectionAndGaps({
      summary: `${deployed.length} log-match alert policies in \`${gcp.logProjectId}\`, to ${notificationTargets(facts.model)}.`,
      rules,
      notes: plan.notes,
      diagram: [
        '  org["Organization audit logs"] --> sinkBucket["Org sink to retention bucket"]',
        `  org --> sinkProject["Org sink into ${gcp.logProjectId}"]`,
        `  sinkProject --> alerts["${deployed.length} log-match alert policies"]`,
        '  alerts --> channels["Notification channels"]',
        `  channels --> people["${notificationTargets(facts.model)}"]`,
      ],
    }),
  ];
}

// ----------------------------------------------------------------------------------- Cross-cloud parts

function rolloutChecklist(facts: PlanFacts): string[] {
  const m = facts.model;
  const tick = (done: boolean) => (done ? '[x]' : '[ ]');
  const notified = m.notifications.emails.length + m.notifications.webhooks.length > 0;
  const realRanges = m.trusted.cidrs.length > 0 && !m.warnings.some((w) => w.path === 'trustedNetworks.cidrs' && /documentation range/.test(w.message));
  const enforced = m.mode === 'enforce' || Object.values(m.aws?.modes ?? {}).includes('enforce');
  return [
    '## Rollout checklist: from report to enforce',
    '',
    `- ${tick(realRanges)} Trusted networks are your real egress ranges, not documentation ranges.`,
    `- ${tick(notified)} Someone receives the alerts (${notificationTargets(m)}); send a test alert to each target.`,
    ...(m.aws ? [`- ${tick(m.aws.breakGlassRoleArns.length > 0)} AWS break-glass roles exist in each account, with MFA, and a test sign-in works.`] : []),
    ...(m.azure
      ? [
          `- ${tick(m.azure.breakGlassUserIds.length + m.azure.breakGlassGroupIds.length > 0)} Azure emergency-access accounts are excluded and were signed in with once.`,
        ]
      : []),
    ...(m.gcp
      ? [`- ${tick(m.gcp.breakGlassMembers.length > 0)} GCP break-glass identities are outside \`${m.gcp.adminGroup.email}\` and exempt from the deny policy.`]
      : []),
    `- ${tick(false)} Deploy in report mode and run it for at least two weeks: read the AWS shadow alerts (\`aws-perimeter-shadow-network\`), the Conditional Access report-only results and the GCP dry-run violations; add each legitimate caller to \`automation\` or the trusted networks.`,
    `- ${tick(false)} Backtest the catalog on your own logs: \`npx guardrails detect <logs> --fail-on-match\`.`,
    `- ${tick(enforced)} Switch one control at a time to enforce (\`aws.controls.*\`), first on a test OU, then wider.`,
    '',
  ];
}

function coverage(facts: PlanFacts): string[] {
  const tagged = facts.rules.filter((r) => r.tags.some((t) => techniqueOfTag(t) === CLOUD_API));
  const byProduct = (product: string) =>
    tagged
      .filter((r) => r.logsource.product === product)
      .map((r) => code(r.id))
      .join(', ') || '-';
  const m = facts.model;
  const rows: Record<string, string[]> = {
    M1026: [
      facts.aws ? `AWS: network-perimeter SCP (${m.aws!.modes.networkPerimeter})` : '',
      facts.azure
        ? `Azure: Conditional Access blocks management outside trusted locations and needs MFA inside, blocks privileged role holders from every resource (Graph included) outside them${m.azure?.workloadIdentityConditionalAccess ? ', and blocks service principals outside them' : ''} (${m.mode})`
        : '',
      facts.gcp ? `GCP: access levels on the admin group and the automation service accounts, IAM deny policy on tampering (${m.mode})` : '',
    ],
    M1038: [
      facts.aws ? `AWS: CloudShell SCP \`${m.aws!.cloudShell}\` (${m.aws!.modes.cloudShell})` : '',
      facts.azure ? `Azure: device-code flow blocked for every resource (${m.mode})` : '',
      facts.gcp ? 'GCP: Cloud Shell cannot be disabled by IaC (a Workspace admin setting); its gcloud calls fail the access level' : '',
    ],
  };
  const dataSource = [
    facts.aws ? `AWS: organization trail; rules ${byProduct('aws')}` : '',
    facts.azure ? `Azure: Activity Log and Entra logs; rules ${byProduct('azure')}` : '',
    facts.gcp ? `GCP: organization audit logs; rules ${byProduct('gcp')}` : '',
  ];
  const join = (items: string[]) => items.filter(Boolean).join('<br/>') || 'no cloud planned';
  return [
    `## ${CLOUD_API} ${TECHNIQUES[CLOUD_API]}: coverage`,
    '',
    'Against what ATT&CK lists for the technique (https://attack.mitre.org/techniques/T1059/009/).',
    '',
    '| ATT&CK | What it asks | What this plan deploys |',
    '| --- | --- | --- |',
    ...CLOUD_API_MITIGATIONS.map((mit) => `| ${mit.id} ${mit.name} | ${mit.attack} | ${join(rows[mit.id]!)} |`),
    `| ${CLOUD_API_DATA_SOURCE.id} ${CLOUD_API_DATA_SOURCE.name} | ${CLOUD_API_DATA_SOURCE.attack} | ${join(dataSource)} |`,
    '',
  ];
}

/** Every catalog rule, so the report answers "is rule X deployed, and where?" for each one. */
function techniqueCoverageSection(facts: PlanFacts): string[] {
  return ['## Detection coverage by ATT&CK v19 technique', '', ...techniqueCoverageTable(facts.rules, facts.correlations ?? []), ''];
}

function ruleIndex(facts: PlanFacts): string[] {
  return [
    '## Every catalog rule',
    '',
    '| Rule | Cloud | Severity | Deployed to | ATT&CK |',
    '| --- | --- | --- | --- | --- |',
    ...[...facts.rules]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => `| ${code(r.id)} | ${r.logsource.product} | ${r.level} | ${r.targets.join(', ') || 'detect only'} | ${techniques(r)} |`),
    '',
  ];
}

/** A Pulumi cloud's detection table, its gaps and its alarm-pipeline diagram. */
function detectionAndGaps(part: { summary: string; rules: readonly Rule[]; notes: readonly string[]; diagram: readonly string[] }): string[] {
  return [
    '### Detection',
    '',
    part.summary,
    '',
    ...ruleTable(part.rules),
    '',
    '### Not covered',
    '',
    ...part.notes.map((n) => `- ${n}`),
    ...notDeployed(part.rules),
    '',
    '### Alarm pipeline',
    '',
    '```mermaid',
    'flowchart LR',
    ...part.diagram,
    '```',
    '',
  ];
}

function ruleTable(rules: readonly Rule[]): string[] {
  const deployed = rules.filter((r) => r.targets.length > 0);
  if (deployed.length === 0) return ['No catalog rule is deployed here.'];
  return [
    '| Rule | Severity | Target | ATT&CK | Title |',
    '| --- | --- | --- | --- | --- |',
    ...deployed.map((r) => `| ${code(r.id)} | ${r.level} | ${r.targets.join(', ')} | ${techniques(r)} | ${cell(r.title)} |`),
  ];
}

function notDeployed(rules: readonly Rule[]): string[] {
  const idle = rules.filter((r) => r.targets.length === 0);
  return idle.length === 0 ? [] : [`- Rules kept for \`guardrails detect\` only (no deploy target): ${idle.map((r) => code(r.id)).join(', ')}.`];
}

function techniques(rule: Rule): string {
  return rule.tags
    .map(techniqueOfTag)
    .filter((t): t is string => t !== undefined)
    .join(', ');
}

function notificationTargets(model: GuardrailsModel): string {
  const n = model.notifications.emails.length + model.notifications.webhooks.length;
  return n === 0 ? 'no notification target' : `${model.notifications.emails.length} email, ${model.notifications.webhooks.length} webhook`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** Table cells: no pipes or newlines from rule titles. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}
