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
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

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

const roleArnPattern = z
  .string()
  .regex(ID_PATTERNS.roleArnPattern, {
    error: 'must be an IAM role ARN or ArnLike pattern, e.g. arn:aws:iam::*:role/BreakGlass*',
  });

const target = z.string().refine(
  (v) => ID_PATTERNS.rootId.test(v) || ID_PATTERNS.ouId.test(v) || ID_PATTERNS.accountId.test(v),
  { error: 'must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id' },
);

const vpc = z.strictObject({
  id: z.string().regex(ID_PATTERNS.vpcId, { error: 'must be a VPC id, e.g. vpc-0123456789abcdef0' }),
  region: z.string().regex(ID_PATTERNS.region, { error: 'must be an AWS region code, e.g. eu-west-1' }),
});

const trail = z.strictObject({
  /** Trail name; also names the bucket, key alias and log group. */
  name: z.string().regex(ID_PATTERNS.name, { error: 'must be 3-24 lowercase letters, digits or hyphens' }).default('guardrails-org-trail'),
  /** Object Lock default retention on the log bucket. */
  objectLockDays: z.number().int().min(1).max(36_500).default(365),
  /**
   * GOVERNANCE can be lifted by a principal with s3:BypassGovernanceRetention; COMPLIANCE by nobody, ever.
   * Default: GOVERNANCE in the log-archive account (SCPs deny the bypass there), COMPLIANCE when the bucket
   * is in the management account (no SCP applies, so only COMPLIANCE holds against its admins).
   */
  objectLockMode: z.enum(['GOVERNANCE', 'COMPLIANCE']).optional(),
  logGroupRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(365),
  /** Days before log objects move to Glacier Instant Retrieval, then to Deep Archive. */
  archiveAfterDays: z.number().int().min(30).default(90),
  deepArchiveAfterDays: z.number().int().min(90).default(365),
  /** Delete log objects after this many days; absent = keep forever. Must outlast Object Lock. */
  expireAfterDays: z.number().int().positive().optional(),
  insights: z.boolean().default(true),
});

const controlModes = z.strictObject({
  networkPerimeter: mode.optional(),
  cloudShell: mode.optional(),
  logProtection: mode.optional(),
});

const aws = z.strictObject({
  organizationId: z.string().regex(ID_PATTERNS.organizationId, { error: 'must be an organization id, e.g. o-a1b2c3d4e5' }),
  managementAccountId: accountId,
  /**
   * Control Tower / SRA log-archive account: holds the trail's bucket and key, where SCPs apply. Set it
   * together with securityAccountId; without both, everything stays in the management account.
   */
  logArchiveAccountId: accountId.optional(),
  /** Security tooling (audit) account: holds the alert topic, the central event bus and the alarm pipeline. */
  securityAccountId: accountId.optional(),
  /** EventBridge's event-pattern size quota in your accounts (default quota 2,048; it can be raised to 4,096). */
  eventPatternMaxLength: z.number().int().min(512).max(4096).default(2048),
  /** The organisation's partition: break-glass and automation ARNs and all regions must be in it. */
  partition: z.enum(AWS_PARTITIONS, { error: `must be one of ${AWS_PARTITIONS.join(', ')}` }).default('aws'),
  /** Region of the trail's bucket, key and log group, and of the stack. */
  homeRegion: z.string().regex(ID_PATTERNS.region, { error: 'must be an AWS region code, e.g. us-east-1' }).default('us-east-1'),
  targets: z.array(target).default([]),
  /** Regions whose CloudTrail events EventBridge rules watch in every member account (us-east-1 is required). */
  regions: z.array(z.string().regex(ID_PATTERNS.region, { error: 'must be an AWS region code, e.g. eu-west-1' })).default([]),
  cloudShell: z.enum(['block', 'vpcOnly', 'allow'], { error: 'must be block, vpcOnly or allow' }).default('vpcOnly'),
  scpSizeBudget: z
    .number()
    .int()
    .min(1024, { error: 'is too small to hold the perimeter statement; use 1024 to 10240' })
    .max(SCP_MAX_CHARACTERS, { error: `is over AWS's limit of ${SCP_MAX_CHARACTERS} characters per SCP` })
    .default(SCP_MAX_CHARACTERS),
  maxPoliciesPerTarget: z.number().int().min(1).max(SCP_MAX_PER_TARGET).default(SCP_MAX_PER_TARGET),
  /** SCPs already attached to the targets by others (FullAWSAccess counts): they use up the per-target quota. */
  existingPoliciesPerTarget: z.number().int().min(0).max(SCP_MAX_PER_TARGET - 1).default(1),
  /** Principals carrying this tag with value "true" are outside the network perimeter (for odd workloads). */
  perimeterExemptionTag: z.string().regex(ID_PATTERNS.tagKey).default('guardrails:perimeter-exempt'),
  /**
   * Opt-in scope of the network perimeter (aws-samples/data-perimeter-policy-examples' dp:include:network):
   * when set, only principals carrying this tag with value "true", and the credentials AWS issues to Lambda
   * functions, EC2 instances and Glue jobs, are held to it. Absent: every principal is (deny by default).
   */
  perimeterIncludeTag: z.string().regex(ID_PATTERNS.tagKey).optional(),
  /** Resources carrying this tag with value "true" are protected from tampering by the SCPs. */
  protectionTag: z.string().regex(ID_PATTERNS.tagKey).default('guardrails:protected'),
  controls: controlModes.default({}),
  trail: trail.default(() => trail.parse({})),
});

