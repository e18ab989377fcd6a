/**
 * Names and ARNs of the aws.hunting resources (constructs/aws/cloudtrail-hunting.ts), derived from config
 * alone, as trail-names.ts does for the trail: the construct names its resources with these and the
 * tamper-protection SCP denies changes to the same ARNs, so both always agree and the SCP size is known at synth.
 */
import type { AwsModel } from '../config/model.ts';
import { ConfigError } from '../config/config-error.ts';
import { type TrailNaming, trailResourceNames } from './trail-names.ts';

/** aws.hunting.databaseName's default (core/config/schema.ts). */
export const DEFAULT_HUNTING_DATABASE = 'guardrails_hunting';
/** aws.hunting.workgroupName's default (core/config/schema.ts). */
export const DEFAULT_HUNTING_WORKGROUP = 'guardrails-hunting';
/** The CloudTrail table in the hunting database. */
export const HUNTING_TABLE_NAME = 'cloudtrail';

/** S3 bucket names are 3 to 63 characters (S3 user guide, "General purpose bucket naming rules"). */
const MAX_BUCKET_NAME = 63;

export interface HuntingResourceNames {
  readonly databaseName: string;
  readonly tableName: string;
  readonly workgroupName: string;
  readonly resultsBucketName: string;
  /**
   * Glue ARNs (Service Authorization Reference, AWS Glue, resource types database and table:
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html).
   */
  readonly databaseArn: string;
  readonly tableArn: string;
  /** https://docs.aws.amazon.com/athena/latest/ug/workgroups-access.html */
  readonly workgroupArn: string;
  /** The bucket itself, not its objects: query results are hunters' to write and the lifecycle rule's to expire. */
  readonly resultsBucketArn: string;
}

/**
 * The results bucket's name: the trail bucket's (account and region make it unique and predictable) with
 * a suffix. The trail name is at most 24 characters, so this stays within S3's 63 as the access-log bucket does.
 */
export function huntingResultsBucketName(trailBucketName: string): string {
  const name = `${trailBucketName}-hunting`;
  if (name.length > MAX_BUCKET_NAME) {
    // The trail bucket's name is aws.trail.name with the log-archive account and home region appended.
    throw new ConfigError(
      'aws.trail.name',
      `makes the trail bucket ${trailBucketName}, and the hunting results bucket name ${name} longer than S3's ${MAX_BUCKET_NAME} characters`,
      `Use a shorter aws.trail.name: the trail bucket's name must be at most ${MAX_BUCKET_NAME - '-hunting'.length} characters.`,
    );
  }
  return name;
}

/** What the names derive from: the trail's naming, the partition and aws.hunting's names. */
export interface HuntingNaming extends TrailNaming {
  readonly partition: AwsModel['partition'];
  readonly hunting: Pick<NonNullable<AwsModel['hunting']>, 'databaseName' | 'workgroupName'>;
}

/** The resources are in the account and home region of the trail's bucket (log-archive, or management in the single-account layout). */
export function huntingResourceNames(aws: HuntingNaming): HuntingResourceNames {
  const { databaseName, workgroupName } = aws.hunting;
  const resultsBucketName = huntingResultsBucketName(trailResourceNames(aws).bucketName);
  const arn = (service: string, resource: string) => `arn:${aws.partition}:${service}:${aws.homeRegion}:${aws.accounts.logArchive}:${resource}`;
  return {
    databaseName,
    tableName: HUNTING_TABLE_NAME,
    workgroupName,
    resultsBucketName,
    databaseArn: arn('glue', `database/${databaseName}`),
    tableArn: arn('glue', `table/${databaseName}/${HUNTING_TABLE_NAME}`),
    workgroupArn: arn('athena', `workgroup/${workgroupName}`),
    resultsBucketArn: `arn:${aws.partition}:s3:::${resultsBucketName}`,
  };
}
