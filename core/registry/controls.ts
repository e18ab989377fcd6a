/**
 * The controls registry: every preventive or audit control, every alarm pipeline and every log source of
 * the kit, each with the config keys that drive it, the file and exported symbol that implement it, the
 * stack code that composes it, the rules it deploys and the tests that cover it. It is data only;
 * core/registry/docs.ts computes the rules from the catalog and writes CONTROLS.md and the README's layout
 * section from it, and test/core/registry/controls.test.ts holds every entry to the code: files and symbols
 * exist, config keys are in the schema, every construct class is listed, the documents are current.
 *
 * Rules are never listed by hand here: an entry names a catalog selection (product, log source, target),
 * and the rules generated in code from config, and docs.ts resolves both. `watchedBy` is the one
 * hand-kept rule list: the rules that alert when the control is tampered with or shows its effect; the
 * test checks that each exists.
 */
import type { Product, Service, Target } from '../detection/rule.ts';

export type Cloud = Product;
export type EntryKind = 'control' | 'pipeline' | 'logsource';

/** An exported symbol (class, function, const) and the file that exports it, relative to the repository. */
export interface SymbolRef {
  readonly file: string;
  readonly symbol: string;
}

/** Catalog rules (detections/) selected by log source and, for pipelines, by the target they deploy to. */
export interface CatalogSelection {
  readonly product: Product;
  readonly service?: Service;
  readonly target?: Target;
}

/** Rules built in code from the config, named by the function that builds them. */
export interface GeneratedRules {
  readonly from: SymbolRef;
  /** When the function produces them. */
  readonly when: string;
}

export interface RegistryEntry {
  /** Stable id, `<cloud>-<name>`. */
  readonly id: string;
  readonly title: string;
  readonly kind: EntryKind;
  readonly cloud: Cloud;
  /** One or two sentences: what it does. */
  readonly summary: string;
  /** Dotted paths in core/config/schema.ts (the config file's keys) that change what it deploys. */
  readonly configKeys: readonly string[];
  /** Where it is implemented; the first is the main symbol (the construct or component, where there is one). */
  readonly implementation: readonly SymbolRef[];
  /** The stack or program code that creates it from the config. */
  readonly composedIn: readonly SymbolRef[];
  /** The rules it deploys (pipelines) or carries (log sources); resolved by docs.ts. */
  readonly rules?: { readonly catalog?: CatalogSelection; readonly generated?: readonly GeneratedRules[] };
  /** Rule ids (catalog or generated) that alert on tampering with it, or on what it blocks. */
  readonly watchedBy?: readonly string[];
  /** Log sources: the registry ids of the controls that collect it. */
  readonly collectedBy?: readonly string[];
  /** Test files that cover it. */
  readonly tests: readonly string[];
}

const ref = (file: string, symbol: string): SymbolRef => ({ file, symbol });

// Shared symbols --------------------------------------------------------------------------------------

const PERIMETER_POLICIES = ref('constructs/aws/perimeter-policies.ts', 'PerimeterPolicies');
const PLAN_PERIMETER = ref('core/aws/perimeter-plan.ts', 'planPerimeter');
const PACK_STATEMENTS = ref('core/aws/scp-packing.ts', 'packStatements');
const PLAN_ALARMS = ref('core/aws/alarm-plan.ts', 'planAlarms');
const RULE_DELIVERY = ref('constructs/aws/dead-letter-queue.ts', 'RuleDelivery');
const ADD_MANAGEMENT = ref('stacks/aws/parts.ts', 'addManagementGuardrails');
const ADD_EVIDENCE = ref('stacks/aws/parts.ts', 'addEvidenceStore');
const ADD_ALARM_PIPELINE = ref('stacks/aws/parts.ts', 'addAlarmPipeline');
const ADD_MANAGEMENT_FORWARDING = ref('stacks/aws/parts.ts', 'addManagementForwarding');
const AZURE_PROGRAM = ref('stacks/azure/program.ts', 'azureProgram');
const GCP_PROGRAM = ref('stacks/gcp/program.ts', 'gcpProgram');
const AZURE_AUDIT_LOGGING = ref('constructs/azure/audit-logging.ts', 'AzureAuditLogging');
const CONDITIONAL_ACCESS = ref('constructs/azure/conditional-access.ts', 'ConditionalAccess');
const GCP_AUDIT_LOGGING = ref('constructs/gcp/audit-logging.ts', 'GcpAuditLogging');
const GCP_ACCESS = ref('constructs/gcp/context-aware-access.ts', 'GcpContextAwareAccess');
const DETECT_SOURCE = ref('core/detection/logsources/detect-source.ts', 'detectSource');
const KQL_TABLE_FOR = ref('core/detection/logsources/kql-table-for.ts', 'kqlTableFor');
const NORMALIZE_DIAGNOSTIC = ref('core/detection/logsources/azure-diagnostic.ts', 'normalizeDiagnostic');

const SELF_PROTECTION_RULES: GeneratedRules = {
  from: ref('core/aws/self-protection-rules.ts', 'selfProtectionRules'),
  when: 'always, from the resource names in the config',
};
const SHADOW_RULES: GeneratedRules = {
  from: ref('core/aws/shadow-rules.ts', 'perimeterShadowRules'),
  when: 'while the network perimeter is in report mode',
};

