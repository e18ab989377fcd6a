/**
 * The configuration schema: the single source for validation, the TypeScript types and the JSON
 * Schema editors use (guardrails.schema.json is generated from it). Field-level rules live here;
 * rules that relate several fields live in validate.ts.
 */
import { z } from 'zod';

export const MODES = ['report', 'enforce'] as const;
export type Mode = (typeof MODES)[number];

const mode = z.enum(MODES, { error: 'must be "report" or "enforce"' });

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** AWS's published maximum size of one SCP since May 2026, in characters (whitespace counts). */
export const SCP_MAX_CHARACTERS = 10_240;
/** AWS's published maximum of SCPs attached to one root, OU or account since May 2026. */
export const SCP_MAX_PER_TARGET = 10;

/** AWS partitions this kit deploys to (the first part of every ARN after arn:). */
export const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type AwsPartition = (typeof AWS_PARTITIONS)[number];

export const ID_PATTERNS = {
  accountId: /^\d{12}$/,
  organizationId: /^o-[a-z0-9]{10,32}$/,
  rootId: /^r-[0-9a-z]{4,32}$/,
  ouId: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  vpcId: /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  vpcEndpointId: /^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  region: /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/,
  /** IAM role ARN or ArnLike pattern: partition, optional account (or *), role path/name with * and ?. */
  roleArnPattern: /^arn:(?:aws|aws-cn|aws-us-gov):iam::(?:\d{12}|\*):role\/[\w+=,.@\-/*?]+$/,
  gcpOrganizationId: /^\d{6,20}$/,
  gcpProjectId: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  gcpProjectNumber: /^\d{6,20}$/,
  /** IAM member forms for people and groups: user:, group:, serviceAccount: (domain: is too broad for break-glass). */
  gcpMember: /^(user|group|serviceAccount):[^\s@]+@[^\s@]+\.[^\s@]+$/,
  gcpServiceAccount: /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9-]+\.iam\.gserviceaccount\.com$/,
  gcpService: /^[a-z0-9.-]+\.googleapis\.com$|^allServices$/,
  gcpLocation: /^(global|[a-z]+(-[a-z]+\d?)?\d?)$/,
  guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  azureManagementGroup: /^[A-Za-z0-9._()-]{1,90}$/,
  azureLocation: /^[a-z]+[a-z0-9]*$/,
  /** The resource-name part of names we create (trail, log group suffix, prefixes). */
  name: /^[a-z0-9][a-z0-9-]{1,22}[a-z0-9]$/,
  tagKey: /^[\w.:/=+\-@]{1,128}$/,
} as const;

const accountId = z
  .string({ error: 'must be a 12-digit account id in quotes (YAML reads unquoted digits as a number and drops leading zeros)' })
  .regex(ID_PATTERNS.accountId, { error: 'must be a 12-digit AWS account id, e.g. "111122223333"' });

const roleArnPattern = z.string().regex(ID_PATTERNS.roleArnPattern, {
  error: 'must be an IAM role ARN or ArnLike pattern, e.g. arn:aws:iam::*:role/BreakGlass*',
});

const target = z.string().refine((v) => ID_PATTERNS.rootId.test(v) || ID_PATTERNS.ouId.test(v) || ID_PATTERNS.accountId.test(v), {
  error: 'must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id',
});

const vpc = z.strictObject({
  id: z.string().regex(ID_PATTERNS.vpcId, { error: 'must be a VPC id, e.g. vpc-0123456789abcdef0' }).describe('The VPC id, e.g. vpc-0123456789abcdef0.'),
  region: z
    .string()
    .regex(ID_PATTERNS.region, { error: 'must be an AWS region code, e.g. eu-west-1' })
    .describe("The VPC's region: calls through its endpoints are trusted in this region only."),
});