export const configSchema = z.strictObject({
  /** Default mode for every preventive control; `aws.controls` overrides it per control. */
  mode: mode.default('report'),
  trustedNetworks: z
    .strictObject({
      /** Public IPv4/IPv6 egress ranges of the organisation. */
      cidrs: z.array(z.string()).default([]),
      azure: z
        .strictObject({
          /** Existing Entra named locations to trust in addition to the one built from cidrs. */
          namedLocationIds: z.array(z.string().regex(/^[0-9a-f-]{36}$/i, { error: 'must be a named location id (a GUID)' })).default([]),
          /** Inside trusted locations, also require a compliant (Intune) device for Azure management. */
          compliantDeviceRequired: z.boolean().default(false),
        })
        .optional(),
      aws: z
        .strictObject({
          vpcIds: z.array(vpc).default([]),
          vpcEndpointIds: z
            .array(z.string().regex(ID_PATTERNS.vpcEndpointId, { error: 'must be a VPC endpoint id, e.g. vpce-0123456789abcdef0' }))
            .default([]),
        })
        .default({ vpcIds: [], vpcEndpointIds: [] }),
    })
    .default({ cidrs: [], aws: { vpcIds: [], vpcEndpointIds: [] } }),
  breakGlass: z
    .strictObject({
      aws: z.strictObject({ roleArns: z.array(roleArnPattern) }).optional(),
      azure: z
        .strictObject({
          userObjectIds: z.array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an Entra object id (a GUID)' })).default([]),
          groupObjectIds: z.array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an Entra object id (a GUID)' })).default([]),
        })
        .optional(),
      gcp: z
        .strictObject({
          members: z.array(z.string().regex(ID_PATTERNS.gcpMember, { error: 'must be user:EMAIL, group:EMAIL or serviceAccount:EMAIL' })),
        })
        .optional(),
    })
    .default({}),
  automation: z
    .strictObject({
      aws: z.strictObject({ roleArns: z.array(roleArnPattern).default([]) }).optional(),
      azure: z
        .strictObject({
          servicePrincipalObjectIds: z.array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an Entra object id (a GUID)' })).default([]),
        })
        .optional(),
      gcp: z
        .strictObject({
          serviceAccounts: z.array(z.string().regex(ID_PATTERNS.gcpServiceAccount, { error: 'must be a service account email, e.g. ci@project.iam.gserviceaccount.com' })).default([]),
        })
        .optional(),
    })
    .default({}),
  aws: aws.optional(),
  azure: z
    .strictObject({
      tenantId: z.string({ error: 'is required: the Entra tenant id (a GUID)' }).regex(ID_PATTERNS.guid, { error: 'must be the Entra tenant id (a GUID)' }),
      managementGroupId: z.string().regex(ID_PATTERNS.azureManagementGroup, { error: 'must be a management group id (name)' }).optional(),
      subscriptionIds: z.array(z.string().regex(ID_PATTERNS.guid, { error: 'must be a subscription id (a GUID)' })).default([]),
      location: z.string().regex(ID_PATTERNS.azureLocation, { error: 'must be an Azure region name such as westeurope' }).default('westeurope'),
      resourceGroupName: z.string().regex(/^[\w.()-]{1,89}[\w()-]$/, { error: 'must be a resource group name' }).default('guardrails-logging'),
      logRetentionDays: z.number().int().min(30).max(730).default(365),
      immutableDays: z.number().int().min(1).max(146_000).default(365),
      /** perSubscription: one diagnostic setting per listed subscription. policy: one DeployIfNotExists assignment at the management group. */
      activityLogDeployment: z.enum(['perSubscription', 'policy']).default('perSubscription'),
      /** Entra diagnostic settings need a user with Global or Security Administrator: a service principal cannot create them. */
      entraDiagnostics: z.boolean().default(true),
      /**
       * Management groups under managementGroupId whose own Activity Log (policy and role changes made at that
       * level) also goes to the workspace and storage. managementGroupId always gets one when it is set.
       */
      childManagementGroupIds: z.array(z.string().regex(ID_PATTERNS.azureManagementGroup, { error: 'must be a management group id (name)' })).default([]),
      /**
       * Lock the storage account's immutability policy. Irreversible: the retention can then only be extended,
       * and Azure only locks a policy that already exists unlocked (deploy once with false first).
       */
      lockImmutability: z.boolean().default(false),
      /**
       * Conditional Access for workload identities: block the tenant's service principals outside the trusted
       * locations, except automation.azure.servicePrincipalObjectIds. Needs Workload Identities Premium.
       */
      workloadIdentityConditionalAccess: z.boolean().default(false),
    })
    .optional(),
  gcp: z
    .strictObject({
      organizationId: z.string({ error: 'must be the numeric organization id in quotes, e.g. "123456789012"' }).regex(ID_PATTERNS.gcpOrganizationId, {
        error: 'must be the numeric organization id (gcloud organizations list), e.g. "123456789012"',
      }),
      logProjectId: z.string().regex(ID_PATTERNS.gcpProjectId, { error: 'must be a project id: 6-30 lowercase letters, digits or hyphens' }),
      /** The group whose members administer GCP: context-aware access binds to it. */
      adminGroup: z.strictObject({
        email: z.email({ error: 'must be the group\'s email address' }),
        /** The group's Cloud Identity directory id (gcloud identity groups describe EMAIL --format='value(name)'). */
        directoryId: z.string().regex(/^[a-z0-9]{8,32}$/, { error: 'must be the group\'s directory id (the part after groups/ in gcloud identity groups describe)' }).optional(),
      }),
      region: z.string().regex(ID_PATTERNS.gcpLocation, { error: 'must be a Cloud Logging location such as global or us-central1' }).default('global'),
      dataAccessServices: z.array(z.string().regex(ID_PATTERNS.gcpService, { error: 'must be a service name such as storage.googleapis.com' })).default([]),
      /** Locking a log bucket is irreversible: its retention can never be lowered and it cannot be deleted. */
      lockLogBucket: z.boolean().default(false),
      retentionDays: z.number().int().min(1).max(3650).default(400),
      /** Project numbers inside the VPC Service Controls perimeter. */
      vpcScProjects: z.array(z.string().regex(ID_PATTERNS.gcpProjectNumber, { error: 'must be a project number (digits), not a project id' })).default([]),
      devicePolicy: z.strictObject({ requireScreenLock: z.boolean().default(true), requireCorpOwned: z.boolean().default(false) }).optional(),
      /**
       * The organization's current audit configuration, pasted from
       * `gcloud organizations get-iam-policy ORG --format=json` (its auditConfigs list; [] when it has none).
       * IamAuditConfig is authoritative per service, so the kit merges its log types into these instead of
       * replacing them. Required: without it the kit refuses to plan.
       */
      existingAuditConfigs: z
        .array(
          z.strictObject({
            service: z.string().regex(ID_PATTERNS.gcpService, { error: 'must be a service name such as storage.googleapis.com, or allServices' }),
            auditLogConfigs: z.array(
              z.strictObject({
                logType: z.enum(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'], { error: 'must be ADMIN_READ, DATA_READ or DATA_WRITE' }),
                exemptedMembers: z.array(z.string()).optional(),
              }),
            ),
          }),
        )
        .optional(),
      /**
       * Context-aware access for the automation service accounts (automation.gcp.serviceAccounts) and for
       * every service account of the listed projects, so a stolen key only works from these networks.
       */
      automationAccess: z
        .strictObject({
          /** Extra public egress ranges of CI runners, added to trustedNetworks.cidrs for service accounts only. */
          cidrs: z.array(z.string()).default([]),
          /** Project numbers whose service accounts are all bound (serviceAccountProjectNumber). */
          projectNumbers: z.array(z.string().regex(ID_PATTERNS.gcpProjectNumber, { error: 'must be a project number (digits), not a project id' })).default([]),
          /** Overrides `mode` for these bindings only: keep report (dry-run) until the dry-run logs are clean. */
          mode: mode.optional(),
        })
        .optional(),
    })
    .optional(),
  notifications: z
    .strictObject({
      emails: z.array(z.email({ error: 'must be an email address' })).default([]),
      webhooks: z
        .array(z.url({ protocol: /^https$/, error: 'must be an https:// URL (alerts carry account details; never plain http)' }))
        .default([]),
    })
    .default({ emails: [], webhooks: [] }),
});

/** The config as written (before defaults). */
export type GuardrailsConfigInput = z.input<typeof configSchema>;
/** The config after schema parsing (defaults applied, not yet cross-checked or normalised). */
export type ParsedConfig = z.output<typeof configSchema>;
export type AwsConfig = NonNullable<ParsedConfig['aws']>;
export type TrailConfig = AwsConfig['trail'];
export type ControlName = keyof z.output<typeof controlModes>;
export type GcpConfig = NonNullable<ParsedConfig['gcp']>;
export type AzureConfig = NonNullable<ParsedConfig['azure']>;
