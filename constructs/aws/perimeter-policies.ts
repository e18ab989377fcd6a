/**
 * The perimeter SCPs as AWS Organizations policies. The documents are built, packed and checked in
 * core/aws (perimeter-plan.ts); this construct only creates them and, in enforce mode, attaches them.
 * Report-mode policies exist, fully formed, but are attached to nothing: a reviewer can read exactly
 * what enforce would attach.
 *
 * Used on its own, it takes a plan from planPerimeterPolicies (typed settings, no config file) or
 * planPerimeter (a config), and checks the plan again with the config's own checks
 * (core/aws/perimeter-safety.ts): no SCP without a break-glass role, no enforced network perimeter without
 * a trusted context, no enforce-mode SCP without a target. A plan that does not say what it was checked
 * against (`plan.safety`) is refused.
 */
import { Annotations, CfnOutput, Tags } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import {
  enforceWithoutTargetsProblem,
  enforceWithoutTrustedContextProblem,
  missingBreakGlassProblem,
  type SafetyProblem,
} from '../../core/aws/perimeter-safety.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { ConfigError } from '../../core/config/config-error.ts';

export interface PerimeterPoliciesProps {
  /**
   * The SCPs to create, from planPerimeterPolicies or planPerimeter (core/aws/perimeter-plan.ts), with what
   * they were checked against (`plan.safety`), which this construct checks again.
   */
  readonly plan: PerimeterPlan;
  /**
   * Tag key marking the policies as protected by the log-protection statements (value "true"): use the
   * plan's protectionTag.
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

export class PerimeterPolicies extends Construct {
  readonly policies: readonly organizations.CfnPolicy[];

  constructor(scope: Construct, id: string, props: PerimeterPoliciesProps) {
    super(scope, id);
    const { plan } = props;
    checkPlan(this, plan);
    const protectionTag = props.protectionTag ?? DEFAULT_PROTECTION_TAG;
    this.policies = plan.policies.map((policy) => {
      const attached = policy.mode === 'enforce';
      const cfn = new organizations.CfnPolicy(this, policy.name, {
        name: policy.name,
        type: 'SERVICE_CONTROL_POLICY',
        description: `cloud-api-guardrails ${policy.mode}: ${policy.controls.join(', ')} (${policy.size} characters)`,
        content: policy.document,
        targetIds: attached ? [...plan.targets] : undefined,
      });
      Tags.of(cfn).add(protectionTag, 'true');
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

/** The checks the config and planPerimeterPolicies make, on the plan this construct was given. */
function checkPlan(scope: Construct, plan: PerimeterPlan): void {
  const refuse = (prop: string, problem: SafetyProblem): never => {
    throw new ConfigError(`${scope.node.path} props.${prop}`, problem.problem, problem.fix);
  };
  const { safety } = plan;
  if (!safety) {
    refuse('plan.safety', {
      problem: 'is missing, so nothing shows the SCPs keep a way back in or have a trusted context',
      fix: 'Build the plan with planPerimeterPolicies (or planPerimeter from a config), which checks and records both.',
    });
    return;
  }
  const noBreakGlass = missingBreakGlassProblem(safety.breakGlassRoleArns);
  if (noBreakGlass) refuse('plan.safety.breakGlassRoleArns', noBreakGlass);
  const untrusted = enforceWithoutTrustedContextProblem(safety.modes.networkPerimeter, safety.trusted, {
    trusted: "a trusted CIDR, VPC or VPC endpoint (planPerimeterPolicies' trusted)",
    report: "networkPerimeter in report mode (planPerimeterPolicies' modes)",
  });
  if (untrusted) refuse('plan.safety.modes.networkPerimeter', untrusted);
  const unattached = enforceWithoutTargetsProblem(safety.modes, plan.targets);
  if (unattached) refuse('plan.targets', unattached);
}
