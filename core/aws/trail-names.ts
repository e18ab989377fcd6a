/**
 * Names and ARNs of the audit-trail resources, derived from config alone. The trail construct names its
 * resources with these, and the protection SCPs refer to the same ARNs: one source, and the SCP size is
 * known exactly at synth (no unresolved tokens in policy text). Stacks in different accounts refer to
 * each other by these deterministic names, never by CloudFormation exports.
 */
import type { AwsModel } from '../config/model.ts';

export interface TrailResourceNames {
  readonly trailName: string;
  /** The trail lives in the management account (an organization trail is created there). */
  readonly trailArn: string;
  /** Any-region pattern: member accounts see the organization trail from every region. */
  readonly trailArnPattern: string;
  /** In the log-archive account (the management account in the single-account layout). */
  readonly bucketName: string;
  readonly accessLogsBucketName: string;
  /** The key encrypting the log files, in the bucket's account; CloudTrail accepts its alias ARN. */
  readonly keyAlias: string;
  readonly keyAliasArn: string;
  /** CloudTrail delivers to a log group in the trail's own account: the management account. */
  readonly logGroupName: string;
  readonly logGroupArnPattern: string;
  /** The key of the log group, in the management account: a key of its own in both layouts (one alias names one key). */
  readonly logGroupKeyAlias: string;
}

/** The trail name the config defaults to (aws.trail.name) and the constructs default to when used on their own. */
export const DEFAULT_TRAIL_NAME = 'guardrails-org-trail';

/** The trail's CloudWatch Logs group, in the trail's account. */
export function trailLogGroupName(trailName: string): string {
  return `/guardrails/${trailName}`;
}

/** The alias of the log group's own key. */
export function trailLogGroupKeyAlias(trailName: string): string {
  return `alias/${trailName}-logs`;
}

/** What the names derive from: the trail name, the accounts of the trail and of its bucket, and the home region. */
export interface TrailNaming {
  readonly trail: Pick<AwsModel['trail'], 'name'>;
  readonly accounts: Pick<AwsModel['accounts'], 'management' | 'logArchive'>;
  readonly homeRegion: string;
}

export function trailResourceNames(aws: TrailNaming): TrailResourceNames {
  const { name } = aws.trail;
  const { management, logArchive } = aws.accounts;
  const region = aws.homeRegion;
  return {
    trailName: name,
    trailArn: `arn:aws:cloudtrail:${region}:${management}:trail/${name}`,
    trailArnPattern: `arn:aws:cloudtrail:*:${management}:trail/${name}`,
    // Bucket names are global: account and region make them unique and predictable.
    bucketName: `${name}-${logArchive}-${region}`,
    accessLogsBucketName: `${name}-access-logs-${logArchive}-${region}`,
    keyAlias: `alias/${name}`,
    keyAliasArn: `arn:aws:kms:${region}:${logArchive}:alias/${name}`,
    logGroupName: trailLogGroupName(name),
    logGroupArnPattern: `arn:aws:logs:*:${management}:log-group:${trailLogGroupName(name)}`,
    logGroupKeyAlias: trailLogGroupKeyAlias(name),
  };
}
