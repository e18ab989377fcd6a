/**
 * The catalog rules that watch the alert path itself: CloudTrail's trusted access in the organization,
 * and the forwarding rules and role in every account. Each is deployed to EventBridge and to the
 * organization trail's log group; the rule engine, the deployed EventBridge pattern and the deployed
 * CloudWatch filter must agree on every case. Request parameters are those the APIs take (EventBridge
 * API reference: DeleteRule/DisableRule/PutRule take Name, PutTargets/RemoveTargets take Rule; IAM role
 * calls take RoleName; Organizations calls take ServicePrincipal), as CloudTrail records them.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { eventBridgeEnvelope } from '../../helpers/corpus.ts';

const IDS = ['aws-org-trail-trusted-access-removed', 'aws-guardrails-forwarding-tampering'];
const rules = loadCatalog(exampleModel()).filter((r) => IDS.includes(r.rule.id));

const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09',
  eventType: 'AwsApiCall',
  eventSource,
  eventName,
  awsRegion: 'us-east-1',
  requestParameters,
  sourceIPAddress: '198.51.100.4',
  userAgent: 'aws-cli/2.15.0',
  recipientAccountId: '444455556666',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::444455556666:assumed-role/Admin/s' },
  ...extra,
});

function fired(event: Record<string, unknown>): string[] {
  return rules
    .filter((r) => {
      const engine = r.matches(event);
      expect(matchesEventPattern(compileRule(r, 'eventbridge') as Record<string, unknown>, eventBridgeEnvelope(event)), `${r.rule.id} eventbridge`).toBe(
        engine,
      );
      expect(compileCloudWatchPattern(compileRule(r, 'cloudwatch') as string)(event), `${r.rule.id} cloudwatch`).toBe(engine);
      return engine;
    })
    .map((r) => r.rule.id);
}

describe('tamper rules on the alert path', () => {
  it('are deployed to CloudWatch and EventBridge, tagged with ATT&CK', () => {
    expect(rules.map((r) => r.rule.id).sort()).toEqual([...IDS].sort());
    for (const r of rules) {
      expect(r.rule.targets).toEqual(['cloudwatch', 'eventbridge']);
      expect(r.rule.tags).toEqual(expect.arrayContaining(['attack.defense_impairment', 'attack.t1685.002', 'attack.t1059.009']));
    }
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'disabling CloudTrail trusted access',
      call('organizations.amazonaws.com', 'DisableAWSServiceAccess', { servicePrincipal: 'cloudtrail.amazonaws.com' }),
      ['aws-org-trail-trusted-access-removed'],
    ],
    [
      'an attempt that failed still alerts',
      call('organizations.amazonaws.com', 'DisableAWSServiceAccess', { servicePrincipal: 'cloudtrail.amazonaws.com' }, { errorCode: 'AccessDenied' }),
      ['aws-org-trail-trusted-access-removed'],
    ],
    [
      'deregistering the CloudTrail delegated administrator',
      call('organizations.amazonaws.com', 'DeregisterDelegatedAdministrator', { accountId: '333344445555', servicePrincipal: 'cloudtrail.amazonaws.com' }),
      ['aws-org-trail-trusted-access-removed'],
    ],
    [
      "disabling another service's trusted access",
      call('organizations.amazonaws.com', 'DisableAWSServiceAccess', { servicePrincipal: 'config.amazonaws.com' }),
      [],
    ],
    [
      'deleting a forwarding rule',
      call('events.amazonaws.com', 'DeleteRule', { name: 'guardrails-fwd-aws-cli-outside-trusted-networks-part1' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'disabling the alarm forwarding rule',
      call('events.amazonaws.com', 'DisableRule', { name: 'guardrails-fwd-alarms' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      "rewriting a forwarding rule's pattern",
      call('events.amazonaws.com', 'PutRule', { name: 'guardrails-fwd-aws-root-account-activity', eventPattern: '{"source":["none"]}' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'retargeting a forwarding rule',
      call('events.amazonaws.com', 'PutTargets', {
        rule: 'guardrails-fwd-aws-root-account-activity',
        targets: [{ id: 'central-bus', arn: 'arn:aws:events:us-east-1:999988887777:event-bus/elsewhere' }],
      }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      "removing a forwarding rule's target",
      call('events.amazonaws.com', 'RemoveTargets', { rule: 'guardrails-fwd-aws-root-account-activity', ids: ['central-bus'] }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    ['deleting an unrelated rule', call('events.amazonaws.com', 'DeleteRule', { name: 'team-nightly-job' }), []],
    [
      'deleting the forwarding role',
      call('iam.amazonaws.com', 'DeleteRole', { roleName: 'guardrails-event-forwarding' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'rewriting its trust policy',
      call('iam.amazonaws.com', 'UpdateAssumeRolePolicy', { roleName: 'guardrails-event-forwarding', policyDocument: '{}' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'replacing its inline policy',
      call('iam.amazonaws.com', 'PutRolePolicy', { roleName: 'guardrails-event-forwarding', policyName: 'PutEventsToCentralBus' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'deleting its inline policy',
      call('iam.amazonaws.com', 'DeleteRolePolicy', { roleName: 'guardrails-event-forwarding', policyName: 'PutEventsToCentralBus' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'attaching a policy to it',
      call('iam.amazonaws.com', 'AttachRolePolicy', { roleName: 'guardrails-event-forwarding', policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'detaching a policy from it',
      call('iam.amazonaws.com', 'DetachRolePolicy', { roleName: 'guardrails-event-forwarding', policyArn: 'arn:aws:iam::aws:policy/X' }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    [
      'bounding it to nothing',
      call('iam.amazonaws.com', 'PutRolePermissionsBoundary', {
        roleName: 'guardrails-event-forwarding',
        permissionsBoundary: 'arn:aws:iam::aws:policy/AWSDenyAll',
      }),
      ['aws-guardrails-forwarding-tampering'],
    ],
    ['changing another role', call('iam.amazonaws.com', 'DeleteRole', { roleName: 'guardrails-event-forwarding-old' }), []],
  ])('%s', (_name, event, expected) => {
    expect(fired(event)).toEqual(expected);
  });
});
