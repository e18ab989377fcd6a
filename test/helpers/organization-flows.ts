/**
 * The flows the whole-organization simulation checks (organization-simulation.ts): what must keep
 * working (evidence delivery, alerting, forwarding, deployment, service roles, break-glass) and what
 * must be refused (people outside the trusted networks, exemptions taken by oneself, tampering with
 * the guardrails). Each flow carries the request context AWS documents for it, with the page in
 * `source`; where the simulator cannot express part of a flow, `limit` says so and the test name shows it.
 * Resources are found in the synthesized templates by the names the stacks share (core/aws/trail-names.ts,
 * pipeline-names.ts) or by following the templates' own references (the trail's bucket, key and log
 * group; an alarm's topic; a rule's target), so a flow fails if the stacks disagree on a name.
 */
import { pipelineNames } from '../../core/aws/pipeline-names.ts';
import { trailResourceNames } from '../../core/aws/trail-names.ts';
import type { AccountLayout, AwsModel, GuardrailsModel } from '../../core/config/model.ts';
import type { Mode } from '../../core/config/schema.ts';
import { WORKLOAD_ACCOUNT, type IndexedResource, type NamedPolicy, type Organization, type PolicyDocument } from './organization-policies.ts';
import type { Context, Decision, FlowRequest } from './organization-simulation.ts';

/** One of the four apps the flows run against. */
export interface AppCase {
  readonly layout: AccountLayout;
  readonly mode: Mode;
  readonly aws: AwsModel;
}

export interface Expectation {
  readonly decision: Decision;
  readonly because: string;
}

export interface Flow {
  readonly group: string;
  readonly title: string;
  /** The AWS page documenting the request and its context. */
  readonly source: string;
  /** What the simulator cannot express about this flow. */
  readonly limit?: string;
  readonly request: (scope: FlowScope) => FlowRequest;
  readonly expect: (app: AppCase) => Expectation;
}

const STATEMENT_VERSION = '2012-10-17';
const allow = (actions: string | string[], resource: string | string[] = '*'): PolicyDocument => ({
  Version: STATEMENT_VERSION,
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
});

/** AWS managed AdministratorAccess: what an account's admin role (or the StackSet execution role) holds. */
export const ADMINISTRATOR_ACCESS: NamedPolicy = { name: 'AdministratorAccess', policy: allow('*') };
const granting = (actions: string | string[]): NamedPolicy[] => [{ name: 'role-policy', policy: allow(actions) }];
/** The default key policy: the account's IAM policies decide (KMS developer guide, "Default key policy"). */
const defaultKeyPolicy = (account: string): PolicyDocument => ({
  Version: STATEMENT_VERSION,
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
});

/** A public address outside every trusted network of the example configs (a stolen key used from anywhere). */
export const UNTRUSTED_ADDRESS = '8.8.8.8';
/**
 * An address an AWS service calls from when it uses a service role (AWS publishes its ranges in
 * ip-ranges.json). Such calls carry aws:ViaAWSService false: only forward access sessions set it
 * (IAM user guide, "aws:ViaAWSService",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-viaawsservice).
 * To the SCPs it is just another untrusted address, which is the point.
 */
export const AWS_SERVICE_ADDRESS = '52.94.0.10';
const SERVICE_ROLE_CALL: Context = { 'aws:SourceIp': AWS_SERVICE_ADDRESS, 'aws:ViaAWSService': 'false' };
/** The example's home region, for ARNs of resources no template creates (an application's log group, key, stack). */
const HOME = 'us-east-1';

/** An address inside the first trusted IPv4 network of the model. */
export function trustedAddress(model: Pick<GuardrailsModel, 'trusted'>): string {
  const cidr = model.trusted.cidrs.find((c) => c.includes('.'));
  if (!cidr) throw new Error('the model trusts no IPv4 network');
  const [a, b, c] = cidr.split('/')[0]!.split('.');
  return `${a}.${b}.${c}.10`;
}

/** A call through an endpoint of the model's first trusted VPC, in that VPC's region (no aws:SourceIp through an endpoint). */
export function trustedVpcCall(model: Pick<GuardrailsModel, 'trusted'>): Context {
  const vpc = model.trusted.awsVpcs[0];
  if (!vpc) throw new Error('the model trusts no VPC');
  return { 'aws:SourceVpc': vpc.id, 'aws:SourceVpce': 'vpce-0f1e2d3c4b5a69788', 'aws:RequestedRegion': vpc.region, 'aws:ViaAWSService': 'false' };
}

/** IAM ArnLike: "*" any run of characters, "?" one (IAM user guide, "ARN condition operators"). */
export function arnLike(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  );
  return regex.test(arn);
}

/** What a flow can look up: the organization, the model and the names the stacks share. */
export class FlowScope {
  readonly names;
  readonly pipeline;

  constructor(
    readonly org: Organization,
    readonly model: GuardrailsModel,
  ) {
    this.names = trailResourceNames(this.aws);
    this.pipeline = pipelineNames(this.aws);
  }

  get aws(): AwsModel {
    return this.model.aws!;
  }

  get management(): string {
    return this.aws.accounts.management;
  }

  admin(account: string): string {
    return `arn:aws:iam::${account}:role/Admin`;
  }

  /** A role that matches the configured break-glass patterns. */
  breakGlass(account: string): string {
    const arn = `arn:aws:iam::${account}:role/BreakGlassAdmin`;
    if (!this.aws.breakGlassRoleArns.some((p) => arnLike(p, arn))) throw new Error(`${arn} matches no break-glass pattern of the config`);
    return arn;
  }

  /** The account whose admin can reach a resource: its own when it is a member account; otherwise (management) a workload account's. */
  memberAdminFor(arn: string): string {
    const account = this.resource(arn).stack.account;
    return this.admin(this.org.isManagement(account) ? WORKLOAD_ACCOUNT : account);
  }

