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
 *
 * Bring your own topic (`topic`) and the construct creates no topic and no key: it adds the publish
 * statements to the topic's policy, and the encrypt statements to its key's, where this app writes them (a
 * topic or key created in the app), and subscribes the emails and webhooks. For a topic imported by ARN it
 * can add neither, and says so in a synth-time note: its owner adds them, or alerts are silently dropped.
 */
import { Annotations, ArnFormat, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ALERT_TOPIC_NAME } from '../../core/aws/self-protection-rules.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';

export interface AlarmTopicProps {
  /**
   * An existing topic to publish alerts to, instead of one created here (with its key, if it has one:
   * `topic.masterKey`). Neither is tagged or recreated.
   * @default - a new topic, encrypted with a new key of its own (rotation, retained), TLS-only publishing
   */
  readonly topic?: sns.ITopic;
  /**
   * Name of the topic this construct creates (and of its key's alias); ignored with `topic`.
   * @default 'guardrails-alerts'
   */
  readonly topicName?: string;
  /**
   * Email addresses subscribed to the topic; each must confirm the subscription.
   * @default - no email subscription
   */
  readonly emails?: readonly string[];
  /**
   * HTTPS endpoints (chat webhooks, incident tools) subscribed to the topic; they must confirm the subscription.
   * @default - no webhook subscription
   */
  readonly webhooks?: readonly string[];
  /**
   * Tag key marking the topic and key this construct creates as protected by the SCPs (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const EVENTBRIDGE = 'events.amazonaws.com';

export class AlarmTopic extends Construct {
  /** The topic alerts are published to (the one given, or the one created). */
  readonly topic: sns.ITopic;
  /** The topic's key: the one created, or the given topic's `masterKey`. */
  readonly key?: kms.IKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const account = stack.account;
    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const rules = stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' });
    const topicName = props.topicName ?? ALERT_TOPIC_NAME;
    this.key = props.topic
      ? props.topic.masterKey
      : new kms.Key(this, 'Key', {
          alias: `alias/${topicName}`,
          description: `Encrypts the ${topicName} alarm topic`,
          enableKeyRotation: true,
          removalPolicy: RemovalPolicy.RETAIN,
        });
    const encrypt = ['kms:GenerateDataKey*', 'kms:Decrypt'];
    const keyPolicyHere = this.key?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncrypt',
        principals: [new iam.ServicePrincipal(CLOUDWATCH)],
        actions: encrypt,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': alarms } },
      }),
    );
    this.key?.addToResourcePolicy(
      new iam.PolicyStatement({
        // No aws:Source* condition: EventBridge does not send them to KMS for an encrypted topic (see above).
        sid: 'AllowEventBridgeToEncrypt',
        principals: [new iam.ServicePrincipal(EVENTBRIDGE)],
        actions: encrypt,
        resources: ['*'],
      }),
    );
    this.topic =
      props.topic ??
      new sns.Topic(this, 'Topic', {
        topicName,
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
    const topicPolicyHere = this.topic.addToResourcePolicy(publisher('AllowCloudWatchAlarmsToPublish', CLOUDWATCH, alarms)).statementAdded;
    this.topic.addToResourcePolicy(publisher('AllowEventBridgeRulesToPublish', EVENTBRIDGE, rules));
    const elsewhere = [...(topicPolicyHere ? [] : ['topic']), ...(this.key && !keyPolicyHere?.statementAdded ? ['key'] : [])];
    if (elsewhere.length > 0) {
      Annotations.of(this).addInfo(
        `The alert ${elsewhere.join(' and ')} ${elsewhere.length > 1 ? 'are imported, so their policies are' : 'is imported, so its policy is'} written elsewhere: ${elsewhere.length > 1 ? 'they' : 'it'} must let CloudWatch alarms and EventBridge rules of account ${account} publish (and encrypt), as this construct's statements do (SNS developer guide, "Enable compatibility between event sources from AWS services and encrypted topics"), or alerts are dropped.`,
      );
    }
    for (const email of props.emails ?? []) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.webhooks ?? []) this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    // Only what this construct creates: a topic brought in is its owner's to tag.
    if (!props.topic) Tags.of(this).add(props.protectionTag ?? DEFAULT_PROTECTION_TAG, 'true');
  }
}