const trail = z.strictObject({
  name: z
    .string()
    .regex(ID_PATTERNS.name, { error: 'must be 3-24 lowercase letters, digits or hyphens' })
    .default('guardrails-org-trail')
    .describe('Trail name (3-24 lowercase letters, digits or hyphens); it also names the bucket, the key alias and the log group.'),
  objectLockDays: z.number().int().min(1).max(36_500).default(365).describe('Object Lock default retention on the log bucket, in days.'),
  objectLockMode: z
    .enum(['GOVERNANCE', 'COMPLIANCE'])
    .optional()
    .describe(
      'Object Lock mode of the log bucket. GOVERNANCE can be lifted by a principal with s3:BypassGovernanceRetention; COMPLIANCE by nobody, ever. Default: GOVERNANCE in the log-archive account (SCPs deny the bypass there), COMPLIANCE when the bucket is in the management account (no SCP applies, so only COMPLIANCE holds against its admins).',
    ),
  logGroupRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(365)
    .describe("Retention of the trail's CloudWatch Logs group, in days: one of the periods CloudWatch Logs accepts."),
  archiveAfterDays: z.number().int().min(30).default(90).describe('Days before log objects move to Glacier Instant Retrieval.'),
  deepArchiveAfterDays: z
    .number()
    .int()
    .min(90)
    .default(365)
    .describe('Days before log objects move to Glacier Deep Archive; must come after archiveAfterDays.'),
  expireAfterDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Delete log objects after this many days; absent = keep forever. Must outlast objectLockDays and deepArchiveAfterDays.'),
  insights: z.boolean().default(true).describe('CloudTrail Insights on the trail (API call rate and API error rate).'),
});

/**
 * Organization-scale hunting on AWS: a Glue table over the organization trail's bucket and an Athena
 * workgroup (constructs/aws/cloudtrail-hunting.ts). Names follow Athena's rules: database names are
 * lowercase letters, digits and underscores (Athena user guide, "Name databases, tables, and columns");
 * workgroup names [a-zA-Z0-9._-]{1,128} (Athena API reference, CreateWorkGroup).
 */
const awsHunting = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy the hunting resources (false keeps the settings but deploys nothing).'),
  databaseName: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,254}$/, { error: 'must be a Glue/Athena database name: a lowercase letter, then lowercase letters, digits or underscores' })
    .default('guardrails_hunting')
    .describe('Glue database holding the CloudTrail table (named cloudtrail).'),
  workgroupName: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, { error: 'must be an Athena workgroup name: 1-128 letters, digits, dots, underscores or hyphens' })
    .default('guardrails-hunting')
    .describe('Athena workgroup the hunts run in; its settings (results location and encryption, scan cutoff) are enforced on every query.'),
  resultsRetentionDays: z.number().int().min(1).max(3650).default(30).describe('Days before query results expire from the results bucket.'),
  bytesScannedCutoffGb: z
    .number()
    .int()
    .min(1)
    .max(1_048_576)
    .default(1024)
    .describe('Per-query data scan cutoff, in GiB (Athena cancels a query that scans more; it bills by bytes scanned).'),
  lookbackDays: z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .optional()
    .describe(
      "How far back the table's date partitions reach, in days. Default: aws.trail.deepArchiveAfterDays, because Athena skips objects in Glacier Deep Archive unless they are restored.",
    ),
});

const controlModes = z.strictObject({
  networkPerimeter: mode
    .optional()
    .describe('Mode of the network perimeter SCP statements (calls from outside trustedNetworks, the VPC-region pairing); default: mode.'),
  cloudShell: mode.optional().describe('Mode of the CloudShell SCP statements (aws.cloudShell); default: mode.'),
  logProtection: mode.optional().describe('Mode of the tampering, protected-tag and exempt-role SCP statements; default: mode. The rollout enforces it first.'),
});

