/**
 * The protection summary's exact rows (core/aws/protection-summary.ts), as the plan report prints them: which
 * account holds each resource in each layout, which SCP statement protects it and whether it is attached yet
 * (report or enforce), the Object Lock mode, and the hunting resources' names and retention.
 */
import { describe, expect, it } from 'vitest';
import { describeProtections, protectionSummary } from '../../../core/aws/protection-summary.ts';
import { exampleModel } from '../../helpers/config.ts';

const NONE = 'no SCP: SCPs never apply to the management account';
const REPORT = '(report mode: created, not attached, so it protects nothing yet)';
const TRAIL_DETECTION =
  'detection: guardrails-trail-changed (real time), aws-cis-cloudtrail-config-changes (metric alarm), aws-org-trail-trusted-access-removed (CloudTrail trusted access or delegated administrator removed)';
const TRAIL_MEMBERS = 'members cannot stop or change it: an organization trail is managed from the management account only';
const BUCKET_POLICY =
  'bucket policy: only CloudTrail for this trail may write; nobody but break-glass may bypass governance retention or change retention, legal holds or the lock';
const BUCKET_DETECTION = 'detection: aws-cis-s3-bucket-policy-changes (metric alarm)';
const KEY_POLICY = 'key policy: CloudTrail may encrypt for this trail only; the account may decrypt log files';
const KEY_DETECTION = 'detection: aws-cis-cmk-disabled-or-deleted (metric alarm)';
const LOG_GROUP = {
  resource: 'trail CloudWatch Logs group and its key',
  account: 'management',
  protections: [
    NONE,
    'detection only: guardrails-alerting-changed (deleting the log group or its metric filters, real time); the log files in the bucket stay the evidence',
  ],
};
const SCPS = {
  resource: 'perimeter SCPs',
  account: 'management',
  protections: [
    'only the management account can change SCPs; members cannot leave the organization or disable SCPs (SCP DenyLeavingOrDisablingScps)',
    'detection: guardrails-scp-changed (real time), aws-organizations-scp-change',
  ],
};
const TOPIC_POLICY = 'topic policy: TLS only, publishing by CloudWatch and EventBridge; bus policy: PutEvents from the organization only';
const TOPIC_DETECTION = 'detection: guardrails-alerting-changed (real time)';
const STACKSET = {
  resource: "forwarding StackSet and the management account's forwarding rules",
  account: 'management',
  protections: [NONE, 'detection: guardrails-stackset-changed (real time), aws-guardrails-forwarding-tampering (real time and metric alarm)'],
};
const MEMBER_ONLY = 'only break-glass and the StackSet execution role may change them';
const MEMBER_DETECTION =
  'detection: aws-guardrails-forwarding-tampering, in real time and as a metric alarm on the organization trail (it sees every account, so it fires even when forwarding is what broke)';

const singleAccount = () =>
  exampleModel((c) => {
    delete c.aws.logArchiveAccountId;
    delete c.aws.securityAccountId;
  }).aws!;

