/**
 * Where the organization trail's evidence lives: a KMS key and an Object-Locked, versioned, private,
 * TLS-only S3 bucket with server access logs. In the AWS SRA layout this is the log-archive account, so
 * the SCPs apply to everyone who could touch it; in the single-account layout it is the management
 * account, where only this bucket's and key's own policies protect it, so Object Lock defaults to
 * COMPLIANCE and the bucket policy itself denies the governance bypass and lock changes.
 * Everything is RETAINed: deleting the stack must never delete evidence.
 *
 * Used on its own, `new TrailEvidenceStore(scope, 'Evidence', { organizationId, breakGlassRoleArns })` is the
 * single-account layout's store for a trail named guardrails-org-trail in this account and region; hand its
 * `bucket` to OrganizationTrail, which then uses its key too. It refuses an empty break-glass list, as the
 * config does (core/aws/perimeter-safety.ts): the bucket policy would deny lock changes to everyone.
 */
import { Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { missingBreakGlassProblem } from '../../core/aws/perimeter-safety.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { DEFAULT_TRAIL_NAME, trailResourceNames, type TrailResourceNames } from '../../core/aws/trail-names.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { acknowledge } from './acknowledge.ts';
import { allowTrailToEncrypt, allowTrailToWrite } from './cloudtrail-access.ts';

export interface TrailEvidenceStoreProps {
  /** The organization id: CloudTrail writes member accounts' log files under AWSLogs/<organization id>/. */
  readonly organizationId: string;
  /**
   * Break-glass role ARN patterns: the only principals that may change retention or the lock (a Deny on
   * everyone else in the bucket policy). Must not be empty.
   */
  readonly breakGlassRoleArns: readonly string[];
  /**
   * The management account, where the organization trail is created.
   * @default - this stack's account (the single-account layout)
   */
  readonly managementAccountId?: string;
  /**
   * Names of every resource, shared with the trail and the protection SCPs (core/aws/trail-names.ts).
   * @default - the names of a trail called 'guardrails-org-trail' in `managementAccountId` and this stack's region, with the bucket and key in this stack's account
   */
  readonly names?: TrailResourceNames;
  /**
   * Default Object Lock retention of log objects, in days.
   * @default 365
   */
  readonly objectLockDays?: number;
  /**
   * GOVERNANCE can be bypassed with s3:BypassGovernanceRetention (which the SCPs and the bucket policy deny); COMPLIANCE never, by anyone.
   * @default - COMPLIANCE where no SCP protects the bucket (this stack is the management account's, or its account is unknown), else GOVERNANCE
   */
  readonly objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  /**
   * Days before log objects move to Glacier Instant Retrieval (and noncurrent versions to Deep Archive).
   * @default 90
   */
  readonly archiveAfterDays?: number;
  /**
   * Days before log objects move to Glacier Deep Archive; must come after `archiveAfterDays`.
   * @default 365
   */
  readonly deepArchiveAfterDays?: number;
  /**
   * Expire log objects after this many days; must outlast `objectLockDays` and `deepArchiveAfterDays`.
   * @default - never: log objects are kept forever
   */
  readonly expireAfterDays?: number;
  /**
   * Tag key marking resources the protection SCPs guard (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

/** The props with every default applied. */
type ResolvedProps = Required<Omit<TrailEvidenceStoreProps, 'expireAfterDays'>> & Pick<TrailEvidenceStoreProps, 'expireAfterDays'>;

/** Object Lock changes the bucket policy denies to everyone but break-glass. */
export const LOCK_CHANGE_ACTIONS = [
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
] as const;

export class TrailEvidenceStore extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, given: TrailEvidenceStoreProps) {
    super(scope, id);
    // Server access logs are granted by bucket policy, whatever the app's feature flags: without this flag
    // aws-cdk-lib grants them by the LogDeliveryWrite ACL, which BUCKET_OWNER_ENFORCED (ACLs off) refuses.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const noBreakGlass = missingBreakGlassProblem(given.breakGlassRoleArns);
    if (noBreakGlass) throw new ConfigError(`${this.node.path} props.breakGlassRoleArns`, noBreakGlass.problem, noBreakGlass.fix);
    const props = resolveProps(this, given);
    const { names } = props;

    this.key = new kms.Key(this, 'Key', {
      alias: names.keyAlias,
      description: `Encrypts the log files of the ${names.trailName} organization trail`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const trail = { trailArn: names.trailArn, managementAccountId: props.managementAccountId, organizationId: props.organizationId };
    allowTrailToEncrypt(this.key, trail);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...evidenceBucketProps(props),
      bucketName: names.accessLogsBucketName,
      // Server access log delivery supports only SSE-S3 on the target bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const selfLogging = 'This is the server access log bucket of the trail bucket; logging it to itself would loop.';
    acknowledge(this.accessLogsBucket, {
      'AwsSolutions-S1': selfLogging,
      'NIST.800.53.R5-S3BucketLoggingEnabled': selfLogging,
      'NIST.800.53.R5-S3BucketReplicationEnabled': 'Access logs stay in the home region; a replication target is organisation-specific and left to the user.',
      'NIST.800.53.R5-S3DefaultEncryptionKMS': 'S3 server access log delivery only supports SSE-S3 on the target bucket.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...evidenceBucketProps(props),
      bucketName: names.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.objectLockMode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(props.objectLockDays))
          : s3.ObjectLockRetention.governance(Duration.days(props.objectLockDays)),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${names.bucketName}/`,
    });
    acknowledge(this.bucket, {
      'NIST.800.53.R5-S3BucketReplicationEnabled':
        'Object Lock and versioning protect the logs in place; cross-region replication needs a destination bucket the user owns.',
    });
    allowTrailToWrite(this.bucket, trail);
    this.denyLockChanges(props);
    Tags.of(this).add(props.protectionTag, 'true');
  }

  /**
   * Nobody but break-glass may lift or shorten retention, or change the lock: in the management account
   * no SCP applies, so this Deny in the bucket's own policy is what stops its admins (S3 user guide,
   * "Object Lock": bypassing governance mode needs s3:BypassGovernanceRetention).
   */
  private denyLockChanges(props: ResolvedProps): void {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyRetentionAndLockChangesButBreakGlass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...LOCK_CHANGE_ACTIONS],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [...props.breakGlassRoleArns] } },
      }),
    );
  }
}

/** What both buckets share: private, TLS-only, versioned, retained, archived as they age. */
function evidenceBucketProps(props: ResolvedProps): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [lifecycle(props)],
  };
}

/** Cheaper tiers as logs age; expiry only if asked (and never inside the Object Lock period: validated). */
function lifecycle(props: ResolvedProps): s3.LifecycleRule {
  return {
    id: 'archive-audit-logs',
    transitions: [
      { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.archiveAfterDays) },
      { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(props.deepArchiveAfterDays) },
    ],
    noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(props.archiveAfterDays) }],
    expiration: props.expireAfterDays ? Duration.days(props.expireAfterDays) : undefined,
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  };
}

/** The defaults of the props, in the construct (the config passes the values the user resolved). */
function resolveProps(scope: Construct, props: TrailEvidenceStoreProps): ResolvedProps {
  const { account, region } = Stack.of(scope);
  const managementAccountId = props.managementAccountId ?? account;
  // No SCP applies to the management account's resources; where the account is unknown, assume so.
  const unprotected = Token.isUnresolved(account) || account === managementAccountId;
  return {
    ...props,
    managementAccountId,
    names:
      props.names ??
      trailResourceNames({ trail: { name: DEFAULT_TRAIL_NAME }, accounts: { management: managementAccountId, logArchive: account }, homeRegion: region }),
    objectLockDays: props.objectLockDays ?? 365,
    objectLockMode: props.objectLockMode ?? (unprotected ? 'COMPLIANCE' : 'GOVERNANCE'),
    archiveAfterDays: props.archiveAfterDays ?? 90,
    deepArchiveAfterDays: props.deepArchiveAfterDays ?? 365,
    protectionTag: props.protectionTag ?? DEFAULT_PROTECTION_TAG,
  };
}