  resource(arn: string): IndexedResource {
    const found = this.org.owner(arn);
    if (!found) throw new Error(`no template creates ${arn}`);
    return found;
  }

  get trail(): IndexedResource {
    return this.org.only('AWS::CloudTrail::Trail', (r) => r.physicalName === this.names.trailName);
  }

  get trailBucket(): IndexedResource {
    return this.resource(`arn:aws:s3:::${String(this.trail.properties.S3BucketName)}`);
  }

  get trailKeyArn(): string {
    const { stack } = this.trail;
    return this.org.keyArn(String(this.trail.properties.KMSKeyId), stack.account, stack.region);
  }

  get accessLogsBucket(): IndexedResource {
    const logging = this.trailBucket.properties.LoggingConfiguration as { DestinationBucketName: string };
    return this.resource(`arn:aws:s3:::${logging.DestinationBucketName}`);
  }

  get logGroupArn(): string {
    return String(this.trail.properties.CloudWatchLogsLogGroupArn).replace(/:\*$/, '');
  }

  get logGroupKeyArn(): string {
    const group = this.resource(this.logGroupArn);
    return this.org.keyArn(String(group.properties.KmsKeyId), group.stack.account, group.stack.region);
  }

  get deliveryRole(): string {
    return String(this.trail.properties.CloudWatchLogsRoleArn);
  }

  /**
   * The first alarm with an SNS action. The trail's metric alarms in the management account have none:
   * their state changes reach the topic through the forwarding rules and the central bus (flows below);
   * the alarms with actions are those next to the topic.
   */
  get alarm(): IndexedResource {
    const alarm = this.org.all('AWS::CloudWatch::Alarm', (r) => Array.isArray(r.properties.AlarmActions) && r.properties.AlarmActions.length > 0)[0];
    if (!alarm) throw new Error('no alarm has an SNS action');
    return alarm;
  }

  get topic(): IndexedResource {
    return this.resource(String((this.alarm.properties.AlarmActions as string[])[0]));
  }

  get topicKeyArn(): string {
    const { topic } = this;
    return this.org.keyArn(String(topic.properties.KmsMasterKeyId), topic.stack.account, topic.stack.region);
  }

  /** A real-time alert rule on the central bus that publishes to the topic. */
  get alertRule(): IndexedResource {
    const topicArn = this.topic.arn;
    const rule = this.org.all('AWS::Events::Rule', (r) => targetsOf(r).some((t) => t.Arn === topicArn))[0];
    if (!rule) throw new Error(`no EventBridge rule targets ${topicArn}`);
    return rule;
  }

  /** A forwarding rule of the member StackSet, in a workload account's home region. */
  get memberRule(): IndexedResource {
    const region = this.aws.homeRegion;
    const rule = this.org.all(
      'AWS::Events::Rule',
      (r) => r.stack.account === WORKLOAD_ACCOUNT && r.stack.region === region && targetsOf(r).some((t) => t.RoleArn),
    )[0];
    if (!rule) throw new Error(`no StackSet instance in ${WORKLOAD_ACCOUNT} ${region} forwards events (is the StackSet deployed to its OU and region?)`);
    return rule;
  }

  get memberForwardingRole(): string {
    return String(targetsOf(this.memberRule).find((t) => t.RoleArn)!.RoleArn);
  }

  get centralBusArn(): string {
    const arn = String(targetsOf(this.memberRule).find((t) => t.RoleArn)!.Arn);
    this.resource(arn);
    return arn;
  }

  get managementForwardingRole(): string {
    const rule = this.org.all('AWS::Events::Rule', (r) => r.stack.account === this.management && targetsOf(r).some((t) => t.RoleArn))[0];
    if (!rule) throw new Error('the management account forwards no events');
    return String(targetsOf(rule).find((t) => t.RoleArn)!.RoleArn);
  }

  /** Request tags CloudFormation sends when it creates a resource: its Tags and the propagated stack or StackSet tags. */
  requestTags(resource: IndexedResource): Context {
    const keys = Object.keys(resource.tags);
    return keys.length === 0 ? {} : { 'aws:TagKeys': keys, ...Object.fromEntries(Object.entries(resource.tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])) };
  }
}

interface RuleTarget {
  readonly Arn?: string;
  readonly RoleArn?: string;
  readonly DeadLetterConfig?: { readonly Arn?: string };
}

function targetsOf(rule: IndexedResource): RuleTarget[] {
  return (rule.properties.Targets ?? []) as RuleTarget[];
}

const allowed = (because: string) => (): Expectation => ({ decision: 'Allowed', because });
const denied = (because: string) => (): Expectation => ({ decision: 'Denied', because });
/** Denied once the SCPs are attached; in report mode they are created and attached to nothing, so the call goes through. */
const deniedWhenEnforced =
  (because: string) =>
  (app: AppCase): Expectation =>
    app.mode === 'enforce' ? { decision: 'Denied', because } : { decision: 'Allowed', because: 'report mode: the SCPs are attached to nothing' };
const byLayout =
  (sra: (app: AppCase) => Expectation, single: (app: AppCase) => Expectation) =>
  (app: AppCase): Expectation =>
    app.layout === 'sra' ? sra(app) : single(app);
/** Listed roles keep working from anywhere; the others meet the network perimeter. */
const automation =
  (role: (account: string) => string) =>
  (app: AppCase): Expectation =>
    [...app.aws.automationRoleArns, ...app.aws.breakGlassRoleArns].some((p) => arnLike(p, role(WORKLOAD_ACCOUNT)))
      ? { decision: 'Allowed', because: 'listed in automation' }
      : deniedWhenEnforced('not listed in automation: the network perimeter applies')(app);

