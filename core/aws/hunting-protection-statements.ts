/**
 * Tamper protection for the aws.hunting resources (part of logProtection, only when aws.hunting is enabled).
 * The table's storage.location.template and projection properties decide which log files a hunt reads, so
 * rewriting or dropping the table (or its database) blinds every hunt as surely as deleting the logs would.
 *
 * - Glue database and table: by ARN. Each Glue table action is authorized on the catalog, the database and
 *   the table (Service Authorization Reference, AWS Glue:
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html), so denying on
 *   the table's ARN alone stops it without touching other tables; database actions are denied on the
 *   database's ARN (DeleteDatabase also deletes its tables). The catalog ARN is never named: it is in
 *   every Glue request of the account. Partition actions are left alone: with partition projection "Athena
 *   ignores any partition metadata registered to the table in the AWS Glue Data Catalog"
 *   (https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html), and projection itself can
 *   only be turned off through UpdateTable. Table versions are history, not what hunts read.
 * - Athena workgroup: by the protection tag, in log-protection-statements.ts's tagged statement: workgroups
 *   take aws:ResourceTag (https://docs.aws.amazon.com/athena/latest/ug/tags-access-control.html).
 * - Results bucket: by name, in the trail buckets' statement, bucket ARN only (its configuration, not its
 *   objects). Not by tag: "By default, ABAC is disabled for all Amazon S3 general purpose buckets"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html), so the name
 *   works whatever the bucket's ABAC setting, as for the trail buckets.
 *
 * Like the trail buckets, these are exempt for break-glass only: the log-archive stack's updates to
 * protected resources are deployed as break-glass once logProtection is enforced (README, "What enforcing costs").
 */
import type { HuntingResourceNames } from './hunting-names.ts';
import type { ConditionBlock, PolicyStatement } from './policy-document.ts';

export const HUNTING_PROTECTED_ACTIONS = {
  database: ['glue:DeleteDatabase', 'glue:UpdateDatabase'],
  table: ['glue:UpdateTable', 'glue:DeleteTable', 'glue:BatchDeleteTable'],
  /** Added to the tagged statement: the workgroup's enforced results location, encryption and scan cutoff. */
  workgroup: ['athena:UpdateWorkGroup', 'athena:DeleteWorkGroup'],
} as const;

export function huntingCatalogStatements(names: HuntingResourceNames, exempt: ConditionBlock): PolicyStatement[] {
  return [
    { Sid: 'ProtectHuntingDatabase', Effect: 'Deny', Action: HUNTING_PROTECTED_ACTIONS.database, Resource: names.databaseArn, Condition: exempt },
    { Sid: 'ProtectHuntingTable', Effect: 'Deny', Action: HUNTING_PROTECTED_ACTIONS.table, Resource: names.tableArn, Condition: exempt },
  ];
}
