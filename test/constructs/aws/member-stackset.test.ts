/**
 * MemberStackSet on its own, through its props: a service-managed StackSet named
 * guardrails-event-forwarding with automatic deployment to the OUs and regions given, us-east-1 first,
 * tagged guardrails:protected; a warning without targets; the refusal of a template over the 51,200 bytes
 * a TemplateBody allows.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MemberStackSet } from '../../../constructs/aws/member-stackset.ts';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const BODY = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

describe('MemberStackSet', () => {
  it('deploys the template to the OUs and regions given, us-east-1 first, automatically to new accounts', () => {
    const stack = new Stack(new App(), 'Defaults', { env: ENV });
    new MemberStackSet(stack, 'Members', { templateBody: BODY, organizationalUnitIds: ['ou-ab12-34cd56ef'], regions: ['eu-west-1', 'us-east-1'] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'guardrails-event-forwarding',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      OperationPreferences: Match.objectLike({ RegionOrder: ['us-east-1', 'eu-west-1'], RegionConcurrencyType: 'SEQUENTIAL' }),
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-34cd56ef'] }, Regions: ['eu-west-1', 'us-east-1'] }],
      TemplateBody: BODY,
      Tags: [{ Key: 'guardrails:protected', Value: 'true' }],
    });
  });

  it('takes a name and tag, and warns that without targets no member account forwards anything', () => {
    const stack = new Stack(new App(), 'Untargeted', { env: ENV });
    new MemberStackSet(stack, 'Members', {
      templateBody: BODY,
      organizationalUnitIds: [],
      regions: ['us-east-1'],
      stackSetName: 'acme-forwarding',
      protectionTag: 'acme:protected',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'acme-forwarding',
      StackInstancesGroup: Match.absent(),
      Tags: [{ Key: 'acme:protected', Value: 'true' }],
    });
    Annotations.fromStack(stack).hasWarning('/Untargeted/Members', Match.stringLikeRegexp('no stack instances'));
  });

  it('refuses a template over the TemplateBody limit', () => {
    const stack = new Stack(new App(), 'TooBig', { env: ENV });
    expect(() => new MemberStackSet(stack, 'Members', { templateBody: 'x'.repeat(51_201), organizationalUnitIds: [], regions: ['us-east-1'] })).toThrow(
      /51201 bytes, over the 51200/,
    );
  });
});