describe('protection summary rows', () => {
  it('in the SRA layout with logProtection enforced: SCPs named as enforced, evidence in log-archive, pipeline in security, GOVERNANCE lock without the root-user claim', () => {
    const aws = exampleModel((c) => {
      c.aws.controls = { logProtection: 'enforce' };
      c.aws.trail.name = 'org-audit';
      c.aws.trail.objectLockDays = 400;
    }).aws!;
    expect(aws.trail.objectLockMode).toBe('GOVERNANCE');
    expect(protectionSummary(aws)).toEqual([
      { resource: 'organization trail org-audit', account: 'management', protections: [NONE, TRAIL_MEMBERS, TRAIL_DETECTION] },
      {
        resource: 'trail log bucket and access-log bucket',
        account: 'log-archive',
        protections: ['SCP ProtectTrailBuckets (enforced)', BUCKET_POLICY, 'Object Lock GOVERNANCE for 400 days', BUCKET_DETECTION],
      },
      { resource: 'trail KMS key', account: 'log-archive', protections: ['SCP ProtectTaggedGuardrailResources (enforced)', KEY_POLICY, KEY_DETECTION] },
      LOG_GROUP,
      SCPS,
      {
        resource: 'alert topic and its key, central event bus and alert rules',
        account: 'security',
        protections: ['SCP ProtectTaggedGuardrailResources (enforced)', TOPIC_POLICY, TOPIC_DETECTION],
      },
      STACKSET,
      {
        resource: 'member forwarding rules and role',
        account: 'every member account',
        protections: ['SCP ProtectForwardingRole (enforced)', 'SCP ProtectTaggedGuardrailResources (enforced)', MEMBER_ONLY, MEMBER_DETECTION],
      },
    ]);
  });

  it('in the SRA layout in report mode: every SCP is said to be created but not attached', () => {
    const rows = protectionSummary(exampleModel().aws!);
    expect(rows.map((r) => r.protections[0])).toEqual([
      NONE,
      `SCP ProtectTrailBuckets ${REPORT}`,
      `SCP ProtectTaggedGuardrailResources ${REPORT}`,
      NONE,
      SCPS.protections[0],
      `SCP ProtectTaggedGuardrailResources ${REPORT}`,
      NONE,
      `SCP ProtectForwardingRole ${REPORT}`,
    ]);
  });

  it('in the single-account layout: everything in the management account, no SCP claimed there, COMPLIANCE lock that not even root can shorten', () => {
    const aws = singleAccount();
    expect(aws.trail.objectLockMode).toBe('COMPLIANCE');
    expect(protectionSummary(aws)).toEqual([
      { resource: 'organization trail guardrails-org-trail', account: 'management', protections: [NONE, TRAIL_MEMBERS, TRAIL_DETECTION] },
      {
        resource: 'trail log bucket and access-log bucket',
        account: 'management',
        protections: [NONE, BUCKET_POLICY, 'Object Lock COMPLIANCE for 365 days (not even the root user can shorten it)', BUCKET_DETECTION],
      },
      { resource: 'trail KMS key', account: 'management', protections: [NONE, KEY_POLICY, KEY_DETECTION] },
      LOG_GROUP,
      SCPS,
      { resource: 'alert topic and its key, central event bus and alert rules', account: 'management', protections: [NONE, TOPIC_POLICY, TOPIC_DETECTION] },
      STACKSET,
      {
        resource: 'member forwarding rules and role',
        account: 'every member account',
        protections: [`SCP ProtectForwardingRole ${REPORT}`, `SCP ProtectTaggedGuardrailResources ${REPORT}`, MEMBER_ONLY, MEMBER_DETECTION],
      },
    ]);
  });

  it('the hunting rows in the SRA layout, enforced: Glue, workgroup and results bucket names, their SCP statements and the results retention', () => {
    const aws = exampleModel((c) => {
      c.aws.controls = { logProtection: 'enforce' };
      c.aws.hunting = { enabled: true, databaseName: 'hunt_db', workgroupName: 'hunt-wg', resultsRetentionDays: 12 };
    }).aws!;
    expect(protectionSummary(aws).slice(8)).toEqual([
      {
        resource: 'hunting Glue database hunt_db and table cloudtrail',
        account: 'log-archive',
        protections: [
          'SCP ProtectHuntingDatabase and ProtectHuntingTable (enforced)',
          "no detection rule watches it; changing the table changes what hunts read, never the trail's log files",
        ],
      },
      {
        resource: 'Athena workgroup hunt-wg',
        account: 'log-archive',
        protections: [
          'SCP ProtectTaggedGuardrailResources (enforced)',
          'enforced workgroup configuration: a query cannot change its result location, encryption or bytes-scanned cutoff',
          'no detection rule watches it',
        ],
      },
      {
        resource: 'hunting results bucket guardrails-org-trail-222233334444-us-east-1-hunting and its key',
        account: 'log-archive',
        protections: [
          "SCP ProtectTrailBuckets (enforced) for the bucket's configuration, SCP ProtectTaggedGuardrailResources (enforced) for the key",
          'public access blocked, TLS only; results expire after 12 days',
          'no detection rule watches it',
        ],
      },
    ]);
  });

  it('the hunting rows in the single-account layout claim no SCP and are in the management account', () => {
    const aws = exampleModel((c) => {
      delete c.aws.logArchiveAccountId;
      delete c.aws.securityAccountId;
      c.aws.hunting = { enabled: true };
    }).aws!;
    const rows = protectionSummary(aws).slice(8);
    expect(rows.map((r) => [r.account, r.protections[0]])).toEqual([
      ['management', NONE],
      ['management', NONE],
      ['management', NONE],
    ]);
  });
});

describe('describeProtections', () => {
  it('prints one line per row: the resource, its account, and its protections joined by "; "', () => {
    const lines = describeProtections(singleAccount());
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(`protects organization trail guardrails-org-trail (management account): ${NONE}; ${TRAIL_MEMBERS}; ${TRAIL_DETECTION}`);
    expect(lines[2]).toBe(`protects trail KMS key (management account): ${NONE}; ${KEY_POLICY}; ${KEY_DETECTION}`);
  });

  it('says "every member account" once, not "every member account account"', () => {
    const line = describeProtections(singleAccount()).find((l) => l.startsWith('protects member forwarding rules and role'));
    expect(line).toMatch(/^protects member forwarding rules and role \(every member account\): /);
  });
});
