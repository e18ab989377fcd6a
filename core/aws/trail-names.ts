/**
 * Names and ARNs of the audit-trail resources, derived from config alone. The trail construct names its
 * resources with these, and the protection SCPs refer to the same ARNs: one source, and the SCP size is
 * known exactly at synth (no unresolved tokens in policy text).
 */
import type { AwsModel } from '../config/model.ts';

export interface TrailResourceNames {
  readonly trailName: string;
  /** Any-region pattern: member accounts see the organization trail from every region. */
  readonly trailArnPattern: string;
  readonly bucketName: string;
  readonly accessLogsBucketName: string;
  readonly logGroupName: string;
  readonly logGroupArnPattern: string;
  readonly keyAlias: string;
}

export function trailResourceNames(aws: Pick<AwsModel, 'trail' | 'managementAccountId' | 'homeRegion'>): TrailResourceNames {
  const { name } = aws.trail;
  const account = aws.managementAccountId;
  return {
    trailName: name,
    trailArnPattern: `arn:aws:cloudtrail:*:${account}:trail/${name}`,
    // Bucket names are global: account and region make them unique and predictable.
    bucketName: `${name}-${account}-${aws.homeRegion}`,
    accessLogsBucketName: `${name}-access-logs-${account}-${aws.homeRegion}`,
    logGroupName: `/guardrails/${name}`,
    logGroupArnPattern: `arn:aws:logs:*:${account}:log-group:/guardrails/${name}`,
    keyAlias: `alias/${name}`,
  };
}