const T = {
  awsStack: 'test/stacks/aws/guardrails-stack.test.ts',
  awsSimulation: 'test/stacks/aws/organization-simulation.test.ts',
  awsAlarmPipeline: 'test/stacks/aws/alarm-pipeline.test.ts',
  awsAlarmDelivery: 'test/constructs/aws/alarm-delivery.test.ts',
  alarmPlan: 'test/core/aws/alarm-plan.test.ts',
  scpPlan: 'test/core/aws/scp-plan.test.ts',
  scpSimulation: 'test/core/aws/scp-simulation.test.ts',
  shadowRules: 'test/core/aws/shadow-rules.test.ts',
  selfProtection: 'test/core/aws/self-protection-rules.test.ts',
  awsTamperRules: 'test/core/aws/tamper-rules.test.ts',
  azureProgram: 'test/stacks/azure/program.test.ts',
  azureConfig: 'test/stacks/azure/config.test.ts',
  azureTamperRules: 'test/core/detection/azure-tamper-rules.test.ts',
  gcpProgram: 'test/stacks/gcp/program.test.ts',
  gcpTamperRules: 'test/core/detection/gcp-tamper-rules.test.ts',
  conformance: 'test/core/detection/conformance.test.ts',
  corpusLabels: 'test/core/detection/corpus-labels.test.ts',
  detect: 'test/core/cli/detect.test.ts',
  cloudwatchEvaluator: 'test/core/detection/targets/cloudwatch-pattern-evaluator.test.ts',
  eventbridgeEvaluator: 'test/core/detection/targets/eventbridge-pattern-evaluator.test.ts',
  kqlCheck: 'test/core/detection/targets/kql-check.test.ts',
  kqlTables: 'test/core/detection/targets/kql-tables.test.ts',
  gcpEvaluator: 'test/core/detection/targets/gcp-query-evaluator.test.ts',
} as const;

const SCP_MODE_KEYS = ['mode', 'aws.targets', 'breakGlass.aws.roleArns'];
const SCP_WATCHERS = ['aws-organizations-scp-change', 'aws-cis-organizations-changes', 'guardrails-scp-changed'];

// AWS ------------------------------------------------------------------------------------------------

