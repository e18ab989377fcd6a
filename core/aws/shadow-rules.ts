/**
 * Shadow mode for the network perimeter: while the SCPs are in report mode (not attached), these rules
 * alert on the CloudTrail events of calls the perimeter would deny, so a team can watch for a week what
 * enforcing would block. They are derived from the same config as the SCP, through the same rule
 * engine and EventBridge compiler as the catalog: nothing is written twice.
 *
 * CloudTrail cannot show everything the SCP sees, and the differences are stated, not hidden:
 * - aws:SourceVpc is not in CloudTrail. Calls through a VPC endpoint carry only vpcEndpointId, so when
 *   trusted VPCs are configured every endpoint call is treated as trusted (it may come from one of them).
 * - The exemption tag (aws:PrincipalTag) is not in CloudTrail: tag-exempted principals still alert.
 * - aws:ViaAWSService calls carry a service name as sourceIPAddress, which no CIDR matches.
 * - The SCP's NotAction data-plane actions and the Lambda/Glue log delivery it allows by service key are
 *   data events or absent from CloudTrail; where a trail does record them, the shadow rule still alerts.
 * - Calls the SCP denies but CloudTrail does not record as management events (data events such as
 *   s3:GetObject when the trail logs none) cannot alert at all; the organization simulation lists them.
 */
import type { GuardrailsModel } from '../config/model.ts';
import type { CatalogRule } from '../detection/catalog.ts';
import { bindRules } from '../detection/catalog.ts';
import { generatedRule } from '../detection/rule.ts';
import { networkExemptArns } from './scp-exemptions.ts';

export interface ShadowRules {
  readonly rules: readonly CatalogRule[];
  readonly notes: readonly string[];
}

export function perimeterShadowRules(model: GuardrailsModel): ShadowRules {
  const aws = model.aws;
  if (aws?.modes.networkPerimeter !== 'report') return { rules: [], notes: [] };
  const notes = [
    'shadow mode: the network-perimeter SCP is in report mode; EventBridge rule aws-perimeter-shadow-network alerts on the calls it would deny',
    'shadow mode: principals exempted only by the perimeter-exemption tag still alert (tags are not in CloudTrail)',
  ];
  const trustsVpcs = model.trusted.awsVpcs.length > 0;
  if (trustsVpcs) notes.push('shadow mode: calls through any VPC endpoint are treated as trusted (CloudTrail records the endpoint, not its VPC)');
  notes.push(
    'shadow mode: calls the SCP would deny that CloudTrail records only as data events (s3:GetObject, lambda:Invoke, ...) never alert unless the trail logs data events; the SCP denies them all the same',
    'shadow mode: the data-plane actions and Lambda/Glue log delivery the SCP allows from anywhere still alert where CloudTrail records them (the service key that exempts them is not in CloudTrail)',
  );
  const rule = generatedRule(
    {
      id: 'aws-perimeter-shadow-network',
      title: 'Call the network-perimeter SCP would deny (shadow mode)',
      description:
        'An API call from outside the trusted networks by a principal the perimeter SCP does not exempt. The SCP is in report mode, so the call succeeded; in enforce mode it would be denied.',
      level: 'medium',
      tags: ['attack.execution', 'attack.t1059.009', 'attack.initial_access', 'attack.t1078.004'],
      logsource: { product: 'aws', service: 'cloudtrail' },
      detection: {
        outside: { 'sourceIPAddress|cidr': '{{trustedNetworks.cidrs|complement}}' },
        endpoint: trustsVpcs ? { 'vpcEndpointId|exists': true } : { 'vpcEndpointId|cased': '{{trustedNetworks.aws.vpcEndpointIds}}' },
        exempt: { 'userIdentity.sessionContext.sessionIssuer.arn|cased': networkExemptArns(aws) },
        condition: 'outside and not endpoint and not exempt',
      },
      falsepositives: ['Principals exempted by the perimeter-exemption tag'],
      targets: ['eventbridge'],
    },
    'the perimeter config, core/aws/shadow-rules.ts',
  );
  return { rules: bindRules([rule], model), notes };
}
