/**
 * aws.hunting's exact names and ARNs (core/aws/hunting-names.ts), the refusal of a results bucket name over
 * S3's limit, and where those names land in the tamper-protection statements
 * (core/aws/hunting-protection-statements.ts, core/aws/log-protection-statements.ts).
 */
import { describe, expect, it } from 'vitest';
import { huntingResourceNames, huntingResultsBucketName } from '../../../core/aws/hunting-names.ts';
import { huntingCatalogStatements } from '../../../core/aws/hunting-protection-statements.ts';
import { logProtectionStatements } from '../../../core/aws/log-protection-statements.ts';
import { configErrorOf, exampleModel } from '../../helpers/config.ts';

const naming = {
  trail: { name: 'org-audit' },
  accounts: { management: '111122223333', logArchive: '222233334444' },
  homeRegion: 'eu-west-1',
  partition: 'aws-us-gov',
  hunting: { databaseName: 'hunt_db', workgroupName: 'hunt-wg' },
} as const;

describe('hunting names', () => {
  it('refuse a trail bucket name that makes the results bucket name longer than 63, naming the longest allowed (55)', () => {
    expect(configErrorOf(() => huntingResultsBucketName('a'.repeat(56)))).toBe(
      `aws.trail.name: makes the trail bucket ${'a'.repeat(56)}, and the hunting results bucket name ${'a'.repeat(56)}-hunting longer than S3's 63 characters. Use a shorter aws.trail.name: the trail bucket's name must be at most 55 characters.`,
    );
  });

  it("put the Glue database and table and the Athena workgroup in the log-archive account's home region, in the configured partition", () => {
    expect(huntingResourceNames(naming)).toEqual({
      databaseName: 'hunt_db',
      tableName: 'cloudtrail',
      workgroupName: 'hunt-wg',
      resultsBucketName: 'org-audit-222233334444-eu-west-1-hunting',
      databaseArn: 'arn:aws-us-gov:glue:eu-west-1:222233334444:database/hunt_db',
      tableArn: 'arn:aws-us-gov:glue:eu-west-1:222233334444:table/hunt_db/cloudtrail',
      workgroupArn: 'arn:aws-us-gov:athena:eu-west-1:222233334444:workgroup/hunt-wg',
      resultsBucketArn: 'arn:aws-us-gov:s3:::org-audit-222233334444-eu-west-1-hunting',
    });
  });

  it('deny changing the Glue database and table by their ARNs, each in a statement with its own Sid', () => {
    const exempt = { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/BreakGlass*'] } };
    expect(huntingCatalogStatements(huntingResourceNames(naming), exempt)).toEqual([
      {
        Sid: 'ProtectHuntingDatabase',
        Effect: 'Deny',
        Action: ['glue:DeleteDatabase', 'glue:UpdateDatabase'],
        Resource: 'arn:aws-us-gov:glue:eu-west-1:222233334444:database/hunt_db',
        Condition: exempt,
      },
      {
        Sid: 'ProtectHuntingTable',
        Effect: 'Deny',
        Action: ['glue:UpdateTable', 'glue:DeleteTable', 'glue:BatchDeleteTable'],
        Resource: 'arn:aws-us-gov:glue:eu-west-1:222233334444:table/hunt_db/cloudtrail',
        Condition: exempt,
      },
    ]);
  });

  it("add the results bucket (not its objects) to the trail buckets' protection when hunting is on", () => {
    const resources = (hunting: boolean) => {
      const aws = exampleModel((c) => {
        if (hunting) c.aws.hunting = { enabled: true };
      }).aws!;
      return logProtectionStatements(aws).find((s) => s.statement.Sid === 'ProtectTrailBuckets')?.statement.Resource;
    };
    const trailBuckets = [
      'arn:aws:s3:::guardrails-org-trail-222233334444-us-east-1',
      'arn:aws:s3:::guardrails-org-trail-222233334444-us-east-1/*',
      'arn:aws:s3:::guardrails-org-trail-access-logs-222233334444-us-east-1',
      'arn:aws:s3:::guardrails-org-trail-access-logs-222233334444-us-east-1/*',
    ];
    expect(resources(false)).toEqual(trailBuckets);
    expect(resources(true)).toEqual([...trailBuckets, 'arn:aws:s3:::guardrails-org-trail-222233334444-us-east-1-hunting']);
  });
});