const AWS: readonly RegistryEntry[] = [
  {
    id: 'aws-organization-trail',
    title: 'Organization trail',
    kind: 'control',
    cloud: 'aws',
    summary:
      'CloudTrail for every account and region of the organization, with global events, log file validation and Insights, delivering to the evidence store and to a KMS-encrypted CloudWatch Logs group in the management account.',
    configKeys: [
      'aws.organizationId',
      'aws.managementAccountId',
      'aws.homeRegion',
      'aws.trail.name',
      'aws.trail.logGroupRetentionDays',
      'aws.trail.insights',
      'aws.protectionTag',
    ],
    implementation: [ref('constructs/aws/organization-trail.ts', 'OrganizationTrail'), ref('core/aws/trail-names.ts', 'trailResourceNames')],
    composedIn: [ADD_MANAGEMENT],
    watchedBy: ['aws-cloudtrail-tampering', 'aws-cis-cloudtrail-config-changes', 'aws-org-trail-trusted-access-removed', 'guardrails-trail-changed'],
    tests: ['test/constructs/aws/organization-trail.test.ts', T.awsStack, T.awsSimulation],
  },
  {
    id: 'aws-evidence-store',
    title: 'Trail evidence store',
    kind: 'control',
    cloud: 'aws',
    summary:
      "The trail's KMS key and its Object-Locked, versioned, TLS-only S3 bucket with server access logs and archive tiers, in the log-archive account (the management account in the single-account layout); RETAINed.",
    configKeys: [
      'aws.logArchiveAccountId',
      'aws.organizationId',
      'aws.trail.objectLockDays',
      'aws.trail.objectLockMode',
      'aws.trail.archiveAfterDays',
      'aws.trail.deepArchiveAfterDays',
      'aws.trail.expireAfterDays',
      'breakGlass.aws.roleArns',
      'aws.protectionTag',
    ],
    implementation: [ref('constructs/aws/trail-evidence-store.ts', 'TrailEvidenceStore'), ref('core/aws/protection-summary.ts', 'protectionSummary')],
    composedIn: [ADD_EVIDENCE],
    watchedBy: ['aws-cis-s3-bucket-policy-changes', 'aws-cis-cmk-disabled-or-deleted'],
    tests: ['test/constructs/aws/trail-evidence-store.test.ts', T.awsStack, T.awsSimulation],
  },
  {
    id: 'aws-hunting',
    title: 'Organization-scale hunting store (Athena)',
    kind: 'control',
    cloud: 'aws',
    summary:
      "Optional (aws.hunting): a Glue database and a CloudTrail table with partition projection over the organization trail's bucket, an Athena workgroup with enforced, KMS-encrypted results in a lifecycle-limited bucket and a bytes-scanned cutoff, for `guardrails hunt --engine athena`; protected by the tamper-protection SCP.",
    configKeys: [
      'aws.hunting.enabled',
      'aws.hunting.databaseName',
      'aws.hunting.workgroupName',
      'aws.hunting.resultsRetentionDays',
      'aws.hunting.bytesScannedCutoffGb',
      'aws.hunting.lookbackDays',
    ],
    implementation: [ref('constructs/aws/cloudtrail-hunting.ts', 'CloudTrailHunting'), ref('core/aws/hunting-names.ts', 'huntingResourceNames')],
    composedIn: [ref('stacks/aws/guardrails-stack.ts', 'LogArchiveStack'), ref('stacks/aws/guardrails-stack.ts', 'AwsGuardrailsStack')],
    tests: ['test/stacks/aws/hunting.test.ts', 'test/core/aws/hunting-protection.test.ts'],
  },
  {
    id: 'aws-scp-network-perimeter',
    title: 'Network perimeter SCP',
    kind: 'control',
    cloud: 'aws',
    summary:
      "Denies API calls from outside the trusted CIDRs, VPCs and VPC endpoints (each VPC only in its region), except VPC data-plane actions, calls AWS services make for you, the Lambda and Glue log delivery, break-glass, automation, the kit's roles and tagged principals. In report mode a shadow EventBridge rule alerts on what it would deny.",
    configKeys: [
      ...SCP_MODE_KEYS,
      'aws.controls.networkPerimeter',
      'trustedNetworks.cidrs',
      'trustedNetworks.aws.vpcIds',
      'trustedNetworks.aws.vpcEndpointIds',
      'automation.aws.roleArns',
      'aws.perimeterExemptionTag',
      'aws.perimeterIncludeTag',
      'aws.scpSizeBudget',
    ],
    implementation: [
      ref('core/aws/network-perimeter-statements.ts', 'networkPerimeterStatements'),
      PERIMETER_POLICIES,
      PLAN_PERIMETER,
      PACK_STATEMENTS,
      ref('core/aws/scp-exemptions.ts', 'networkExemptArns'),
    ],
    composedIn: [ADD_MANAGEMENT],
    rules: { generated: [SHADOW_RULES] },
    watchedBy: [...SCP_WATCHERS, 'aws-cli-outside-trusted-networks'],
    tests: ['test/constructs/aws/perimeter-policies.test.ts', T.scpPlan, T.scpSimulation, T.shadowRules, T.awsStack, T.awsSimulation],
  },
  {
    id: 'aws-scp-cloudshell',
    title: 'CloudShell SCP',
    kind: 'control',
    cloud: 'aws',
    summary:
      'aws.cloudShell block denies cloudshell:*; vpcOnly denies creating environments outside a VPC or in an untrusted VPC; allow leaves CloudShell to the network perimeter.',
    configKeys: [...SCP_MODE_KEYS, 'aws.controls.cloudShell', 'aws.cloudShell', 'trustedNetworks.aws.vpcIds'],
    implementation: [ref('core/aws/cloudshell-statements.ts', 'cloudShellStatements'), PERIMETER_POLICIES, PLAN_PERIMETER],
    composedIn: [ADD_MANAGEMENT],
    watchedBy: [...SCP_WATCHERS, 'aws-cli-in-cloudshell', 'aws-cloudshell-environment-activity'],
    tests: ['test/constructs/aws/perimeter-policies.test.ts', T.scpPlan, T.scpSimulation],
  },
  {
    id: 'aws-scp-log-protection',
    title: 'Log and guardrail protection SCP',
    kind: 'control',
    cloud: 'aws',
    summary:
      "Denies stopping, deleting or blinding the trail, its buckets and log group and anything tagged with the protection tag, and leaving the organization or disabling SCPs; with aws.hunting, also rewriting or deleting the hunting Glue database and table (by ARN), the Athena workgroup (by tag) and the results bucket's configuration (by name); only break-glass (and the StackSet execution role, for what it deploys) is exempt.",
    configKeys: [...SCP_MODE_KEYS, 'aws.controls.logProtection', 'aws.protectionTag', 'aws.trail.name', 'aws.hunting'],
    implementation: [
      ref('core/aws/log-protection-statements.ts', 'logProtectionStatements'),
      ref('core/aws/hunting-protection-statements.ts', 'huntingCatalogStatements'),
      PERIMETER_POLICIES,
      PLAN_PERIMETER,
      ref('core/aws/scp-exemptions.ts', 'guardianArns'),
    ],
    composedIn: [ADD_MANAGEMENT],
    watchedBy: SCP_WATCHERS,
    tests: ['test/constructs/aws/perimeter-policies.test.ts', T.scpPlan, T.scpSimulation, T.awsSimulation, 'test/core/aws/hunting-protection.test.ts'],
  },
  {
    id: 'aws-scp-role-protection',
    title: 'Exempted-role protection SCP (part of logProtection)',
    kind: 'control',
    cloud: 'aws',
    summary:
      "Only break-glass may create, re-trust, re-permission, tag or delete roles matching the break-glass or automation patterns or the kit's own roles, so no one can name a role into an exemption.",
    configKeys: [...SCP_MODE_KEYS, 'aws.controls.logProtection', 'automation.aws.roleArns'],
    implementation: [
      ref('core/aws/role-protection-statements.ts', 'roleProtectionStatements'),
      ref('core/aws/scp-exemptions.ts', 'kitRoleArns'),
      PERIMETER_POLICIES,
    ],
    composedIn: [ADD_MANAGEMENT],
    watchedBy: SCP_WATCHERS,
    tests: ['test/constructs/aws/perimeter-policies.test.ts', T.scpPlan, T.scpSimulation, T.awsSimulation],
  },
  {
    id: 'aws-scp-tag-protection',
    title: 'Protected-tag SCP (part of logProtection)',
    kind: 'control',
    cloud: 'aws',
    summary:
      'Denies any request whose tag keys include the protection, exemption or include tag (tagging, create-with-tags, session tags), and IAM Identity Center attribute configuration; break-glass and the StackSet execution role are exempt.',
    configKeys: [...SCP_MODE_KEYS, 'aws.controls.logProtection', 'aws.protectionTag', 'aws.perimeterExemptionTag', 'aws.perimeterIncludeTag'],
    implementation: [ref('core/aws/tag-protection-statements.ts', 'tagProtectionStatements'), PERIMETER_POLICIES],
    composedIn: [ADD_MANAGEMENT],
    watchedBy: SCP_WATCHERS,
    tests: ['test/constructs/aws/perimeter-policies.test.ts', T.scpPlan, T.scpSimulation, T.awsSimulation],
  },
  {
    id: 'aws-realtime-rules',
    title: 'Real-time EventBridge rules to the alert topic',
    kind: 'pipeline',
    cloud: 'aws',
    summary:
      'The central event bus (writable by the organization only) in the security account, one rule per real-time rule (split to fit the pattern quota) publishing a readable alert to the KMS-encrypted SNS topic, with dead-letter queues and delivery alarms.',
    configKeys: [
      'aws.securityAccountId',
      'aws.organizationId',
      'aws.homeRegion',
      'aws.eventPatternMaxLength',
      'notifications.emails',
      'notifications.webhooks',
    ],
    implementation: [
      ref('constructs/aws/realtime-rules.ts', 'RealtimeRules'),
      ref('constructs/aws/alarm-topic.ts', 'AlarmTopic'),
      RULE_DELIVERY,
      PLAN_ALARMS,
      ref('core/detection/compilers/eventbridge.ts', 'compileEventPattern'),
    ],
    composedIn: [ADD_ALARM_PIPELINE],
    rules: { catalog: { product: 'aws', target: 'eventbridge' }, generated: [SELF_PROTECTION_RULES, SHADOW_RULES] },
    watchedBy: ['guardrails-alerting-changed'],
    tests: [
      'test/constructs/aws/alarm-topic.test.ts',
      'test/constructs/aws/dead-letter-queue.test.ts',
      'test/constructs/aws/realtime-rules.test.ts',
      T.awsAlarmPipeline,
      T.awsAlarmDelivery,
      T.alarmPlan,
      T.selfProtection,
      T.conformance,
      T.eventbridgeEvaluator,
    ],
  },
  {
    id: 'aws-event-forwarding',
    title: 'Event forwarding from every account and region (member StackSet)',
    kind: 'pipeline',
    cloud: 'aws',
    summary:
      "Forwarding rules on each account's default bus in every event region send matching CloudTrail events and guardrails alarm state changes to the central bus: in member accounts through a service-managed StackSet on the target OUs, in the management account through its own stacks.",
    configKeys: ['aws.regions', 'aws.targets', 'aws.homeRegion', 'aws.protectionTag', 'aws.eventPatternMaxLength'],
    implementation: [
      ref('constructs/aws/event-forwarding.ts', 'EventForwarding'),
      ref('constructs/aws/member-stackset.ts', 'MemberStackSet'),
      RULE_DELIVERY,
      ref('core/aws/pipeline-names.ts', 'pipelineNames'),
    ],
    composedIn: [
      ADD_MANAGEMENT,
      ADD_MANAGEMENT_FORWARDING,
      ref('stacks/aws/member-forwarding-stack.ts', 'synthMemberTemplate'),
      ref('stacks/aws/guardrails-stack.ts', 'ManagementForwardingStack'),
    ],
    rules: { catalog: { product: 'aws', target: 'eventbridge' }, generated: [SELF_PROTECTION_RULES, SHADOW_RULES] },
    watchedBy: ['aws-guardrails-forwarding-tampering', 'guardrails-stackset-changed'],
    tests: [
      'test/constructs/aws/dead-letter-queue.test.ts',
      'test/constructs/aws/event-forwarding.test.ts',
      'test/constructs/aws/member-stackset.test.ts',
      T.awsAlarmPipeline,
      T.awsAlarmDelivery,
      T.awsSimulation,
    ],
  },
  {
    id: 'aws-metric-alarms',
    title: "CloudWatch metric filters and alarms on the trail's log group",
    kind: 'pipeline',
    cloud: 'aws',
    summary:
      "A metric filter (the verbatim CIS text where a rule has one) and an alarm per CloudWatch rule on the organization trail's log group in the management account; the alarms reach the topic as forwarded alarm state changes.",
    configKeys: ['aws.trail.name', 'aws.homeRegion'],
    implementation: [
      ref('constructs/aws/metric-alarms.ts', 'MetricAlarms'),
      PLAN_ALARMS,
      ref('core/detection/compilers/cloudwatch.ts', 'compileCloudWatchPattern'),
    ],
    composedIn: [ADD_MANAGEMENT],
    rules: { catalog: { product: 'aws', target: 'cloudwatch' } },
    watchedBy: ['guardrails-alerting-changed'],
    tests: [
      'test/constructs/aws/metric-alarms.test.ts',
      T.awsAlarmPipeline,
      T.awsAlarmDelivery,
      T.alarmPlan,
      T.awsTamperRules,
      T.conformance,
      T.cloudwatchEvaluator,
    ],
  },
  {
    id: 'aws-cloudtrail',
    title: 'CloudTrail management events',
    kind: 'logsource',
    cloud: 'aws',
    summary: 'CloudTrail records (`{"Records":[...]}` files, arrays or NDJSON), read as they are; the AWS rules are written against their fields.',
    configKeys: [],
    implementation: [DETECT_SOURCE],
    composedIn: [],
    rules: { catalog: { product: 'aws', service: 'cloudtrail' }, generated: [SELF_PROTECTION_RULES, SHADOW_RULES] },
    collectedBy: ['aws-organization-trail'],
    tests: [T.corpusLabels, T.conformance, T.detect],
  },
];

