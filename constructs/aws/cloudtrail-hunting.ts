/**
 * Organization-scale hunting over the organization trail's bucket: a Glue database and a CloudTrail table
 * with partition projection over the trail's prefix, and an Athena workgroup whose settings every query
 * must use (results KMS-encrypted in a bucket of their own and expired, a per-query scan cutoff, CloudWatch
 * metrics, an explicit engine version). It goes in the account holding the trail's bucket (the log-archive
 * account in the AWS SRA layout), next to the TrailEvidenceStore; it reads the logs and never writes them.
 *
 * The table is the one of the Athena user guide, "Create the table for CloudTrail logs in Athena using
 * partition projection" (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html):
 * its columns, SerDe, input and output formats and date projection, widened from one account and region
 * to the organization trail's prefix AWSLogs/<organization id>/<account>/CloudTrail/<region>/<yyyy/MM/dd>/
 * (CloudTrail user guide, "Finding your CloudTrail log files"). The three projected keys:
 * - `account`, injected: the organization's accounts are not in the config and change; a query names the
 *   accounts it reads (`account IN (...)`), which also bounds its scan
 *   (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html);
 * - `region`, enum: every region of the partition (the trail records all of them, not only aws.regions),
 *   a few dozen values as the supported-types page recommends for enums
 *   (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html);
 * - `timestamp`, date: yyyy/MM/dd by day, from NOW-<lookbackDays>DAYS to NOW.
 *
 * What protects each resource (core/aws/log-protection-statements.ts and hunting-protection-statements.ts;
 * SCPs apply only outside the management account and only once logProtection is enforced; the names
 * come from core/aws/hunting-names.ts, so the SCP names exactly these resources):
 * - Glue database: SCP ProtectHuntingDatabase denies glue:DeleteDatabase and glue:UpdateDatabase on its ARN.
 * - CloudTrail table: its storage.location.template and projection properties decide what hunts read;
 *   SCP ProtectHuntingTable denies glue:UpdateTable, glue:DeleteTable and glue:BatchDeleteTable on its ARN.
 *   Glue databases and tables take no tags in CloudFormation, hence ARNs. The table only points at the
 *   evidence and cannot change it.
 * - Athena workgroup: tagged; SCP ProtectTaggedGuardrailResources denies athena:UpdateWorkGroup and
 *   athena:DeleteWorkGroup on tagged workgroups.
 * - Results bucket: named `<trail bucket>-hunting`; SCP ProtectTrailBuckets denies changing its policy,
 *   ACL, versioning, lock, lifecycle, encryption, public access block, logging, ownership or tags, and
 *   deleting it (not its objects: hunters write results and the lifecycle rule expires them). It is also
 *   private, TLS-only (1.2+), versioned and logs to the trail's access-log bucket.
 * - Results key: tagged; SCP ProtectTaggedGuardrailResources denies disabling it, its rotation, scheduling
 *   its deletion and replacing its policy.
 * Removing or changing the protection tag is denied by SCP ProtectGuardrailTags. Break-glass is exempt from
 * all of it (and the StackSet execution role from the tagged statement), not the CDK roles: updates of these
 * resources are deployed as break-glass once logProtection is enforced, as for the trail's bucket.
 */
import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { DEFAULT_HUNTING_DATABASE, DEFAULT_HUNTING_WORKGROUP, HUNTING_TABLE_NAME, huntingResultsBucketName } from '../../core/aws/hunting-names.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { awsRegionPartitions } from '../../core/config/aws-regions.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { ATHENA_CLOUDTRAIL_COLUMNS, athenaTypeText } from '../../core/detection/compilers/athena-cloudtrail-columns.ts';
import { acknowledge } from './acknowledge.ts';

/** A column as Glue stores it: a name and a Hive type string. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
}

const S = 'string';

/**
 * The columns of the user guide's CloudTrail table, in its order and with its (lowercase) names: the list the
 * Athena SQL printer compiles against (core/detection/compilers/athena-cloudtrail-columns.ts), so the table and
 * the queries cannot drift apart.
 */
export const CLOUDTRAIL_COLUMNS: readonly GlueColumn[] = ATHENA_CLOUDTRAIL_COLUMNS.map(({ name, type }) => ({
  name,
  type: athenaTypeText(type).toLowerCase(),
}));

/** The projected partition keys, in the order of the prefix. */
export const CLOUDTRAIL_PARTITION_KEYS: readonly GlueColumn[] = [
  { name: 'account', type: S },
  { name: 'region', type: S },
  { name: 'timestamp', type: S },
];

/** The user guide's SerDe and formats: CloudTrailInputFormat reads the Records array of each log file. */
export const CLOUDTRAIL_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
export const CLOUDTRAIL_INPUT_FORMAT = 'com.amazon.emr.cloudtrail.CloudTrailInputFormat';
export const CLOUDTRAIL_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

export const CLOUDTRAIL_TABLE_NAME = HUNTING_TABLE_NAME;
/** Athena engine version 3: the version that reads restored Glacier objects (see the table's properties). */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';
/** Athena's minimum per-query cutoff, in bytes (Athena API reference, WorkGroupConfiguration.BytesScannedCutoffPerQuery). */
const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;
const GIB = 1024 ** 3;

