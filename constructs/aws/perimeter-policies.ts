/**
 * The perimeter SCPs as AWS Organizations policies. The documents are built, packed and checked in
 * core/aws (perimeter-plan.ts); this construct only creates them and, in enforce mode, attaches them.
 * Report-mode policies exist, fully formed, but are attached to nothing: a reviewer can read exactly
 * what enforce would attach.
 */
import { Annotations, CfnOutput, Tags } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';

export interface PerimeterPoliciesProps {
  readonly plan: PerimeterPlan;
  /** Tag key marking the policies as protected by the log-protection statements. */
  readonly protectionTag: string;
}

export class PerimeterPolicies extends Construct {
  readonly policies: readonly organizations.CfnPolicy[];

  constructor(scope: Construct, id: string, props: PerimeterPoliciesProps) {
    super(scope, id);
    const { plan } = props;
    this.policies = plan.policies.map((policy) => {
      const attached = policy.mode === 'enforce';
      const cfn = new organizations.CfnPolicy(this, policy.name, {
        name: policy.name,
        type: 'SERVICE_CONTROL_POLICY',
        description: `cloud-api-guardrails ${policy.mode}: ${policy.controls.join(', ')} (${policy.size} characters)`,
        content: policy.document,
        targetIds: attached ? [...plan.targets] : undefined,
      });
      Tags.of(cfn).add(props.protectionTag, 'true');
      if (!attached) {
        Annotations.of(cfn).addInfo(`${policy.name} (${policy.controls.join(', ')}) is in report mode: created, attached to nothing.`);
      }
      return cfn;
    });
    for (const note of plan.notes) Annotations.of(this).addInfo(`${note.control}: ${note.note}`);
    Annotations.of(this).addInfo('SCPs never apply to the management account: protect it with IAM, MFA and the alarms.');
    new CfnOutput(this, 'Summary', {
      description: 'Perimeter SCPs by mode',
      value: plan.policies.map((p) => `${p.name}:${p.mode === 'enforce' ? 'attached' : 'not-attached'}`).join(' '),
    });
  }
}
