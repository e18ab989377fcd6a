/**
 * What the shadow rule of a report-mode network perimeter can see of a request the enforced SCP denies:
 * the request as CloudTrail would record it (CloudTrail user guide, "CloudTrail record contents":
 * eventSource, eventName, sourceIPAddress, userIdentity.sessionContext.sessionIssuer, vpcEndpointId),
 * and whether CloudTrail records it as a management event at all ("Logging data events": object-level
 * S3, Lambda invocations, DynamoDB items and the like are data events, off unless a trail selects them;
 * CloudWatch Logs PutLogEvents is not logged).
 */
import type { CatalogRule } from '../../core/detection/catalog.ts';
import type { FlowRequest } from './organization-simulation.ts';

/** Event sources whose CloudTrail name differs from the IAM service prefix. */
const EVENT_SOURCES: Readonly<Record<string, string>> = { cloudwatch: 'monitoring.amazonaws.com', 'rds-db': 'rds.amazonaws.com' };

/** Actions CloudTrail records only as data events, or not at all. */
const DATA_EVENTS =
  /^(s3:(Get|Put|Delete)Object|s3:BypassGovernanceRetention|lambda:Invoke|dynamodb:(Get|Put|Delete|Update)Item|logs:PutLogEvents|xray:PutTraceSegments|sqs:(Send|Receive|Delete)Message|sns:Publish|kms:(GenerateDataKey|Decrypt|Encrypt))/;

export interface Visibility {
  readonly seen: boolean;
  readonly why: string;
}

/** The CloudTrail record of a request made by a role session (what the shadow rule evaluates). */
export function cloudTrailRecord(request: FlowRequest): Record<string, unknown> {
  const [service = '', eventName = ''] = request.action.split(':');
  const context = request.context ?? {};
  const ip = context['aws:SourceIp'];
  const account = /^arn:aws:iam::(\d{12}):/.exec(request.principal)?.[1] ?? '000000000000';
  return {
    eventVersion: '1.09',
    eventSource: EVENT_SOURCES[service] ?? `${service}.amazonaws.com`,
    eventName,
    eventType: 'AwsApiCall',
    sourceIPAddress: typeof ip === 'string' ? ip : `${service}.amazonaws.com`,
    userAgent: 'aws-cli/2.17.0',
    recipientAccountId: account,
    userIdentity: {
      type: 'AssumedRole',
      arn: `${request.principal.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/session`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: request.principal, accountId: account } },
    },
    ...(typeof context['aws:SourceVpce'] === 'string' ? { vpcEndpointId: context['aws:SourceVpce'] } : {}),
  };
}

export function shadowVisibility(request: FlowRequest, shadow: CatalogRule): Visibility {
  if (DATA_EVENTS.test(request.action))
    return {
      seen: false,
      why: 'CloudTrail records it only as a data event (or not at all), so EventBridge never sees it unless the trail selects data events',
    };
  const seen = shadow.matches(cloudTrailRecord(request));
  return seen ? { seen, why: 'the shadow rule matches its CloudTrail record' } : { seen, why: 'its CloudTrail record does not match the shadow rule' };
}