const aws = z.strictObject({
  organizationId: z
    .string()
    .regex(ID_PATTERNS.organizationId, { error: 'must be an organization id, e.g. o-a1b2c3d4e5' })
    .describe('The AWS Organizations id, e.g. o-a1b2c3d4e5.'),
  managementAccountId: accountId.describe(
    "The organization's management account (12 digits, in quotes). The organization trail, the SCPs and the StackSet administration live there; SCPs never apply to it.",
  ),
  logArchiveAccountId: accountId
    .optional()
    .describe(
      "Control Tower / SRA log-archive account: holds the trail's bucket and key, where SCPs apply. Set it together with securityAccountId; without both, everything stays in the management account.",
    ),
  securityAccountId: accountId
    .optional()
    .describe(
      'Security tooling (audit) account: holds the alert topic, the central event bus and the alarm pipeline. Set it together with logArchiveAccountId.',
    ),
  eventPatternMaxLength: z
    .number()
    .int()
    .min(512)
    .max(4096)
    .default(2048)
    .describe(
      "EventBridge's event-pattern size quota in your accounts (default quota 2,048; it can be raised to 4,096). Longer patterns are split into several rules.",
    ),
  partition: z
    .enum(AWS_PARTITIONS, { error: `must be one of ${AWS_PARTITIONS.join(', ')}` })
    .default('aws')
    .describe(
      "The organisation's partition: break-glass and automation ARNs and all regions must be in it, and those of another partition are refused by name. aws-cn and aws-us-gov are refused as not supported yet.",
    ),
  homeRegion: z
    .string()
    .regex(ID_PATTERNS.region, { error: 'must be an AWS region code, e.g. us-east-1' })
    .default('us-east-1')
    .describe("Region of the trail's bucket, key and log group, of the alarm pipeline and of the stacks. Must be a region AWS has."),
  targets: z
    .array(target)
    .default([])
    .describe('Root (r-...), OUs (ou-...) or quoted account ids the SCPs are attached to in enforce mode. Required once any control is enforced.'),
  regions: z
    .array(z.string().regex(ID_PATTERNS.region, { error: 'must be an AWS region code, e.g. eu-west-1' }))
    .default([])
    .describe(
      'Regions whose CloudTrail events EventBridge rules watch in every member account (us-east-1 is required: IAM, Organizations and sign-in events arrive there).',
    ),
  cloudShell: z
    .enum(['block', 'vpcOnly', 'allow'], { error: 'must be block, vpcOnly or allow' })
    .default('vpcOnly')
    .describe(
      'block: deny cloudshell:*. vpcOnly: deny CloudShell environments outside a VPC or in an untrusted VPC. allow: no CloudShell statement (only the network perimeter applies).',
    ),
  scpSizeBudget: z
    .number()
    .int()
    .min(1024, { error: 'is too small to hold the perimeter statement; use 1024 to 10240' })
    .max(SCP_MAX_CHARACTERS, { error: `is over AWS's limit of ${SCP_MAX_CHARACTERS} characters per SCP` })
    .default(SCP_MAX_CHARACTERS)
    .describe(
      `Characters the packer may use per SCP, at most ${SCP_MAX_CHARACTERS} (AWS's limit since May 2026; whitespace counts, so the policies are minified).`,
    ),
  maxPoliciesPerTarget: z
    .number()
    .int()
    .min(1)
    .max(SCP_MAX_PER_TARGET)
    .default(SCP_MAX_PER_TARGET)
    .describe(`SCPs that may be attached to one root, OU or account (AWS's quota: ${SCP_MAX_PER_TARGET} since May 2026).`),
  existingPoliciesPerTarget: z
    .number()
    .int()
    .min(0)
    .max(SCP_MAX_PER_TARGET - 1)
    .default(1)
    .describe('SCPs already attached to the targets by others (FullAWSAccess counts): they use up the per-target quota.'),
  perimeterExemptionTag: z
    .string()
    .regex(ID_PATTERNS.tagKey)
    .default('guardrails:perimeter-exempt')
    .describe('Principals carrying this tag with value "true" are outside the network perimeter (for odd workloads). Only break-glass may set it.'),
  perimeterIncludeTag: z
    .string()
    .regex(ID_PATTERNS.tagKey)
    .optional()
    .describe(
      'Opt-in scope of the network perimeter (aws-samples/data-perimeter-policy-examples\' dp:include:network): when set, only principals carrying this tag with value "true", and the credentials AWS issues to Lambda functions, EC2 instances and Glue jobs, are held to it. Absent: every principal is (deny by default).',
    ),
  protectionTag: z
    .string()
    .regex(ID_PATTERNS.tagKey)
    .default('guardrails:protected')
    .describe('Resources carrying this tag with value "true" are protected from tampering by the SCPs; the kit tags its own resources with it.'),
  controls: controlModes.default({}).describe('Per-control override of mode, so controls can be enforced one at a time.'),
  trail: trail.default(() => trail.parse({})).describe('The organization trail and its evidence store (bucket, Object Lock, archive tiers, log group).'),
  hunting: awsHunting
    .optional()
    .describe(
      "Organization-scale hunting: a Glue database and a partition-projected CloudTrail table over the trail's bucket, and an Athena workgroup with KMS-encrypted, expiring results, in the account holding the bucket. Leave it out to deploy none.",
    ),
});

