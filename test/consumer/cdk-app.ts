/**
 * A CDK app of a consumer's own: its bucket for the organization trail, and a perimeter plan built from
 * typed options, composed with the kit's constructs. Synthesizes into cdk.out and checks what it got.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OrganizationTrail, PerimeterPolicies, planPerimeterPolicies } from 'cloud-api-guardrails/aws';

const app = new App({ outdir: process.env['CDK_OUTDIR'] ?? 'cdk.out' });
const stack = new Stack(app, 'ConsumerGuardrails', { env: { account: '111122223333', region: 'eu-west-1' } });

const bucket = new s3.Bucket(stack, 'AuditBucket', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
});
const trail = new OrganizationTrail(stack, 'Trail', { bucket });

const plan = await planPerimeterPolicies({
  managementAccountId: '111122223333',
  breakGlassRoleArns: ['arn:aws:iam::*:role/BreakGlass'],
  trusted: { cidrs: ['198.51.100.0/24'] },
});
new PerimeterPolicies(stack, 'Perimeter', { plan });

const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
const resources = Object.values(template.Resources);
const [cfnTrail] = resources.filter((r) => r.Type === 'AWS::CloudTrail::Trail');
const policies = resources.filter((r) => r.Type === 'AWS::Organizations::Policy');
if (
  !cfnTrail ||
  JSON.stringify(cfnTrail.Properties?.['S3BucketName']) !== JSON.stringify({ Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) })
) {
  throw new Error("the organization trail does not deliver to the consumer's bucket");
}
if (policies.length !== plan.policies.length || policies.length === 0) throw new Error(`expected ${plan.policies.length} SCPs, synthesized ${policies.length}`);
console.log(
  `cdk: ${stack.stackName} synthesized with ${resources.length} resources: trail ${trail.trailName} into the consumer's bucket, ${policies.length} SCP(s) (${plan.policies.map((p) => `${p.name} ${p.mode}`).join(', ')})`,
);
