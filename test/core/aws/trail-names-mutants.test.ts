/** The audit trail's exact names and ARNs (core/aws/trail-names.ts), from the trail name, accounts and home region. */
import { describe, expect, it } from 'vitest';
import { trailLogGroupKeyAlias, trailResourceNames } from '../../../core/aws/trail-names.ts';

describe('trail names', () => {
  it('name the trail in the management account, the bucket and its key in the log-archive account, and the log group and its key', () => {
    const names = trailResourceNames({
      trail: { name: 'org-audit' },
      accounts: { management: '111122223333', logArchive: '222233334444' },
      homeRegion: 'eu-west-1',
    });
    expect(names).toEqual({
      trailName: 'org-audit',
      trailArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-audit',
      trailArnPattern: 'arn:aws:cloudtrail:*:111122223333:trail/org-audit',
      bucketName: 'org-audit-222233334444-eu-west-1',
      accessLogsBucketName: 'org-audit-access-logs-222233334444-eu-west-1',
      keyAlias: 'alias/org-audit',
      keyAliasArn: 'arn:aws:kms:eu-west-1:222233334444:alias/org-audit',
      logGroupName: '/guardrails/org-audit',
      logGroupArnPattern: 'arn:aws:logs:*:111122223333:log-group:/guardrails/org-audit',
      logGroupKeyAlias: 'alias/org-audit-logs',
    });
  });

  it('alias the log group key after the trail name', () => {
    expect(trailLogGroupKeyAlias('guardrails-org-trail')).toBe('alias/guardrails-org-trail-logs');
  });
});
