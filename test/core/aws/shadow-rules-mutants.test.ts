/**
 * The shadow rule's notes, metadata and endpoint condition, pinned exactly for a perimeter in report mode
 * with and without trusted VPCs (core/aws/shadow-rules.ts), and nothing when it is not in report mode.
 */
import { describe, expect, it } from 'vitest';
import { perimeterShadowRules } from '../../../core/aws/shadow-rules.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';

const FIRST_NOTES = [
  'shadow mode: the network-perimeter SCP is in report mode; EventBridge rule aws-perimeter-shadow-network alerts on the calls it would deny',
  'shadow mode: principals exempted only by the perimeter-exemption tag still alert (tags are not in CloudTrail)',
];
const VPC_NOTE = 'shadow mode: calls through any VPC endpoint are treated as trusted (CloudTrail records the endpoint, not its VPC)';
const LAST_NOTES = [
  'shadow mode: calls the SCP would deny that CloudTrail records only as data events (s3:GetObject, lambda:Invoke, ...) never alert unless the trail logs data events; the SCP denies them all the same',
  'shadow mode: the data-plane actions and Lambda/Glue log delivery the SCP allows from anywhere still alert where CloudTrail records them (the service key that exempts them is not in CloudTrail)',
];

// The example is in report mode and trusts two VPCs and one endpoint (vpce-0123456789abcdef0). Planned in each
// test, not when the file loads, so that every test runs the code under test.
const withVpcs = () => perimeterShadowRules(exampleModel());
const withoutVpcs = () => perimeterShadowRules(exampleModel((c) => delete c.trustedNetworks.aws.vpcIds));

/** A CloudTrail record of a call from an untrusted address, optionally through a VPC endpoint. */
const call = (vpcEndpointId?: string) => ({
  eventVersion: '1.08',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  sourceIPAddress: '8.8.8.8',
  userIdentity: {
    type: 'AssumedRole',
    arn: 'arn:aws:sts::111122223333:assumed-role/Dev/alice',
    sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/Dev' } },
  },
  ...(vpcEndpointId ? { vpcEndpointId } : {}),
});

describe('perimeter shadow rules', () => {
  it('are nothing, rules and notes, unless the network perimeter is in report mode or when there is no aws section', () => {
    expect(perimeterShadowRules(enforceModel())).toEqual({ rules: [], notes: [] });
    expect(perimeterShadowRules(exampleModel((c) => delete c.aws))).toEqual({ rules: [], notes: [] });
  });

  it('note, in order, what CloudTrail cannot show, with the VPC endpoint note only when VPCs are trusted', () => {
    expect(withVpcs().notes).toEqual([...FIRST_NOTES, VPC_NOTE, ...LAST_NOTES]);
    expect(withoutVpcs().notes).toEqual([...FIRST_NOTES, ...LAST_NOTES]);
  });

  it('generate one CloudTrail rule for eventbridge, named after the config and this file, with its false positive', () => {
    expect(withVpcs().rules).toHaveLength(1);
    const { rule } = withVpcs().rules[0]!;
    expect(rule.id).toBe('aws-perimeter-shadow-network');
    expect(rule.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
    expect(rule.targets).toEqual(['eventbridge']);
    expect(rule.falsepositives).toEqual(['Principals exempted by the perimeter-exemption tag']);
    expect(rule.file).toBe('(generated: the perimeter config, core/aws/shadow-rules.ts)');
  });

  it('with trusted VPCs, treat a call through any endpoint as trusted', () => {
    const [shadow] = withVpcs().rules;
    expect(shadow!.rule.detection['endpoint']).toEqual({ 'vpcEndpointId|exists': true });
    expect(shadow!.matches(call())).toBe(true);
    expect(shadow!.matches(call('vpce-0fffffffffffffff0'))).toBe(false);
  });

  it('without trusted VPCs, treat only the trusted endpoint ids as trusted', () => {
    const [shadow] = withoutVpcs().rules;
    expect(shadow!.rule.detection['endpoint']).toEqual({ 'vpcEndpointId|cased': '{{trustedNetworks.aws.vpcEndpointIds}}' });
    expect(shadow!.matches(call())).toBe(true);
    expect(shadow!.matches(call('vpce-0123456789abcdef0'))).toBe(false);
    expect(shadow!.matches(call('vpce-0fffffffffffffff0'))).toBe(true);
  });
});
