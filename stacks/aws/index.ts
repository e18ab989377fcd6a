/**
 * `cloud-api-guardrails/aws`: the CDK constructs, each usable on its own in an app of yours, and the
 * stacks that compose them from a validated config (what bin/aws.ts deploys); plus what builds their
 * inputs: the config model, the perimeter plan (the SCP documents, packed and checked) and the alarm plan.
 */
// Constructs (constructs/aws/).
export { OrganizationTrail, type OrganizationTrailProps } from '../../constructs/aws/organization-trail.ts';
export { TrailEvidenceStore, type TrailEvidenceStoreProps } from '../../constructs/aws/trail-evidence-store.ts';
export { PerimeterPolicies, type PerimeterPoliciesProps } from '../../constructs/aws/perimeter-policies.ts';
export { AlarmTopic, type AlarmTopicProps } from '../../constructs/aws/alarm-topic.ts';
export { MetricAlarms, type MetricAlarmsProps, type MetricAlarmRule } from '../../constructs/aws/metric-alarms.ts';
export { RealtimeRules, type RealtimeRulesProps, type RealtimeRule } from '../../constructs/aws/realtime-rules.ts';
export { RuleDelivery, type RuleDeliveryProps, type WatchedRule } from '../../constructs/aws/dead-letter-queue.ts';
export { EventForwarding, type EventForwardingProps } from '../../constructs/aws/event-forwarding.ts';
export { MemberStackSet, type MemberStackSetProps } from '../../constructs/aws/member-stackset.ts';
export { acknowledge } from '../../constructs/aws/acknowledge.ts';

// Stacks (stacks/aws/): the whole kit from a config.
export { buildAwsApp, AWS_STACK_ID, LOG_ARCHIVE_STACK_ID, SECURITY_STACK_ID, type AwsApp } from './app.ts';
export {
  AwsGuardrailsStack,
  LogArchiveStack,
  SecurityStack,
  ManagementForwardingStack,
  type AwsGuardrailsStackProps,
  type PartStackProps,
  type SecurityStackProps,
  type ManagementForwardingStackProps,
} from './guardrails-stack.ts';

// Plans (core/aws/): the constructs' inputs, built and checked without CDK.
export {
  planPerimeter,
  planPerimeterPolicies,
  type PerimeterPlan,
  type PerimeterPlanProps,
  type PerimeterSafety,
  type TrustedNetworksProps,
} from '../../core/aws/perimeter-plan.ts';
export type { PackedPolicy } from '../../core/aws/scp-packing.ts';
export { describePerimeterPlan } from '../../core/aws/perimeter-summary.ts';
export { planAlarms, type AlarmPlan } from '../../core/aws/alarm-plan.ts';
export { trailResourceNames, type TrailResourceNames } from '../../core/aws/trail-names.ts';

// The config and the rule catalog the stacks and plans are built from.
export { loadConfigFile, parseConfigText, resolveConfigPath } from '../../core/config/load.ts';
export { ConfigError } from '../../core/config/config-error.ts';
export type { GuardrailsModel, AwsModel } from '../../core/config/model.ts';
export type { GuardrailsConfigInput } from '../../core/config/schema.ts';
export { loadCatalog, type CatalogRule } from '../../core/detection/catalog.ts';