const CLOUDTRAIL_BUCKET_POLICY = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html';
const CLOUDTRAIL_KEY_POLICY = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html';
const CLOUDTRAIL_LOGS_ROLE = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html';
const SNS_ENCRYPTED_TOPICS = 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services';
const STACKSETS_EXECUTION_ROLE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html';
const EVENTBRIDGE_CROSS_ACCOUNT = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html';
const CDK_BOOTSTRAP = 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html';
const GLOBAL_KEYS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html';
const SESSION_TAGS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html';
const ORG_TRAIL = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html';
const SCP_SCOPE = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html';

/** The StackSet execution role in a member account (CloudFormation creates it as "stacksets-exec-" and an id). */
const stackSetsExec = (account: string) => `arn:aws:iam::${account}:role/stacksets-exec-0a1b2c3d4e5f60718293a4b5c6d7e8f9`;
const cdkRole = (kind: string) => (account: string) => `arn:aws:iam::${account}:role/cdk-hnb659fds-${kind}-${account}-${HOME}`;
const lambdaRole = `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/orders-function-role`;
const instanceRole = `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/orders-instance-role`;

export const FLOWS: readonly Flow[] = [
  // --- The organization trail delivers its evidence -------------------------------------------------
  ...(['organization', 'management'] as const).map(
    (prefix): Flow => ({
      group: 'evidence delivery',
      title: `CloudTrail writes log files under AWSLogs/<${prefix === 'organization' ? 'organization id' : 'management account'}>/`,
      source: CLOUDTRAIL_BUCKET_POLICY,
      request: (s) => {
        const folder = prefix === 'organization' ? `${s.aws.organizationId}/${WORKLOAD_ACCOUNT}` : s.management;
        const account = prefix === 'organization' ? WORKLOAD_ACCOUNT : s.management;
        return {
          principal: 'cloudtrail.amazonaws.com',
          action: 's3:PutObject',
          resource: `${s.trailBucket.arn}/AWSLogs/${folder}/CloudTrail/${HOME}/2026/05/01/${account}_CloudTrail_${HOME}_20260501T0000Z_a1b2c3d4.json.gz`,
          context: { 'aws:SourceArn': s.names.trailArn, 'aws:SourceAccount': s.management, 's3:x-amz-acl': 'bucket-owner-full-control' },
        };
      },
      expect: allowed('the bucket policy lets this trail write'),
    }),
  ),
  {
    group: 'evidence delivery',
    title: 'CloudTrail checks the bucket ACL',
    source: CLOUDTRAIL_BUCKET_POLICY,
    request: (s) => ({
      principal: 'cloudtrail.amazonaws.com',
      action: 's3:GetBucketAcl',
      resource: s.trailBucket.arn,
      context: { 'aws:SourceArn': s.names.trailArn, 'aws:SourceAccount': s.management },
    }),
    expect: allowed('the bucket policy lets this trail check'),
  },
  {
    group: 'evidence delivery',
    title: "CloudTrail generates a data key under the trail's key, with the trail's encryption context",
    source: CLOUDTRAIL_KEY_POLICY,
    limit: 'kms:EncryptionContext keys: evaluated without context validation',
    request: (s) => ({
      principal: 'cloudtrail.amazonaws.com',
      action: 'kms:GenerateDataKey',
      resource: s.trailKeyArn,
      context: { 'aws:SourceArn': s.names.trailArn, 'aws:SourceAccount': s.management, 'kms:EncryptionContext:aws:cloudtrail:arn': s.names.trailArn },
    }),
    expect: allowed('the key policy lets this trail encrypt'),
  },
  {
    group: 'evidence delivery',
    title: 'CloudTrail assumes its CloudWatch Logs delivery role',
    source: CLOUDTRAIL_LOGS_ROLE,
    request: (s) => ({
      principal: 'cloudtrail.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: s.deliveryRole,
      context: { 'aws:SourceArn': s.names.trailArn, 'aws:SourceAccount': s.management },
    }),
    expect: allowed('the trust policy names this trail'),
  },
  {
    group: 'evidence delivery',
    title: "the delivery role puts a member account's events in the trail's log group",
    source: CLOUDTRAIL_LOGS_ROLE,
    // Organization trails write one stream per account and region: <org id>_<account>_CloudTrail_<region>.
    request: (s) => ({
      principal: s.deliveryRole,
      action: 'logs:PutLogEvents',
      resource: `${s.logGroupArn}:log-stream:${s.aws.organizationId}_${WORKLOAD_ACCOUNT}_CloudTrail_${HOME}`,
      context: SERVICE_ROLE_CALL,
    }),
    expect: allowed('its role policy allows it; SCPs never apply in the management account'),
  },
  {
    group: 'evidence delivery',
    title: "CloudWatch Logs encrypts the trail's log group with its key",
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    limit: 'kms:EncryptionContext keys: evaluated without context validation',
    request: (s) => ({
      principal: `logs.${HOME}.amazonaws.com`,
      action: 'kms:GenerateDataKey',
      resource: s.logGroupKeyArn,
      context: { 'kms:EncryptionContext:aws:logs:arn': s.logGroupArn },
    }),
    expect: allowed('the key policy lets CloudWatch Logs encrypt for this log group'),
  },
  {
    group: 'evidence delivery',
    title: "S3 server access logging writes the trail bucket's access logs",
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
    request: (s) => ({
      principal: 'logging.s3.amazonaws.com',
      action: 's3:PutObject',
      resource: `${s.accessLogsBucket.arn}/${String((s.trailBucket.properties.LoggingConfiguration as { LogFilePrefix: string }).LogFilePrefix)}2026-05-01-00-00-00-A1B2C3D4E5F60718`,
      context: { 'aws:SourceArn': s.trailBucket.arn, 'aws:SourceAccount': s.trailBucket.stack.account },
    }),
    expect: allowed('the access-log bucket policy lets S3 logging write for the trail bucket'),
  },

  // --- Alerts reach the topic -------------------------------------------------------------------------
  {
    group: 'alerting',
    title: "a CloudWatch alarm's SNS action publishes to the alert topic",
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cross-service-confused-deputy-prevention.html',
    request: (s) => ({
      principal: 'cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      resource: s.topic.arn,
      context: { 'aws:SourceArn': s.alarm.arn, 'aws:SourceAccount': s.alarm.stack.account },
    }),
    expect: allowed("the topic policy lets the alarm's account publish"),
  },
  ...(['kms:GenerateDataKey', 'kms:Decrypt'] as const).map(
    (action): Flow => ({
      group: 'alerting',
      title: `a CloudWatch alarm's publish uses the topic key (${action})`,
      source: SNS_ENCRYPTED_TOPICS,
      // AWS documents no different context for CloudWatch's KMS calls: the same keys as its sns:Publish.
      request: (s) => ({
        principal: 'cloudwatch.amazonaws.com',
        action,
        resource: s.topicKeyArn,
        context: { 'aws:SourceArn': s.alarm.arn, 'aws:SourceAccount': s.alarm.stack.account },
      }),
      expect: allowed('the key policy lets CloudWatch use the topic key'),
    }),
  ),
  {
    group: 'alerting',
    title: 'an EventBridge alert rule publishes to the alert topic',
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions',
    request: (s) => ({
      principal: 'events.amazonaws.com',
      action: 'sns:Publish',
      resource: s.topic.arn,
      context: { 'aws:SourceArn': s.alertRule.arn, 'aws:SourceAccount': s.alertRule.stack.account },
    }),
    expect: allowed("the topic policy lets the rule's account publish"),
  },
  ...(['kms:GenerateDataKey', 'kms:Decrypt'] as const).map(
    (action): Flow => ({
      group: 'alerting',
      title: `an EventBridge alert rule's publish uses the topic key (${action}), with no aws:SourceAccount or aws:SourceArn`,
      source: SNS_ENCRYPTED_TOPICS,
      // EventBridge sends neither key to KMS for an encrypted topic: a key policy that requires them drops every alert.
      request: (s) => ({ principal: 'events.amazonaws.com', action, resource: s.topicKeyArn }),
      expect: allowed('the key policy lets EventBridge use the topic key'),
    }),
  ),
  {
    group: 'alerting',
    title: "EventBridge assumes a member account's forwarding role for its rule",
    source: EVENTBRIDGE_CROSS_ACCOUNT,
    request: (s) => ({
      principal: 'events.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: s.memberForwardingRole,
      context: { 'aws:SourceArn': s.memberRule.arn, 'aws:SourceAccount': WORKLOAD_ACCOUNT },
    }),
    expect: allowed('the trust policy lets EventBridge assume it'),
  },
  {
    group: 'alerting',
    title: "the member forwarding role puts events on the central bus, from EventBridge's addresses",
    source: EVENTBRIDGE_CROSS_ACCOUNT,
    request: (s) => ({ principal: s.memberForwardingRole, action: 'events:PutEvents', resource: s.centralBusArn, context: SERVICE_ROLE_CALL }),
    expect: allowed('role policy and bus policy allow it, and the perimeter exempts the forwarding role'),
  },
  {
    group: 'alerting',
    title: "EventBridge sends an event it could not deliver to the forwarding rule's dead-letter queue",
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
    request: (s) => {
      const queue = targetsOf(s.memberRule).find((t) => t.DeadLetterConfig?.Arn)?.DeadLetterConfig?.Arn;
      if (!queue) throw new Error(`${s.memberRule.physicalName} has no dead-letter queue: undeliverable alerts are dropped`);
      return {
        principal: 'events.amazonaws.com',
        action: 'sqs:SendMessage',
        resource: queue,
        context: { 'aws:SourceArn': s.memberRule.arn, 'aws:SourceAccount': WORKLOAD_ACCOUNT },
      };
    },
    expect: allowed('the queue policy lets the forwarding rules send'),
  },
  {
    group: 'alerting',
    title: "the management account's forwarding role puts events on the central bus",
    source: EVENTBRIDGE_CROSS_ACCOUNT,
    request: (s) => ({ principal: s.managementForwardingRole, action: 'events:PutEvents', resource: s.centralBusArn, context: SERVICE_ROLE_CALL }),
    expect: allowed('role policy and bus policy allow it; SCPs never apply in the management account'),
  },

  // --- The StackSet maintains the member stacks (its execution role, from CloudFormation's addresses) --
  ...(
    [
      ['creates the forwarding role, tagged as CloudFormation tags it', 'iam:CreateRole', 'role', true],
      ["writes the forwarding role's policy", 'iam:PutRolePolicy', 'role', false],
      ['re-tags the forwarding role with the protection tag', 'iam:TagRole', 'role', true],
      ['deletes the forwarding role', 'iam:DeleteRole', 'role', false],
      ['creates a forwarding rule, tagged as CloudFormation tags it', 'events:PutRule', 'rule', true],
      ["sets the forwarding rule's target", 'events:PutTargets', 'rule', false],
      ['deletes a forwarding rule', 'events:DeleteRule', 'rule', false],
    ] as const
  ).map(
    ([what, action, kind, tagging]): Flow => ({
      group: 'stackset deployment',
      title: `the StackSet execution role ${what}`,
      source: `${STACKSETS_EXECUTION_ROLE} ; tags: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stackset.html#cfn-cloudformation-stackset-tags`,
      request: (s) => {
        const target = kind === 'role' ? s.resource(s.memberForwardingRole) : s.memberRule;
        return {
          principal: stackSetsExec(WORKLOAD_ACCOUNT),
          action,
          resource: target.arn,
          identityPolicies: [ADMINISTRATOR_ACCESS],
          context: {
            ...SERVICE_ROLE_CALL,
            ...(tagging ? s.requestTags(target) : {}),
            ...(action === 'events:PutTargets' ? { 'events:TargetArn': s.centralBusArn } : {}),
          },
        };
      },
      expect: allowed('the StackSet must be able to create, update and delete its own stacks'),
    }),
  ),
  {
    group: 'stackset deployment',
    title: 'the StackSet execution role passes the forwarding role to EventBridge',
    source: STACKSETS_EXECUTION_ROLE,
    request: (s) => ({
      principal: stackSetsExec(WORKLOAD_ACCOUNT),
      action: 'iam:PassRole',
      resource: s.memberForwardingRole,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { ...SERVICE_ROLE_CALL, 'iam:PassedToService': 'events.amazonaws.com' },
    }),
    expect: allowed('the StackSet must be able to wire the rule to its role'),
  },

  // --- Automation ---------------------------------------------------------------------------------------
  ...(
    [
      [
        'deploy role starts a change set from a CI runner',
        'deploy-role',
        'cloudformation:CreateChangeSet',
        (a: string) => `arn:aws:cloudformation:${HOME}:${a}:stack/orders-app/00000000-0000-4000-8000-000000000001`,
        UNTRUSTED_ADDRESS,
      ],
      [
        'file-publishing role uploads an asset from a CI runner',
        'file-publishing-role',
        's3:PutObject',
        (a: string) => `arn:aws:s3:::cdk-hnb659fds-assets-${a}-${HOME}/0a1b2c3d.zip`,
        UNTRUSTED_ADDRESS,
      ],
      ['lookup role reads VPCs from a CI runner', 'lookup-role', 'ec2:DescribeVpcs', () => '*', UNTRUSTED_ADDRESS],
      ['CloudFormation execution role creates a bucket', 'cfn-exec-role', 's3:CreateBucket', () => 'arn:aws:s3:::orders-app-data', AWS_SERVICE_ADDRESS],
    ] as const
  ).map(
    ([what, kind, action, resource, address]): Flow => ({
      group: 'automation',
      title: `CDK bootstrap ${what} (${address === AWS_SERVICE_ADDRESS ? "CloudFormation's addresses" : 'an untrusted address'})`,
      source: CDK_BOOTSTRAP,
      request: () => ({
        principal: cdkRole(kind)(WORKLOAD_ACCOUNT),
        action,
        resource: resource(WORKLOAD_ACCOUNT),
        resourceAccount: WORKLOAD_ACCOUNT,
        identityPolicies: granting(action),
        context: { 'aws:SourceIp': address, 'aws:ViaAWSService': 'false' },
      }),
      expect: automation(cdkRole(kind)),
    }),
  ),

  // --- Service roles used by their service ----------------------------------------------------------------
  {
    group: 'service roles',
    title: "Lambda writes a function's logs with its execution role (lambda:SourceFunctionArn present)",
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html',
    request: () => ({
      principal: lambdaRole,
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:${HOME}:${WORKLOAD_ACCOUNT}:log-group:/aws/lambda/orders:log-stream:2026/05/01/[$LATEST]0a1b2c3d4e5f`,
      identityPolicies: granting(['logs:CreateLogStream', 'logs:PutLogEvents']),
      context: { ...SERVICE_ROLE_CALL, 'lambda:SourceFunctionArn': `arn:aws:lambda:${HOME}:${WORKLOAD_ACCOUNT}:function:orders` },
    }),
    expect: allowed("the service key marks a call of the function's own environment"),
  },
  {
    group: 'service roles',
    title: "the function role's credentials used from an untrusted address, without lambda:SourceFunctionArn",
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html',
    request: () => ({
      principal: lambdaRole,
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:${HOME}:${WORKLOAD_ACCOUNT}:log-group:/aws/lambda/orders:log-stream:2026/05/01/[$LATEST]0a1b2c3d4e5f`,
      identityPolicies: granting(['logs:CreateLogStream', 'logs:PutLogEvents']),
      context: { 'aws:SourceIp': UNTRUSTED_ADDRESS, 'aws:ViaAWSService': 'false' },
    }),
    expect: deniedWhenEnforced('network perimeter: no service key, untrusted address'),
  },
  {
    group: 'service roles',
    title: "a function's code calls S3 with its role from Lambda's addresses (not in a VPC; lambda:SourceFunctionArn present)",
    source:
      'https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/service_control_policies/service_specific_controls/network_perimeter_lambda_scp.json (AWS data perimeter examples)',
    request: () => ({
      principal: lambdaRole,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::orders-app-data/orders.csv',
      resourceAccount: WORKLOAD_ACCOUNT,
      identityPolicies: granting('s3:GetObject'),
      context: { ...SERVICE_ROLE_CALL, 'lambda:SourceFunctionArn': `arn:aws:lambda:${HOME}:${WORKLOAD_ACCOUNT}:function:orders` },
    }),
    expect: deniedWhenEnforced("network perimeter: the key holds a function's own calls to the perimeter (run it in a trusted VPC)"),
  },
  {
    group: 'service roles',
    title: "an application on an instance calls with the instance role through a trusted VPC's endpoint (ec2:SourceInstanceARN present)",
    source: `${GLOBAL_KEYS}#condition-keys-ec2-source-instance-arn`,
    request: (s) => ({
      principal: instanceRole,
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:${HOME}:${WORKLOAD_ACCOUNT}:log-group:/orders/app:log-stream:i-0a1b2c3d4e5f60718`,
      identityPolicies: granting(['logs:CreateLogStream', 'logs:PutLogEvents']),
      context: {
        ...trustedVpcCall(s.model),
        'ec2:SourceInstanceARN': `arn:aws:ec2:${HOME}:${WORKLOAD_ACCOUNT}:instance/i-0a1b2c3d4e5f60718`,
        'ec2:RoleDelivery': '2.0',
      },
    }),
    expect: allowed('inside the perimeter'),
  },
  ...(
    [
      ['with ec2:SourceInstanceARN (credentials taken from the instance keep it)', true],
      ['without ec2:SourceInstanceARN', false],
    ] as const
  ).map(
    ([what, withKey]): Flow => ({
      group: 'service roles',
      title: `the instance role's credentials used from an untrusted address, ${what}`,
      source: `${GLOBAL_KEYS}#condition-keys-ec2-source-instance-arn`,
      request: () => ({
        principal: instanceRole,
        action: 'logs:PutLogEvents',
        resource: `arn:aws:logs:${HOME}:${WORKLOAD_ACCOUNT}:log-group:/orders/app:log-stream:i-0a1b2c3d4e5f60718`,
        identityPolicies: granting(['logs:CreateLogStream', 'logs:PutLogEvents']),
        context: {
          'aws:SourceIp': UNTRUSTED_ADDRESS,
          'aws:ViaAWSService': 'false',
          ...(withKey ? { 'ec2:SourceInstanceARN': `arn:aws:ec2:${HOME}:${WORKLOAD_ACCOUNT}:instance/i-0a1b2c3d4e5f60718` } : {}),
        },
      }),
      expect: deniedWhenEnforced('network perimeter'),
    }),
  ),
  {
    group: 'service roles',
    title: "EC2 infrastructure (aws:ec2-infrastructure) decrypts an encrypted EBS volume's data key",
    source:
      'https://github.com/aws-samples/data-perimeter-policy-examples/tree/main/service_control_policies/service_specific_controls (AWS data perimeter examples) ; https://docs.aws.amazon.com/kms/latest/developerguide/services-ebs.html',
    limit: 'the KMS grant EBS creates is modelled as an identity Allow (no grants in the simulator)',
    request: () => ({
      principal: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/aws:ec2-infrastructure`,
      action: 'kms:Decrypt',
      resource: `arn:aws:kms:${HOME}:${WORKLOAD_ACCOUNT}:key/0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9`,
      identityPolicies: granting('kms:Decrypt'),
      resourcePolicy: defaultKeyPolicy(WORKLOAD_ACCOUNT),
      context: SERVICE_ROLE_CALL,
    }),
    expect: allowed('the perimeter exempts aws:ec2-infrastructure'),
  },
  {
    group: 'service roles',
    title: "a service-linked role calls from its service's addresses",
    source: SCP_SCOPE,
    request: () => ({
      principal: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      action: 'ec2:DescribeInstances',
      resource: '*',
      identityPolicies: granting('ec2:Describe*'),
      context: SERVICE_ROLE_CALL,
    }),
    expect: allowed('SCPs never apply to service-linked roles'),
  },
  {
    group: 'service roles',
    title: "CloudFormation acts with an admin's own credentials (forward access session, aws:ViaAWSService true)",
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html',
    request: (s) => ({
      principal: s.admin(WORKLOAD_ACCOUNT),
      action: 's3:CreateBucket',
      resource: 'arn:aws:s3:::orders-app-data',
      resourceAccount: WORKLOAD_ACCOUNT,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': AWS_SERVICE_ADDRESS, 'aws:ViaAWSService': 'true', 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
    }),
    expect: allowed("the perimeter lets AWS services act on the caller's behalf"),
  },

  // --- People -----------------------------------------------------------------------------------------------
  {
    group: 'people',
    title: 'an admin calls the API from a trusted network',
    source: `${GLOBAL_KEYS}#condition-keys-sourceip`,
    request: (s) => ({
      principal: s.admin(WORKLOAD_ACCOUNT),
      action: 'ec2:DescribeInstances',
      resource: '*',
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': trustedAddress(s.model) },
    }),
    expect: allowed('inside the perimeter'),
  },
  {
    group: 'people',
    title: "an admin's credentials used from an untrusted address",
    source: `${GLOBAL_KEYS}#condition-keys-sourceip`,
    request: (s) => ({
      principal: s.admin(WORKLOAD_ACCOUNT),
      action: 'ec2:DescribeInstances',
      resource: '*',
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': UNTRUSTED_ADDRESS, 'aws:ViaAWSService': 'false' },
    }),
    expect: deniedWhenEnforced('network perimeter'),
  },
  {
    group: 'people',
    title: 'break-glass calls the API from anywhere',
    source: SCP_SCOPE,
    request: (s) => ({
      principal: s.breakGlass(WORKLOAD_ACCOUNT),
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/incident-responder`,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': UNTRUSTED_ADDRESS },
    }),
    expect: allowed('break-glass is exempt from every statement'),
  },
  {
    group: 'people',
    title: "break-glass changes the trail bucket's policy from anywhere",
    source: SCP_SCOPE,
    request: (s) => ({
      principal: s.breakGlass(s.trailBucket.stack.account),
      action: 's3:PutBucketPolicy',
      resource: s.trailBucket.arn,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': UNTRUSTED_ADDRESS },
    }),
    expect: allowed('break-glass is exempt from every statement'),
  },

  // --- Taking an exemption for oneself (a member admin on a trusted network) --------------------------------
  {
    group: 'exemption abuse',
    title: 'a member admin creates a role named like the break-glass pattern (BreakGlassX)',
    source: `${GLOBAL_KEYS}#condition-keys-principalarn`,
    request: (s) => ({
      principal: s.admin(WORKLOAD_ACCOUNT),
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/BreakGlassX`,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': trustedAddress(s.model) },
    }),
    expect: deniedWhenEnforced('squatting protection: only break-glass may create break-glass-named roles'),
  },
  {
    group: 'exemption abuse',
    title: 'a member admin tags their own role with the perimeter exemption',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html',
    request: (s) => ({
      principal: s.admin(WORKLOAD_ACCOUNT),
      action: 'iam:TagRole',
      resource: s.admin(WORKLOAD_ACCOUNT),
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: {
        'aws:SourceIp': trustedAddress(s.model),
        'aws:TagKeys': [s.aws.perimeterExemptionTag],
        [`aws:RequestTag/${s.aws.perimeterExemptionTag}`]: 'true',
      },
    }),
    expect: deniedWhenEnforced('tag protection'),
  },
  {
    group: 'exemption abuse',
    title: 'a member admin passes the perimeter exemption as a session tag',
    source: SESSION_TAGS,
    request: (s) => ({
      principal: s.admin(WORKLOAD_ACCOUNT),
      action: 'sts:TagSession',
      resource: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/Operator`,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: {
        'aws:SourceIp': trustedAddress(s.model),
        'aws:TagKeys': [s.aws.perimeterExemptionTag],
        [`aws:RequestTag/${s.aws.perimeterExemptionTag}`]: 'true',
      },
    }),
    expect: deniedWhenEnforced('tag protection'),
  },
  ...(['sso:CreateInstanceAccessControlAttributeConfiguration', 'sso:UpdateInstanceAccessControlAttributeConfiguration'] as const).map(
    (action): Flow => ({
      group: 'exemption abuse',
      title: `an IAM Identity Center delegated admin maps a user attribute to session tags (${action.split(':')[1]})`,
      source: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/attributesforaccesscontrol.html',
      limit:
        "delegated administration modelled as a call in the admin's own account (no delegation in the simulator); the request names no tag keys, so only denying the action stops it",
      request: (s) => ({
        principal: s.admin(WORKLOAD_ACCOUNT),
        action,
        resource: 'arn:aws:sso:::instance/ssoins-0a1b2c3d4e5f6071',
        resourceAccount: WORKLOAD_ACCOUNT,
        identityPolicies: [ADMINISTRATOR_ACCESS],
        context: { 'aws:SourceIp': trustedAddress(s.model) },
      }),
      expect: deniedWhenEnforced('attribute-based session tags could carry the perimeter exemption'),
    }),
  ),

  // --- Blinding a member account: its forwarding rules and role (a member admin on a trusted network) ------
  ...(
    [
      ['disables a forwarding rule', 'events:DisableRule', 'rule'],
      ['deletes a forwarding rule', 'events:DeleteRule', 'rule'],
      ["rewrites a forwarding rule's pattern", 'events:PutRule', 'rule'],
      ['points a forwarding rule elsewhere', 'events:PutTargets', 'rule'],
      ["removes a forwarding rule's target", 'events:RemoveTargets', 'rule'],
      ["rewrites the forwarding role's policy", 'iam:PutRolePolicy', 'role'],
      ["deletes the forwarding role's policy", 'iam:DeleteRolePolicy', 'role'],
      ["rewrites the forwarding role's trust policy", 'iam:UpdateAssumeRolePolicy', 'role'],
      ['deletes the forwarding role', 'iam:DeleteRole', 'role'],
    ] as const
  ).map(
    ([what, action, kind]): Flow => ({
      group: 'forwarding tampering',
      title: `a member admin ${what}`,
      source: EVENTBRIDGE_CROSS_ACCOUNT,
      request: (s) => ({
        principal: s.admin(WORKLOAD_ACCOUNT),
        action,
        resource: kind === 'role' ? s.memberForwardingRole : s.memberRule.arn,
        identityPolicies: [ADMINISTRATOR_ACCESS],
        context: { 'aws:SourceIp': trustedAddress(s.model) },
      }),
      expect: deniedWhenEnforced('forwarding protection'),
    }),
  ),

  // --- Evidence tampering by the admin of the account holding it --------------------------------------------
  ...(
    [
      [
        'deletes a log file version',
        's3:DeleteObjectVersion',
        'object',
        'Object Lock still refuses to delete a locked version (not an IAM decision: not simulated)',
      ],
      ["replaces the trail bucket's policy", 's3:PutBucketPolicy', 'bucket', undefined],
      ["deletes the trail bucket's policy", 's3:DeleteBucketPolicy', 'bucket', undefined],
      ['shortens the log lifecycle', 's3:PutLifecycleConfiguration', 'bucket', undefined],
      ['suspends versioning on the trail bucket', 's3:PutBucketVersioning', 'bucket', undefined],
      ["schedules the trail key's deletion", 'kms:ScheduleKeyDeletion', 'key', undefined],
      ['disables the trail key', 'kms:DisableKey', 'key', undefined],
      ["replaces the trail key's policy", 'kms:PutKeyPolicy', 'key', undefined],
    ] as const
  ).map(
    ([what, action, kind, limit]): Flow => ({
      group: 'evidence tampering',
      title: `the admin of the evidence account ${what} (a member admin when the evidence is in the management account)`,
      source: SCP_SCOPE,
      ...(limit ? { limit } : {}),
      request: (s) => {
        const resource =
          kind === 'key'
            ? s.trailKeyArn
            : kind === 'bucket'
              ? s.trailBucket.arn
              : `${s.trailBucket.arn}/AWSLogs/${s.aws.organizationId}/${WORKLOAD_ACCOUNT}/CloudTrail/${HOME}/2026/05/01/log.json.gz`;
        return {
          principal: s.memberAdminFor(resource),
          action,
          resource,
          identityPolicies: [ADMINISTRATOR_ACCESS],
          context: { 'aws:SourceIp': trustedAddress(s.model) },
        };
      },
      expect: byLayout(
        deniedWhenEnforced('evidence protection SCP in the log-archive account'),
        denied('the evidence is in the management account, whose policies grant member accounts nothing'),
      ),
    }),
  ),
  {
    group: 'evidence tampering',
    title: 'the admin of the evidence account bypasses governance retention (a member admin when the evidence is in the management account)',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-bypass',
    request: (s) => {
      const resource = `${s.trailBucket.arn}/AWSLogs/${s.aws.organizationId}/${WORKLOAD_ACCOUNT}/CloudTrail/${HOME}/2026/05/01/log.json.gz`;
      return {
        principal: s.memberAdminFor(resource),
        action: 's3:BypassGovernanceRetention',
        resource,
        identityPolicies: [ADMINISTRATOR_ACCESS],
        context: { 'aws:SourceIp': trustedAddress(s.model) },
      };
    },
    expect: byLayout(
      denied('the bucket policy denies it to all but break-glass (and the SCP when enforced)'),
      denied('the evidence is in the management account, whose policies grant member accounts nothing'),
    ),
  },
  ...(
    [
      ['stops the organization trail', 'cloudtrail:StopLogging', 'trail'],
      ['deletes the organization trail', 'cloudtrail:DeleteTrail', 'trail'],
      ["deletes the trail's log group", 'logs:DeleteLogGroup', 'log group'],
    ] as const
  ).map(
    ([what, action, kind]): Flow => ({
      group: 'evidence tampering',
      title: `a member admin ${what}`,
      source: ORG_TRAIL,
      request: (s) => ({
        principal: s.admin(WORKLOAD_ACCOUNT),
        action,
        resource: kind === 'trail' ? s.names.trailArn : s.logGroupArn,
        identityPolicies: [ADMINISTRATOR_ACCESS],
        context: { 'aws:SourceIp': trustedAddress(s.model) },
      }),
      expect: denied('the trail and its log group are in the management account: member accounts cannot change them (and the SCP denies it when enforced)'),
    }),
  ),

  // --- The management account: where SCPs never apply --------------------------------------------------------
  {
    group: 'management account',
    title: 'a management-account admin stops the organization trail',
    source: SCP_SCOPE,
    request: (s) => ({
      principal: s.admin(s.management),
      action: 'cloudtrail:StopLogging',
      resource: s.names.trailArn,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': trustedAddress(s.model) },
    }),
    expect: allowed('SCPs never apply to the management account: detection only (guardrails-trail-changed)'),
  },
  {
    group: 'management account',
    title: "a management-account admin disables CloudTrail's trusted access (organizations:DisableAWSServiceAccess)",
    source: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisableAWSServiceAccess.html',
    request: (s) => ({
      principal: s.admin(s.management),
      action: 'organizations:DisableAWSServiceAccess',
      resource: '*',
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': trustedAddress(s.model), 'organizations:ServicePrincipal': 'cloudtrail.amazonaws.com' },
    }),
    expect: allowed('a management-account call: nothing preventive, detection only (aws-org-trail-trusted-access-removed)'),
  },
  {
    group: 'management account',
    title: "a management-account admin replaces the trail bucket's policy",
    source: SCP_SCOPE,
    request: (s) => ({
      principal: s.admin(s.management),
      action: 's3:PutBucketPolicy',
      resource: s.trailBucket.arn,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': trustedAddress(s.model) },
    }),
    expect: byLayout(
      denied('the bucket is in the log-archive account, whose bucket policy grants the management account nothing'),
      allowed('single-account layout: nothing preventive in the management account, detection only'),
    ),
  },
  {
    group: 'management account',
    title: 'a management-account admin bypasses governance retention on a log file',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-bypass',
    request: (s) => ({
      principal: s.admin(s.management),
      action: 's3:BypassGovernanceRetention',
      resource: `${s.trailBucket.arn}/AWSLogs/${s.management}/CloudTrail/${HOME}/2026/05/01/log.json.gz`,
      identityPolicies: [ADMINISTRATOR_ACCESS],
      context: { 'aws:SourceIp': trustedAddress(s.model) },
    }),
    expect: byLayout(denied('the bucket is in the log-archive account'), denied('the bucket policy denies it to all but break-glass')),
  },

  // --- The alert pipeline, by the admin of the account holding it ----------------------------------------------
  ...(
    [
      ['deletes the alert topic', 'sns:DeleteTopic', 'topic'],
      ["changes the alert topic's attributes (policy, key)", 'sns:SetTopicAttributes', 'topic'],
      ['disables an alert rule', 'events:DisableRule', 'rule'],
      ['deletes the central event bus', 'events:DeleteEventBus', 'bus'],
    ] as const
  ).map(
    ([what, action, kind]): Flow => ({
      group: 'alert pipeline tampering',
      title: `the admin of the security account ${what} (a member admin when the pipeline is in the management account)`,
      source: SNS_ENCRYPTED_TOPICS,
      request: (s) => {
        const resource = kind === 'topic' ? s.topic.arn : kind === 'rule' ? s.alertRule.arn : s.centralBusArn;
        return {
          principal: s.memberAdminFor(resource),
          action,
          resource,
          identityPolicies: [ADMINISTRATOR_ACCESS],
          context: { 'aws:SourceIp': trustedAddress(s.model) },
        };
      },
      expect: byLayout(
        deniedWhenEnforced('alert pipeline protection SCP in the security account'),
        denied('the pipeline is in the management account, whose policies grant member accounts nothing'),
      ),
    }),
  ),
];
