/**
 * The AWS guardrails for one organization, deployed to its management account: composition only.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import { trailResourceNames } from '../../core/aws/trail-names.ts';
import type { AwsModel } from '../../core/config/model.ts';
import { OrganizationTrail } from '../../constructs/aws/organization-trail.ts';
import { PerimeterPolicies } from '../../constructs/aws/perimeter-policies.ts';

export interface AwsGuardrailsStackProps extends StackProps {
  readonly aws: AwsModel;
  readonly perimeter: PerimeterPlan;
}

export class AwsGuardrailsStack extends Stack {
  readonly auditTrail: OrganizationTrail;
  readonly perimeter: PerimeterPolicies;

  constructor(scope: Construct, id: string, props: AwsGuardrailsStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.aws.managementAccountId, region: props.aws.homeRegion },
      description: 'cloud-api-guardrails: organization audit trail and perimeter SCPs (T1059.009)',
      terminationProtection: true,
    });
    this.auditTrail = this.configureAuditTrail(props.aws);
    this.perimeter = this.configurePerimeter(props.aws, props.perimeter);
  }

  private configureAuditTrail(aws: AwsModel): OrganizationTrail {
    return new OrganizationTrail(this, 'AuditTrail', {
      names: trailResourceNames(aws),
      organizationId: aws.organizationId,
      managementAccountId: aws.managementAccountId,
      ...aws.trail,
      protectionTag: aws.protectionTag,
    });
  }

  private configurePerimeter(aws: AwsModel, plan: PerimeterPlan): PerimeterPolicies {
    return new PerimeterPolicies(this, 'Perimeter', { plan, protectionTag: aws.protectionTag });
  }
}
