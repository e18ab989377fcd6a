/**
 * The hunting blocks of the config (aws.hunting, gcp.hunting) as the stacks take them: present only when
 * enabled, defaults that depend on other fields resolved, and the cross-field checks of each.
 */
import { ConfigError, type ConfigWarning } from './config-error.ts';
import type { AwsHuntingModel, GcpHuntingModel } from './model.ts';
import type { AwsConfig, GcpConfig } from './schema.ts';

/** The workgroup Athena creates in every account (Athena user guide, "Manage workgroups"): it exists already. */
const ATHENA_DEFAULT_WORKGROUP = 'primary';

export function awsHuntingModel(aws: AwsConfig, warnings: ConfigWarning[]): AwsHuntingModel | undefined {
  if (!aws.hunting?.enabled) return undefined;
  const { enabled: _, lookbackDays, ...hunting } = aws.hunting;
  if (hunting.workgroupName === ATHENA_DEFAULT_WORKGROUP) {
    throw new ConfigError(
      'aws.hunting.workgroupName',
      `"${ATHENA_DEFAULT_WORKGROUP}" is the workgroup Athena creates in every account, so the kit cannot create it`,
      'Use another name, e.g. guardrails-hunting.',
    );
  }
  const deepArchive = aws.trail.deepArchiveAfterDays;
  // Athena skips objects in Glacier Deep Archive unless they are restored and the table reads restored
  // objects (Athena user guide, "Query restored Amazon S3 Glacier objects"): the table does read them.
  if (lookbackDays !== undefined && lookbackDays > deepArchive) {
    warnings.push({
      path: 'aws.hunting.lookbackDays',
      message: `(${lookbackDays}) reaches past aws.trail.deepArchiveAfterDays (${deepArchive}): Athena skips logs in Glacier Deep Archive, so hunts see the oldest ${lookbackDays - deepArchive} days only once those objects are restored`,
    });
  }
  return { ...hunting, lookbackDays: lookbackDays ?? deepArchive };
}

export function gcpHuntingModel(gcp: GcpConfig, warnings: ConfigWarning[]): GcpHuntingModel | undefined {
  if (!gcp.hunting?.enabled) return undefined;
  const { enabled: _, ...hunting } = gcp.hunting;
  // Cloud Logging: "Once enabled, log analytics features cannot be disabled" (LogBucket.analyticsEnabled,
  // https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets), and only an unlocked
  // bucket can be upgraded (https://cloud.google.com/logging/docs/buckets#upgrade-bucket). In one update
  // the provider enables analytics before it applies the other fields, the lock included
  // (hashicorp/terraform-provider-google, resource_logging_project_bucket_config.go), so a first deploy
  // with both works; a bucket locked by an earlier deploy stays locked and the upgrade is refused.
  warnings.push({
    path: 'gcp.hunting',
    message: gcp.lockLogBucket
      ? 'upgrades the log bucket to Log Analytics, which can never be turned off; Cloud Logging upgrades only unlocked buckets: deployed together with lockLogBucket the upgrade is applied before the lock, but a bucket locked by an earlier deploy cannot be upgraded (and a lock is never lifted)'
      : 'upgrades the log bucket to Log Analytics, which can never be turned off; enable it before setting lockLogBucket (Cloud Logging upgrades only unlocked buckets)',
  });
  return hunting;
}