// Azure ----------------------------------------------------------------------------------------------

const AZURE_STORE_KEYS = ['azure.tenantId', 'azure.location', 'azure.resourceGroupName'];

const AZURE: readonly RegistryEntry[] = [
  {
    id: 'azure-log-store',
    title: 'Log Analytics workspace and immutable log storage',
    kind: 'control',
    cloud: 'azure',
    summary:
      'The workspace the KQL alerts query and a storage account with account-level time-based immutability, versioning, TLS 1.2, no shared key and no public access.',
    configKeys: [...AZURE_STORE_KEYS, 'azure.logRetentionDays', 'azure.immutableDays', 'azure.lockImmutability'],
    implementation: [AZURE_AUDIT_LOGGING, ref('constructs/azure/audit-logging.ts', 'storageAccountName')],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-audit-log-store-deleted', 'azure-immutability-policy-changed'],
    tests: ['test/constructs/azure/audit-logging.test.ts', T.azureProgram, T.azureConfig],
  },
  {
    id: 'azure-activity-log-subscriptions',
    title: 'Subscription Activity Log diagnostic settings',
    kind: 'control',
    cloud: 'azure',
    summary:
      "Every category of each subscription's Activity Log to the workspace and the storage account: one setting per listed subscription (perSubscription), or two DeployIfNotExists assignments at the management group with remediation tasks (policy).",
    configKeys: ['azure.subscriptionIds', 'azure.activityLogDeployment', 'azure.managementGroupId', 'azure.location'],
    implementation: [AZURE_AUDIT_LOGGING, ref('constructs/azure/audit-logging.ts', 'activityLogToStoragePolicyRule')],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-diagnostic-setting-deleted', 'azure-policy-assignment-deleted-or-exempted'],
    tests: ['test/constructs/azure/audit-logging.test.ts', T.azureProgram],
  },
  {
    id: 'azure-activity-log-management-groups',
    title: 'Management-group Activity Log diagnostic settings',
    kind: 'control',
    cloud: 'azure',
    summary:
      'The Activity Log of the management group and of its listed children (policy and role changes made above the subscriptions) to the workspace and the storage account.',
    configKeys: ['azure.managementGroupId', 'azure.childManagementGroupIds'],
    implementation: [AZURE_AUDIT_LOGGING],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-diagnostic-setting-deleted'],
    tests: ['test/constructs/azure/audit-logging.test.ts', T.azureProgram, T.azureConfig],
  },
  {
    id: 'azure-entra-diagnostics',
    title: 'Entra ID diagnostic setting',
    kind: 'control',
    cloud: 'azure',
    summary:
      'Sign-ins of every kind, audit logs and Microsoft Graph activity to the workspace and storage; only a Global or Security Administrator user can create it, so it is a component of its own behind azure.entraDiagnostics.',
    configKeys: ['azure.entraDiagnostics'],
    implementation: [ref('constructs/azure/entra-diagnostics.ts', 'EntraDiagnostics')],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-diagnostic-setting-deleted'],
    tests: ['test/constructs/azure/entra-diagnostics.test.ts', T.azureProgram],
  },
  {
    id: 'azure-diagnostic-settings-protection',
    title: 'Diagnostic-settings protection (denyAction policy)',
    kind: 'control',
    cloud: 'azure',
    summary:
      "An Azure Policy denyAction assignment that refuses deleting the kit's own diagnostic settings, at the management group or in each subscription, instead of a subscription lock.",
    configKeys: ['azure.managementGroupId', 'azure.subscriptionIds'],
    implementation: [
      ref('constructs/azure/diagnostic-settings-protection.ts', 'DiagnosticSettingsProtection'),
      ref('constructs/azure/diagnostic-settings-protection.ts', 'denyDeleteSettingsRule'),
    ],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-policy-assignment-deleted-or-exempted', 'azure-diagnostic-setting-deleted'],
    tests: ['test/constructs/azure/diagnostic-settings-protection.test.ts', T.azureProgram],
  },
  {
    id: 'azure-locks',
    title: 'CanNotDelete locks',
    kind: 'control',
    cloud: 'azure',
    summary:
      'CanNotDelete locks on the workspace, the storage account and the alert action group; never on a subscription, resource group or management group.',
    configKeys: [],
    implementation: [AZURE_AUDIT_LOGGING, ref('constructs/azure/alerts.ts', 'AzureAlerts')],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-resource-lock-deleted'],
    tests: ['test/constructs/azure/alerts.test.ts', 'test/constructs/azure/audit-logging.test.ts', T.azureProgram],
  },
  {
    id: 'azure-conditional-access-users',
    title: 'Conditional Access for users',
    kind: 'control',
    cloud: 'azure',
    summary:
      'Blocks Windows Azure Service Management API outside the trusted named location and requires MFA (and a compliant device if set) inside; blocks privileged directory roles from every resource outside it and the device-code flow everywhere; break-glass excluded; report-only until enforce.',
    configKeys: [
      'mode',
      'trustedNetworks.cidrs',
      'trustedNetworks.azure.namedLocationIds',
      'trustedNetworks.azure.compliantDeviceRequired',
      'breakGlass.azure.userObjectIds',
      'breakGlass.azure.groupObjectIds',
    ],
    implementation: [CONDITIONAL_ACCESS, ref('constructs/azure/conditional-access.ts', 'maesterEmergencyAccessConfig')],
    composedIn: [AZURE_PROGRAM],
    watchedBy: [
      'azure-conditional-access-changed',
      'azure-conditional-access-policy-weakened',
      'azure-cli-signin-outside-trusted-locations',
      'azure-device-code-signin',
      'azure-management-single-factor-signin',
    ],
    tests: ['test/constructs/azure/conditional-access.test.ts', T.azureProgram],
  },
  {
    id: 'azure-conditional-access-workload-identities',
    title: 'Conditional Access for workload identities',
    kind: 'control',
    cloud: 'azure',
    summary:
      "Optional: blocks the tenant's service principals outside the trusted locations, except the automation service principals (needs Workload ID Premium).",
    configKeys: [
      'mode',
      'azure.workloadIdentityConditionalAccess',
      'automation.azure.servicePrincipalObjectIds',
      'trustedNetworks.cidrs',
      'trustedNetworks.azure.namedLocationIds',
    ],
    implementation: [CONDITIONAL_ACCESS],
    composedIn: [AZURE_PROGRAM],
    watchedBy: ['azure-conditional-access-changed', 'azure-conditional-access-policy-weakened'],
    tests: ['test/constructs/azure/conditional-access.test.ts', T.azureProgram, T.azureConfig],
  },
  {
    id: 'azure-scheduled-query-alerts',
    title: 'Scheduled query alerts and Activity Log alerts',
    kind: 'pipeline',
    cloud: 'azure',
    summary:
      'An action group (locked) from the notifications, a scheduled query rule with engine-compiled KQL for every Azure rule, and Activity Log alerts for the two tamperings that blind the queries (a diagnostic setting or the workspace deleted).',
    configKeys: ['notifications.emails', 'notifications.webhooks', 'azure.location', 'azure.subscriptionIds'],
    implementation: [ref('constructs/azure/alerts.ts', 'AzureAlerts'), ref('core/detection/compilers/kql.ts', 'compileKql')],
    composedIn: [AZURE_PROGRAM],
    rules: { catalog: { product: 'azure', target: 'kql' } },
    watchedBy: ['azure-alerting-disabled', 'azure-alert-processing-rule-written'],
    tests: ['test/constructs/azure/alerts.test.ts', T.azureProgram, T.azureTamperRules, T.conformance, T.kqlCheck],
  },
  ...(
    [
      [
        'azure-activity',
        'azureactivity',
        'Azure Activity Log (AzureActivity)',
        'Subscription and management-group control-plane operations.',
        ['azure-activity-log-subscriptions', 'azure-activity-log-management-groups'],
      ],
      [
        'azure-signinlogs',
        'signinlogs',
        'Entra sign-in logs (SigninLogs)',
        'Interactive user sign-ins, with the client app, resource, location and Conditional Access result.',
        ['azure-entra-diagnostics'],
      ],
      [
        'azure-auditlogs',
        'auditlogs',
        'Entra audit logs (AuditLogs)',
        'Directory changes: roles, applications, credentials, Conditional Access policies.',
        ['azure-entra-diagnostics'],
      ],
      [
        'azure-graphactivity',
        'graphactivity',
        'Microsoft Graph activity (MicrosoftGraphActivityLogs)',
        'Every Microsoft Graph request with its URI, method, client and address.',
        ['azure-entra-diagnostics'],
      ],
    ] as const
  ).map(
    ([id, service, title, what, collectedBy]): RegistryEntry => ({
      id,
      title,
      kind: 'logsource',
      cloud: 'azure',
      summary: `${what} Read as Log Analytics rows or as diagnostic-setting records, which are mapped to the table's columns first.`,
      configKeys: [],
      implementation: [DETECT_SOURCE, KQL_TABLE_FOR, NORMALIZE_DIAGNOSTIC],
      composedIn: [],
      rules: { catalog: { product: 'azure', service } },
      collectedBy,
      tests: [T.corpusLabels, T.conformance, T.kqlTables, T.detect],
    }),
  ),
];