export interface CloudTrailHuntingProps {
  /** The organization id: the trail writes member accounts' log files under AWSLogs/<organization id>/. */
  readonly organizationId: string;
  /** Name of the bucket the organization trail writes to (TrailEvidenceStore's). */
  readonly trailBucketName: string;
  /** The bucket receiving the results bucket's server access logs (TrailEvidenceStore's accessLogsBucket). */
  readonly accessLogsBucket: s3.IBucket;
  /** @default 'guardrails_hunting' */
  readonly databaseName?: string;
  /** @default 'guardrails-hunting' */
  readonly workgroupName?: string;
  /** Days before query results expire. @default 30 */
  readonly resultsRetentionDays?: number;
  /** Per-query scan cutoff, in GiB. @default 1024 */
  readonly bytesScannedCutoffGb?: number;
  /** How far back the date partitions reach, in days. @default 365 */
  readonly lookbackDays?: number;
  /** Regions the trail's files can come from. @default - every region of the aws partition (aws-cdk-lib's region data) */
  readonly regions?: readonly string[];
  /** @default 'guardrails:protected' */
  readonly protectionTag?: string;
}

export class CloudTrailHunting extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workgroup: athena.CfnWorkGroup;
  readonly resultsBucket: s3.Bucket;
  /** A key of its own for the results: hunters need it, not the trail key's policy. */
  readonly resultsKey: kms.Key;

  constructor(scope: Construct, id: string, props: CloudTrailHuntingProps) {
    super(scope, id);
    // Server access logs by bucket policy (BUCKET_OWNER_ENFORCED refuses the ACL), as TrailEvidenceStore does.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const at = (field: string) => `${this.node.path} props.${field}`;
    const databaseName = props.databaseName ?? DEFAULT_HUNTING_DATABASE;
    const workgroupName = props.workgroupName ?? DEFAULT_HUNTING_WORKGROUP;
    const cutoffBytes = (props.bytesScannedCutoffGb ?? 1024) * GIB;
    if (cutoffBytes < MIN_BYTES_SCANNED_CUTOFF) {
      throw new ConfigError(at('bytesScannedCutoffGb'), `(${props.bytesScannedCutoffGb}) is under Athena's minimum of 10 MB`, 'Use 1 or more.');
    }
    const regions = props.regions ?? [...awsRegionPartitions()].filter(([, partition]) => partition === 'aws').map(([region]) => region);
    if (regions.length === 0) throw new ConfigError(at('regions'), 'is empty, so the table would project no partition', 'List at least one region.');
    const { account } = Stack.of(this);

    this.resultsKey = new kms.Key(this, 'ResultsKey', {
      description: `Encrypts the query results of the ${workgroupName} Athena workgroup`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
      bucketName: huntingResultsBucketName(props.trailBucketName),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.resultsKey,
      bucketKeyEnabled: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: `hunting-results/${workgroupName}/`,
      lifecycleRules: [
        {
          id: 'expire-query-results',
          expiration: Duration.days(props.resultsRetentionDays ?? 30),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    acknowledge(this.resultsBucket, {
      'NIST.800.53.R5-S3BucketReplicationEnabled':
        'Query results are derived from the trail bucket and expire; replicating them would keep copies the lifecycle rule is meant to remove.',
    });

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: databaseName, description: 'cloud-api-guardrails: the organization trail, for hunting with Athena' },
    });
    const location = `s3://${props.trailBucketName}/AWSLogs/${props.organizationId}/`;
    this.table = new glue.CfnTable(this, 'CloudTrailTable', {
      catalogId: account,
      databaseName,
      tableInput: {
        name: CLOUDTRAIL_TABLE_NAME,
        description: `The ${props.organizationId} organization trail's log files, partitions projected by account, region and day`,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.account.type': 'injected',
          'projection.region.type': 'enum',
          'projection.region.values': regions.join(','),
          'projection.timestamp.type': 'date',
          'projection.timestamp.format': 'yyyy/MM/dd',
          'projection.timestamp.range': `NOW-${props.lookbackDays ?? 365}DAYS,NOW`,
          'projection.timestamp.interval': '1',
          'projection.timestamp.interval.unit': 'DAYS',
          'storage.location.template': `${location}\${account}/CloudTrail/\${region}/\${timestamp}`,
          // Logs restored from Glacier Deep Archive are read instead of skipped (engine version 3 only).
          read_restored_glacier_objects: 'true',
        },
        partitionKeys: [...CLOUDTRAIL_PARTITION_KEYS],
        storageDescriptor: {
          location,
          inputFormat: CLOUDTRAIL_INPUT_FORMAT,
          outputFormat: CLOUDTRAIL_OUTPUT_FORMAT,
          serdeInfo: { serializationLibrary: CLOUDTRAIL_SERDE },
          columns: [...CLOUDTRAIL_COLUMNS],
        },
      },
    });
    this.table.node.addDependency(this.database);

    // AWS::Athena::WorkGroup: with EnforceWorkGroupConfiguration, client-side settings (another output
    // location, no encryption, no cutoff) are ignored (Athena user guide, "Override client-side settings").
    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: workgroupName,
      description: 'cloud-api-guardrails: hunting over the organization trail',
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoffBytes,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: this.resultsBucket.s3UrlForObject('results/'),
          expectedBucketOwner: account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.resultsKey.keyArn },
        },
      },
    });
    Tags.of(this).add(props.protectionTag ?? DEFAULT_PROTECTION_TAG, 'true');
  }
}
