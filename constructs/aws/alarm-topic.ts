/**
 * The SNS topic every alarm and real-time rule publishes to, in the security account. Encrypted with a
 * customer-managed key whose policy lets CloudWatch and EventBridge use it: the AWS-managed aws/sns key
 * cannot be granted to them, and a topic they cannot encrypt for silently drops alerts. Publishing
 * requires TLS.
 *
 * Key policy (SNS developer guide, "Enable compatibility between event sources from AWS services and
 * encrypted topics"): CloudWatch may be scoped to this account's alarms with aws:SourceAccount and
 * aws:SourceArn, but EventBridge sends neither to KMS when it publishes to an encrypted topic, so a
 * condition on them denies every real-time alert: EventBridge gets a statement of its own without one.
 * What EventBridge may publish is still narrowed where it does send them: in the topic policy.
 *
 * Topic policy: CloudWatch alarms and EventBridge rules of this account only, by aws:SourceAccount and
 * aws:SourceArn (EventBridge user guide, "Using resource-based policies for Amazon EventBridge", Amazon
 * SNS permissions: the rule's ARN as aws:SourceArn; AWS re:Post Knowledge Center, "Why didn't I receive
 * an SNS notification for my CloudWatch alarm trigger?": the alarm's ARN as aws:SourceArn). Rules on a
 * custom bus have ARNs rule/<bus>/<rule>, which rule/* covers.
 */
import { ArnFormat, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly topicName: string;
  readonly emails: readonly string[];
  /** HTTPS endpoints (chat webhooks, incident tools); they must confirm the subscription. */
  readonly webhooks: readonly string[];
  /** Tag key marking the topic and key as protected by the SCPs (value "true"). */
  readonly protectionTag: string;
}

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const EVENTBRIDGE = 'events.amazonaws.com';

export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const account = stack.account;
    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const rules = stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' });
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${props.topicName}`,
      description: `Encrypts the ${props.topicName} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const encrypt = ['kms:GenerateDataKey*', 'kms:Decrypt'];
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncrypt',
        principals: [new iam.ServicePrincipal(CLOUDWATCH)],
        actions: encrypt,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': alarms } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        // No aws:Source* condition: EventBridge does not send them to KMS for an encrypted topic (see above).
        sid: 'AllowEventBridgeToEncrypt',
        principals: [new iam.ServicePrincipal(EVENTBRIDGE)],
        actions: encrypt,
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'cloud-api-guardrails alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    const publisher = (sid: string, service: string, sourceArn: string) =>
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
      });
    this.topic.addToResourcePolicy(publisher('AllowCloudWatchAlarmsToPublish', CLOUDWATCH, alarms));
    this.topic.addToResourcePolicy(publisher('AllowEventBridgeRulesToPublish', EVENTBRIDGE, rules));
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.webhooks) this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    Tags.of(this).add(props.protectionTag, 'true');
  }
}