// GCP ------------------------------------------------------------------------------------------------

const GCP: readonly RegistryEntry[] = [
  {
    id: 'gcp-audit-config',
    title: 'Organization audit configuration',
    kind: 'control',
    cloud: 'gcp',
    summary:
      "ADMIN_READ for every service and DATA_READ/DATA_WRITE for the listed ones, merged with the organization's existing audit configuration so nothing is ever reduced, and the org policy iam.disableAuditLoggingExemption.",
    configKeys: ['gcp.organizationId', 'gcp.dataAccessServices', 'gcp.existingAuditConfigs'],
    implementation: [GCP_AUDIT_LOGGING, ref('core/gcp/audit-config.ts', 'mergeAuditConfigs')],
    composedIn: [GCP_PROGRAM],
    watchedBy: ['gcp-audit-config-changed', 'gcp-org-policy-changed'],
    tests: ['test/constructs/gcp/audit-logging.test.ts', T.gcpProgram],
  },
  {
    id: 'gcp-audit-sinks',
    title: 'Organization log sinks and the lockable log bucket',
    kind: 'control',
    cloud: 'gcp',
    summary:
      'Two organization sinks with includeChildren: one to a retention bucket in the log project (locked with gcp.lockLogBucket), one into the log project itself where the log-based alerts run; writer grants and deletionPolicy PREVENT.',
    configKeys: ['gcp.organizationId', 'gcp.logProjectId', 'gcp.region', 'gcp.retentionDays', 'gcp.lockLogBucket'],
    implementation: [GCP_AUDIT_LOGGING],
    composedIn: [GCP_PROGRAM],
    watchedBy: ['gcp-logging-sink-or-bucket-tampering', 'gcp-log-exclusion-created'],
    tests: ['test/constructs/gcp/audit-logging.test.ts', T.gcpProgram],
  },
  {
    id: 'gcp-hunting',
    title: 'Organization-scale hunting store (BigQuery)',
    kind: 'control',
    cloud: 'gcp',
    summary:
      'Optional (gcp.hunting): Log Analytics on the organization log bucket and a linked BigQuery dataset, for `guardrails hunt --engine bigquery` over its _AllLogs view.',
    configKeys: ['gcp.hunting.enabled', 'gcp.hunting.linkedDatasetId'],
    implementation: [ref('constructs/gcp/hunting.ts', 'GcpHunting')],
    composedIn: [GCP_PROGRAM],
    tests: ['test/stacks/gcp/hunting.test.ts'],
  },
  {
    id: 'gcp-context-aware-access',
    title: 'Context-aware access for the admin group',
    kind: 'control',
    cloud: 'gcp',
    summary:
      'An access policy and an access level from the trusted networks (and an optional device policy), bound to the admin group with a GcpUserAccessBinding: dry-run in report mode, enforced in enforce mode.',
    configKeys: ['mode', 'trustedNetworks.cidrs', 'gcp.organizationId', 'gcp.adminGroup.directoryId', 'gcp.devicePolicy'],
    implementation: [GCP_ACCESS, ref('constructs/gcp/context-aware-access.ts', 'IP_SUBNETWORKS_PER_CONDITION')],
    composedIn: [GCP_PROGRAM],
    watchedBy: ['gcp-access-context-manager-changed', 'gcp-cloud-sdk-outside-trusted-networks', 'gcp-gcloud-in-cloud-shell'],
    tests: ['test/constructs/gcp/context-aware-access.test.ts', T.gcpProgram],
  },
  {
    id: 'gcp-automation-access',
    title: 'Context-aware access for automation service accounts',
    kind: 'control',
    cloud: 'gcp',
    summary:
      'Binds the automation service accounts (and every service account of the listed projects) to an IP-only access level over the trusted and CI ranges, dry-run until its mode is enforce.',
    configKeys: [
      'gcp.automationAccess',
      'gcp.automationAccess.cidrs',
      'gcp.automationAccess.projectNumbers',
      'gcp.automationAccess.mode',
      'automation.gcp.serviceAccounts',
      'trustedNetworks.cidrs',
    ],
    implementation: [GCP_ACCESS],
    composedIn: [GCP_PROGRAM],
    watchedBy: ['gcp-access-context-manager-changed'],
    tests: ['test/constructs/gcp/context-aware-access.test.ts', T.gcpProgram],
  },
  {
    id: 'gcp-vpc-service-controls',
    title: 'VPC Service Controls perimeter',
    kind: 'control',
    cloud: 'gcp',
    summary:
      "A service perimeter around the listed projects for the logging, storage, BigQuery, Secret Manager and IAM APIs, letting the sinks' writers in: a dry-run spec in report mode, enforced in enforce mode.",
    configKeys: ['mode', 'gcp.vpcScProjects'],
    implementation: [GCP_ACCESS, ref('constructs/gcp/context-aware-access.ts', 'RESTRICTED_SERVICES')],
    composedIn: [GCP_PROGRAM],
    watchedBy: ['gcp-access-context-manager-changed', 'gcp-vpc-service-controls-violation'],
    tests: ['test/constructs/gcp/context-aware-access.test.ts', T.gcpProgram],
  },
  {
    id: 'gcp-iam-deny',
    title: 'IAM deny policy against tampering',
    kind: 'control',
    cloud: 'gcp',
    summary:
      "Denies everyone but break-glass and automation changes to sinks, buckets and exclusions, the access policy, levels, perimeters and bindings, organization policies, and alerting; every permission is on Google's deny-supported list.",
    configKeys: ['breakGlass.gcp.members', 'automation.gcp.serviceAccounts', 'gcp.organizationId'],
    implementation: [
      GCP_ACCESS,
      ref('constructs/gcp/context-aware-access.ts', 'TAMPER_RULES'),
      ref('core/gcp/deny-permissions.ts', 'DENY_SUPPORTED_PERMISSIONS'),
      ref('core/gcp/principals.ts', 'denyPolicyPrincipal'),
    ],
    composedIn: [GCP_PROGRAM],
    watchedBy: ['gcp-iam-deny-policy-changed', 'gcp-org-policy-changed'],
    tests: ['test/constructs/gcp/context-aware-access.test.ts', T.gcpProgram],
  },
  {
    id: 'gcp-log-alerts',
    title: 'Log-match alert policies',
    kind: 'pipeline',
    cloud: 'gcp',
    summary:
      'Notification channels from the notifications and one rate-limited log-match alert policy per GCP rule in the log project, documented with the rule and the response.',
    configKeys: ['gcp.logProjectId', 'notifications.emails', 'notifications.webhooks'],
    implementation: [ref('constructs/gcp/log-alerts.ts', 'GcpLogAlerts'), ref('core/detection/compilers/gcp-logging.ts', 'compileGcpQuery')],
    composedIn: [GCP_PROGRAM],
    rules: { catalog: { product: 'gcp', target: 'gcp' } },
    watchedBy: ['gcp-alerting-deleted'],
    tests: ['test/constructs/gcp/log-alerts.test.ts', T.gcpProgram, T.gcpTamperRules, T.conformance, T.gcpEvaluator],
  },
  {
    id: 'gcp-audit-logs',
    title: 'Cloud Audit Logs (gcp.audit)',
    kind: 'logsource',
    cloud: 'gcp',
    summary: 'Admin Activity, Data Access, Policy Denied and System Event audit log entries (protoPayload AuditLog), GKE audit entries included.',
    configKeys: ['gcp.dataAccessServices'],
    implementation: [DETECT_SOURCE],
    composedIn: [],
    rules: { catalog: { product: 'gcp', service: 'gcp.audit' } },
    collectedBy: ['gcp-audit-config', 'gcp-audit-sinks'],
    tests: [T.corpusLabels, T.conformance, T.detect, T.gcpEvaluator],
  },
];

