/**
 * What protects each resource the kit relies on, said plainly: an SCP (only outside the management
 * account, and only once attached), the resource's own policy, or detection alone. Printed at synth and
 * in the plan report, so nothing claims a protection that does not apply.
 */
import type { AwsModel } from '../config/model.ts';
import { huntingResourceNames } from './hunting-names.ts';

export type AccountRole = 'management' | 'log-archive' | 'security' | 'every member account';

export interface ProtectedResource {
  readonly resource: string;
  readonly account: AccountRole;
  readonly protections: readonly string[];
}

export function protectionSummary(aws: AwsModel): ProtectedResource[] {
  const sra = aws.layout === 'sra';
  const scp = (statement: string) =>
    aws.modes.logProtection === 'enforce' ? `SCP ${statement} (enforced)` : `SCP ${statement} (report mode: created, not attached, so it protects nothing yet)`;
  const none = 'no SCP: SCPs never apply to the management account';
  const evidenceAccount: AccountRole = sra ? 'log-archive' : 'management';
  const pipelineAccount: AccountRole = sra ? 'security' : 'management';
  return [
    {
      resource: `organization trail ${aws.trail.name}`,
      account: 'management',
      protections: [
        none,
        'members cannot stop or change it: an organization trail is managed from the management account only',
        'detection: guardrails-trail-changed (real time), aws-cis-cloudtrail-config-changes (metric alarm), aws-org-trail-trusted-access-removed (CloudTrail trusted access or delegated administrator removed)',
      ],
    },
    {
      resource: 'trail log bucket and access-log bucket',
      account: evidenceAccount,
      protections: [
        sra ? scp('ProtectTrailBuckets') : none,
        `bucket policy: only CloudTrail for this trail may write; nobody but break-glass may bypass governance retention or change retention, legal holds or the lock`,
        `Object Lock ${aws.trail.objectLockMode} for ${aws.trail.objectLockDays} days${aws.trail.objectLockMode === 'COMPLIANCE' ? ' (not even the root user can shorten it)' : ''}`,
        'detection: aws-cis-s3-bucket-policy-changes (metric alarm)',
      ],
    },
    {
      resource: 'trail KMS key',
      account: evidenceAccount,
      protections: [
        sra ? scp('ProtectTaggedGuardrailResources') : none,
        'key policy: CloudTrail may encrypt for this trail only; the account may decrypt log files',
        'detection: aws-cis-cmk-disabled-or-deleted (metric alarm)',
      ],
    },
    {
      resource: 'trail CloudWatch Logs group and its key',
      account: 'management',
      protections: [
        none,
        'detection only: guardrails-alerting-changed (deleting the log group or its metric filters, real time); the log files in the bucket stay the evidence',
      ],
    },
    {
      resource: 'perimeter SCPs',
      account: 'management',
      protections: [
        'only the management account can change SCPs; members cannot leave the organization or disable SCPs (SCP DenyLeavingOrDisablingScps)',
        'detection: guardrails-scp-changed (real time), aws-organizations-scp-change',
      ],
    },
    {
      resource: 'alert topic and its key, central event bus and alert rules',
      account: pipelineAccount,
      protections: [
        sra ? scp('ProtectTaggedGuardrailResources') : none,
        'topic policy: TLS only, publishing by CloudWatch and EventBridge; bus policy: PutEvents from the organization only',
        'detection: guardrails-alerting-changed (real time)',
      ],
    },
    {
      resource: "forwarding StackSet and the management account's forwarding rules",
      account: 'management',
      protections: [none, 'detection: guardrails-stackset-changed (real time), aws-guardrails-forwarding-tampering (real time and metric alarm)'],
    },
    {
      resource: 'member forwarding rules and role',
      account: 'every member account',
      protections: [
        scp('ProtectForwardingRole'),
        scp('ProtectTaggedGuardrailResources'),
        'only break-glass and the StackSet execution role may change them',
        'detection: aws-guardrails-forwarding-tampering, in real time and as a metric alarm on the organization trail (it sees every account, so it fires even when forwarding is what broke)',
      ],
    },
    ...huntingProtections(aws, scp, none),
  ];
}

/** aws.hunting's resources (constructs/aws/cloudtrail-hunting.ts), beside the trail's bucket; none when it is off. */
function huntingProtections(aws: AwsModel, scp: (statement: string) => string, none: string): ProtectedResource[] {
  if (!aws.hunting) return [];
  const sra = aws.layout === 'sra';
  const account: AccountRole = sra ? 'log-archive' : 'management';
  const names = huntingResourceNames({ ...aws, hunting: aws.hunting });
  const noRule = 'no detection rule watches it';
  return [
    {
      resource: `hunting Glue database ${names.databaseName} and table ${names.tableName}`,
      account,
      protections: [
        sra ? scp('ProtectHuntingDatabase and ProtectHuntingTable') : none,
        `${noRule}; changing the table changes what hunts read, never the trail's log files`,
      ],
    },
    {
      resource: `Athena workgroup ${names.workgroupName}`,
      account,
      protections: [
        sra ? scp('ProtectTaggedGuardrailResources') : none,
        'enforced workgroup configuration: a query cannot change its result location, encryption or bytes-scanned cutoff',
        noRule,
      ],
    },
    {
      resource: `hunting results bucket ${names.resultsBucketName} and its key`,
      account,
      protections: [
        sra ? `${scp('ProtectTrailBuckets')} for the bucket's configuration, ${scp('ProtectTaggedGuardrailResources')} for the key` : none,
        `public access blocked, TLS only; results expire after ${aws.hunting.resultsRetentionDays} days`,
        noRule,
      ],
    },
  ];
}

/** One line per resource, for synth output. */
export function describeProtections(aws: AwsModel): string[] {
  // 'every member account' already says account.
  const where = (account: AccountRole) => (account.endsWith('account') ? account : `${account} account`);
  return protectionSummary(aws).map((p) => `protects ${p.resource} (${where(p.account)}): ${p.protections.join('; ')}`);
}