export const configSchema = z
  .strictObject({
    mode: mode
      .default('report')
      .describe(
        'Default mode of every preventive control. report: controls are built and alarmed on, but nothing is blocked (SCPs are created, not attached; Conditional Access is report-only; GCP access bindings and perimeters are dry-run). enforce: they block. aws.controls overrides it per AWS control.',
      ),
    trustedNetworks: z
      .strictObject({
        cidrs: z
          .array(z.string())
          .default([])
          .describe(
            'Public IPv4/IPv6 egress ranges of the organisation (NAT gateways, VPN concentrators, office proxies). Rejected: invalid CIDRs, host bits set, /0, IPv4 shorter than /8, IPv6 shorter than /32, private or reserved IPv4 ranges, IPv6 outside global unicast or in a special-purpose range. IPv4 shorter than /16 is accepted with a warning; overlapping entries are merged and adjacent ones aggregated.',
          ),
        azure: z
          .strictObject({
            namedLocationIds: z
              .array(z.string().regex(/^[0-9a-f-]{36}$/i, { error: 'must be a named location id (a GUID)' }))
              .default([])
              .describe('Existing Entra named locations to trust in addition to the one built from cidrs.'),
            compliantDeviceRequired: z
              .boolean()
              .default(false)
              .describe('Inside trusted locations, also require a compliant (Intune) device for Azure management.'),
          })
          .optional()
          .describe('Trusted contexts for Azure Conditional Access, in addition to cidrs.'),
        aws: z
          .strictObject({
            vpcIds: z.array(vpc).default([]).describe('VPCs ({ id, region }): calls through VPC endpoints in these VPCs are trusted, but only in that region.'),
            vpcEndpointIds: z
              .array(z.string().regex(ID_PATTERNS.vpcEndpointId, { error: 'must be a VPC endpoint id, e.g. vpce-0123456789abcdef0' }))
              .default([])
              .describe('Trusted VPC endpoints, e.g. vpce-0123456789abcdef0.'),
          })
          .default({ vpcIds: [], vpcEndpointIds: [] })
          .describe('Private networks the AWS network perimeter trusts, in addition to cidrs (aws:SourceIp only ever sees public addresses).'),
      })
      .default({ cidrs: [], aws: { vpcIds: [], vpcEndpointIds: [] } })
      .describe('Where API calls are trusted from: public egress ranges for every cloud, plus AWS VPCs and VPC endpoints and Azure named locations.'),
    breakGlass: z
      .strictObject({
        aws: z
          .strictObject({
            roleArns: z
              .array(roleArnPattern)
              .describe(
                'Required and non-empty. IAM role ARNs or ArnLike patterns exempt from every SCP. A wildcard must keep a fixed role-name prefix of at least 4 characters (role/BreakGlass*, not role/Br* or role/*/x), and no pattern may reach AWS-reserved roles (aws-service-role/, aws-reserved/, AWSReservedSSO_).',
              ),
          })
          .optional()
          .describe('AWS break-glass roles. Required when aws is set.'),
        azure: z
          .strictObject({
            userObjectIds: z
              .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an Entra object id (a GUID)' }))
              .default([])
              .describe('Object ids of cloud-only emergency-access users, excluded from every Conditional Access policy.'),
            groupObjectIds: z
              .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an Entra object id (a GUID)' }))
              .default([])
              .describe('Object ids of groups whose members are excluded from every Conditional Access policy.'),
          })
          .optional()
          .describe('Azure emergency-access accounts: at least one user or group is required when azure is set.'),
        gcp: z
          .strictObject({
            members: z
              .array(z.string().regex(ID_PATTERNS.gcpMember, { error: 'must be user:EMAIL, group:EMAIL or serviceAccount:EMAIL' }))
              .describe(
                "Required and non-empty when gcp is set: user:EMAIL, group:EMAIL or serviceAccount:EMAIL, exempt from the IAM deny policy. Keep them outside the admin group's access binding too.",
              ),
          })
          .optional()
          .describe('GCP break-glass identities. Required when gcp is set.'),
      })
      .default({})
      .describe(
        'Emergency identities exempt from every preventive control of their cloud: the way back in when a control misfires. Keep them few, MFA-protected and alarmed on.',
      ),
    automation: z
      .strictObject({
        aws: z
          .strictObject({
            roleArns: z
              .array(roleArnPattern)
              .default([])
              .describe(
                'CI/CD roles that keep working from outside the trusted networks (network perimeter only), under the same pattern rules as breakGlass.aws.roleArns. They are not exempt from the tampering protections.',
              ),
          })
          .optional()
          .describe('AWS automation roles.'),
        azure: z
          .strictObject({
            servicePrincipalObjectIds: z
              .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an Entra object id (a GUID)' }))
              .default([])
              .describe(
                'Object ids of the service principals excluded from the workload-identity Conditional Access policy (azure.workloadIdentityConditionalAccess); enforce mode refuses an empty list there.',
              ),
          })
          .optional()
          .describe('Azure automation service principals.'),
        gcp: z
          .strictObject({
            serviceAccounts: z
              .array(z.string().regex(ID_PATTERNS.gcpServiceAccount, { error: 'must be a service account email, e.g. ci@project.iam.gserviceaccount.com' }))
              .default([])
              .describe('Service accounts exempt from the IAM deny policy; gcp.automationAccess binds them to an access level.'),
          })
          .optional()
          .describe('GCP automation service accounts.'),
      })
      .default({})
      .describe('Automation identities (CI/CD roles, service principals, service accounts) that keep working from outside the trusted networks.'),
    aws: aws.optional().describe('AWS (CDK): the organization trail, the perimeter SCPs and the alarm pipeline. Leave it out to deploy nothing on AWS.'),
    azure: z
      .strictObject({
        tenantId: z
          .string({ error: 'is required: the Entra tenant id (a GUID)' })
          .regex(ID_PATTERNS.guid, { error: 'must be the Entra tenant id (a GUID)' })
          .describe('The Entra tenant id (a GUID).'),
        managementGroupId: z
          .string()
          .regex(ID_PATTERNS.azureManagementGroup, { error: 'must be a management group id (name)' })
          .optional()
          .describe('Management group that holds the subscriptions (its name). Required with activityLogDeployment: policy; its own Activity Log is kept too.'),
        subscriptionIds: z
          .array(z.string().regex(ID_PATTERNS.guid, { error: 'must be a subscription id (a GUID)' }))
          .default([])
          .describe(
            'Subscriptions (GUIDs) whose Activity Log goes to the workspace and storage with activityLogDeployment: perSubscription, and that the Activity Log alerts watch.',
          ),
        location: z
          .string()
          .regex(ID_PATTERNS.azureLocation, { error: 'must be an Azure region name such as westeurope' })
          .default('westeurope')
          .describe('Azure region of the resource group, workspace and storage account, e.g. westeurope.'),
        resourceGroupName: z
          .string()
          .regex(/^[\w.()-]{1,89}[\w()-]$/, { error: 'must be a resource group name' })
          .default('guardrails-logging')
          .describe('Resource group the kit creates for its logging resources.'),
        logRetentionDays: z.number().int().min(30).max(730).default(365).describe('Retention of the Log Analytics workspace, in days.'),
        immutableDays: z.number().int().min(1).max(146_000).default(365).describe('Time-based immutability period of the log storage account, in days.'),
        activityLogDeployment: z
          .enum(['perSubscription', 'policy'])
          .default('perSubscription')
          .describe(
            'perSubscription: one diagnostic setting per listed subscription. policy: DeployIfNotExists assignments at managementGroupId, with remediation tasks for existing subscriptions.',
          ),
        entraDiagnostics: z
          .boolean()
          .default(true)
          .describe(
            'Create the Entra diagnostic setting. Only a user with Global or Security Administrator can: a service principal cannot. Run once with true as such a user, and keep it false in pipelines.',
          ),
        childManagementGroupIds: z
          .array(z.string().regex(ID_PATTERNS.azureManagementGroup, { error: 'must be a management group id (name)' }))
          .default([])
          .describe(
            'Management groups under managementGroupId whose own Activity Log (policy and role changes made at that level) also goes to the workspace and storage. managementGroupId always gets one when it is set.',
          ),
        lockImmutability: z
          .boolean()
          .default(false)
          .describe(
            "Lock the storage account's immutability policy. Irreversible: the retention can then only be extended, and Azure only locks a policy that already exists unlocked (deploy once with false first).",
          ),
        workloadIdentityConditionalAccess: z
          .boolean()
          .default(false)
          .describe(
            "Conditional Access for workload identities: block the tenant's service principals outside the trusted locations, except automation.azure.servicePrincipalObjectIds. Needs Microsoft Entra Workload ID Premium licences.",
          ),
      })
      .optional()
      .describe('Azure (Pulumi): audit logging, Entra diagnostics, Conditional Access and alerts. Leave it out to deploy nothing on Azure.'),
    gcp: z
      .strictObject({
        organizationId: z
          .string({ error: 'must be the numeric organization id in quotes, e.g. "123456789012"' })
          .regex(ID_PATTERNS.gcpOrganizationId, {
            error: 'must be the numeric organization id (gcloud organizations list), e.g. "123456789012"',
          })
          .describe('The numeric organization id in quotes (gcloud organizations list), e.g. "123456789012".'),
        logProjectId: z
          .string()
          .regex(ID_PATTERNS.gcpProjectId, { error: 'must be a project id: 6-30 lowercase letters, digits or hyphens' })
          .describe('Project that holds the audit-log bucket, the log-based alerts and their notification channels.'),
        adminGroup: z
          .strictObject({
            email: z.email({ error: "must be the group's email address" }).describe("The group's email address."),
            directoryId: z
              .string()
              .regex(/^[a-z0-9]{8,32}$/, { error: "must be the group's directory id (the part after groups/ in gcloud identity groups describe)" })
              .optional()
              .describe(
                "The group's Cloud Identity directory id (gcloud identity groups describe EMAIL --format='value(name)', the part after groups/). Required: GcpUserAccessBinding binds a group by its directory id.",
              ),
          })
          .describe('The group whose members administer GCP: context-aware access binds to it.'),
        region: z
          .string()
          .regex(ID_PATTERNS.gcpLocation, { error: 'must be a Cloud Logging location such as global or us-central1' })
          .default('global')
          .describe('Cloud Logging location of the log bucket, e.g. global or us-central1.'),
        dataAccessServices: z
          .array(z.string().regex(ID_PATTERNS.gcpService, { error: 'must be a service name such as storage.googleapis.com' }))
          .default([])
          .describe('Services whose Data Access audit logs (DATA_READ, DATA_WRITE) are turned on; ADMIN_READ is on for all services.'),
        lockLogBucket: z.boolean().default(false).describe('Lock the log bucket. Irreversible: its retention can never be lowered and it cannot be deleted.'),
        retentionDays: z.number().int().min(1).max(3650).default(400).describe('Retention of the log bucket, in days.'),
        hunting: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Upgrade the log bucket and link the dataset (false keeps the settings but deploys nothing).'),
            linkedDatasetId: z
              .string()
              // Cloud Logging API, locations.buckets.links.create: up to 100 characters, only letters, digits and underscores.
              .regex(/^\w{1,100}$/, { error: 'must be 1-100 letters, digits or underscores (a BigQuery linked dataset id)' })
              .default('guardrails_audit')
              .describe('Id of the BigQuery dataset linked to the log bucket (created in logProjectId).'),
          })
          .optional()
          .describe(
            'Organization-scale hunting: upgrades the log bucket to Log Analytics (irreversible) and links a BigQuery dataset to it. Leave it out to deploy none.',
          ),
        vpcScProjects: z
          .array(z.string().regex(ID_PATTERNS.gcpProjectNumber, { error: 'must be a project number (digits), not a project id' }))
          .default([])
          .describe('Project numbers inside the VPC Service Controls perimeter (a dry-run spec in report mode).'),
        devicePolicy: z
          .strictObject({
            requireScreenLock: z.boolean().default(true).describe('Require a screen lock on the device.'),
            requireCorpOwned: z.boolean().default(false).describe('Require a company-owned device.'),
          })
          .optional()
          .describe('Device conditions added to the trusted access level (device attributes need a paid Chrome Enterprise Premium subscription).'),
        existingAuditConfigs: z
          .array(
            z.strictObject({
              service: z
                .string()
                .regex(ID_PATTERNS.gcpService, { error: 'must be a service name such as storage.googleapis.com, or allServices' })
                .describe('A service name such as storage.googleapis.com, or allServices.'),
              auditLogConfigs: z
                .array(
                  z.strictObject({
                    logType: z
                      .enum(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'], { error: 'must be ADMIN_READ, DATA_READ or DATA_WRITE' })
                      .describe('ADMIN_READ, DATA_READ or DATA_WRITE.'),
                    exemptedMembers: z
                      .array(z.string())
                      .optional()
                      .describe('Members exempted from this log type. On the services the kit writes, the exemption is dropped, with a warning.'),
                  }),
                )
                .describe('The log types turned on for the service.'),
            }),
          )
          .optional()
          .describe(
            "The organization's current audit configuration, pasted from `gcloud organizations get-iam-policy ORG --format=json` (its auditConfigs list; [] when it has none). IamAuditConfig is authoritative per service, so the kit merges its log types into these instead of replacing them. Required: without it the kit refuses to plan.",
          ),
        automationAccess: z
          .strictObject({
            cidrs: z
              .array(z.string())
              .default([])
              .describe('Extra public egress ranges of CI runners, added to trustedNetworks.cidrs for service accounts only.'),
            projectNumbers: z
              .array(z.string().regex(ID_PATTERNS.gcpProjectNumber, { error: 'must be a project number (digits), not a project id' }))
              .default([])
              .describe('Project numbers whose service accounts are all bound (serviceAccountProjectNumber).'),
            mode: mode.optional().describe('Overrides mode for these bindings only: keep report (dry-run) until the dry-run logs are clean.'),
          })
          .optional()
          .describe(
            'Context-aware access for the automation service accounts (automation.gcp.serviceAccounts) and for every service account of the listed projects, so a stolen key only works from these networks.',
          ),
      })
      .optional()
      .describe('GCP (Pulumi): organization audit logging, context-aware access and log-based alerts. Leave it out to deploy nothing on GCP.'),
    notifications: z
      .strictObject({
        emails: z
          .array(z.email({ error: 'must be an email address' }))
          .default([])
          .describe('Email addresses the alerts are sent to.'),
        webhooks: z
          .array(z.url({ protocol: /^https$/, error: 'must be an https:// URL (alerts carry account details; never plain http)' }))
          .default([])
          .describe('https:// endpoints the alerts are posted to (never plain http: alerts carry account details).'),
      })
      .default({ emails: [], webhooks: [] })
      .describe('Where alarms go, for every cloud. Enforce mode with no target is refused (blocked calls and alarms would reach nobody); report mode warns.'),
  })
  .describe('cloud-api-guardrails configuration: one file for AWS, Azure and GCP.');

/** The config as written (before defaults). */
export type GuardrailsConfigInput = z.input<typeof configSchema>;
/** The config after schema parsing (defaults applied, not yet cross-checked or normalised). */
export type ParsedConfig = z.output<typeof configSchema>;
export type AwsConfig = NonNullable<ParsedConfig['aws']>;
export type TrailConfig = AwsConfig['trail'];
export type ControlName = keyof z.output<typeof controlModes>;
export type GcpConfig = NonNullable<ParsedConfig['gcp']>;
export type AzureConfig = NonNullable<ParsedConfig['azure']>;