/** Every entry, AWS then Azure then GCP; within a cloud, controls, then pipelines, then log sources. */
export const REGISTRY: readonly RegistryEntry[] = [...AWS, ...AZURE, ...GCP];

/**
 * The README's folder overview: every top-level folder, and every folder of core/, constructs/ and
 * stacks/ (the test checks that none is missing, and that every file named in backquotes in `about` exists). Folders of
 * constructs are followed, in the generated text, by the construct classes the registry lists there.
 */
export const FOLDERS: readonly { readonly path: string; readonly about: string }[] = [
  {
    path: 'bin/',
    about:
      'entry points: `aws.ts` (the CDK app, cdk.json "app"), `pulumi.ts` (the Pulumi program, azure or gcp by stack config), `guardrails.ts` (the `guardrails` CLI)',
  },
  { path: 'core/config/', about: 'schema (zod), loader (YAML with line numbers), cross-field validation, JSON Schema' },
  { path: 'core/net/', about: 'CIDR parsing, public-egress checks, aggregation (cidr-tools, ipaddr.js)' },
  { path: 'core/aws/', about: 'SCP statements (one file per family), packing, IAM vocabulary check, alarm plan, trail and pipeline names' },
  { path: 'core/azure/', about: 'Azure checks without the SDK, shared by the config validator and the components used on their own' },
  { path: 'core/gcp/', about: 'GCP helpers without the SDK: audit-config merge, deny-supported permissions, principal forms, chunking' },
  { path: 'core/detection/', about: 'rule format, condition parser, evaluator, compilers/, target-language checkers in targets/, logsources/' },
  { path: 'core/hunt/', about: 'the guardrails hunt engines: Athena, BigQuery and Log Analytics clients, time ranges and match printing' },
  { path: 'core/cli/', about: 'the guardrails subcommands (plan, validate, detect, rules) and their help texts' },
  { path: 'core/report/', about: 'report.md and the ATT&CK Navigator layer, rendered from the plans' },
  { path: 'core/attack/', about: 'ATT&CK v19 technique names, the v18 -> v19 renumbering and tag normalizer, and what ATT&CK lists against T1059.009' },
  { path: 'core/registry/', about: 'this index: `controls.ts` (the registry) and `docs.ts` (writes `CONTROLS.md` and this section)' },
  { path: 'constructs/aws/', about: 'CDK constructs' },
  { path: 'constructs/azure/', about: 'Pulumi ComponentResources' },
  { path: 'constructs/gcp/', about: 'Pulumi ComponentResources' },
  { path: 'stacks/aws/', about: 'the CDK app with cdk-nag, one stack per account, `parts.ts` composing each part, the member template' },
  { path: 'stacks/azure/', about: 'the Azure Pulumi program (composition only)' },
  { path: 'stacks/gcp/', about: 'the GCP Pulumi program (composition only)' },
  { path: 'stacks/pulumi-plan.ts', about: 'runs a Pulumi program under mocks for `guardrails plan`' },
  { path: 'detections/', about: 'the rule catalog, one rule per file under aws/, azure/, gcp/; the format in its `README.md`' },
  {
    path: 'pipelines/',
    about: "processing pipelines (YAML, pySigma's model) mapping SigmaHQ's log sources and field names onto ours, read by `core/detection/pipeline.ts`",
  },
  { path: 'examples/', about: "sample logs for the README's detect example (sources in `SOURCES.md`)" },
  { path: 'docs/', about: 'decision records in adr/' },
  { path: 'test/', about: 'mirrors the tree; fixtures (the log corpus included) and helpers; snapshots beside their tests' },
  { path: 'bench/', about: 'benchmarks, each a ratio or count against a baseline from the same run' },
  { path: '.ci/', about: '`run`: the suite in a fresh copy of the tracked files, after npm ci' },
];
