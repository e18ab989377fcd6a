/**
 * The fields of a CloudTrail record, as AWS documents them: "CloudTrail record contents for management,
 * data, and network activity events" and "CloudTrail userIdentity element" (AWS CloudTrail User Guide),
 * and the fields AWS writes in one case only, so that case-insensitive equality on them can be compiled
 * as case-sensitive without changing what matches (single-case.ts).
 *
 * `requestParameters`, `responseElements`, `additionalEventData`, `serviceEventDetails`,
 * `edgeDeviceDetails`, `eventContext` and `insightDetails` hold whatever the service or feature writes
 * there: any path below them is accepted.
 */
import { type FieldTable, fieldsFrom } from './field-kinds.ts';

export const CLOUDTRAIL_RECORD_CONTENTS = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html';
export const CLOUDTRAIL_USER_IDENTITY = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html';
/** EventBridge delivers CloudTrail records wrapped in its event envelope, the record under `detail`. */
export const EVENTBRIDGE_CLOUDTRAIL_EVENTS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html';

export const CLOUDTRAIL_FIELDS: FieldTable = {
  ...fieldsFrom(CLOUDTRAIL_RECORD_CONTENTS, {
    eventTime: 'scalar',
    eventVersion: 'scalar',
    userIdentity: 'object',
    eventSource: 'scalar',
    eventName: 'scalar',
    awsRegion: 'scalar',
    sourceIPAddress: 'scalar',
    userAgent: 'scalar',
    errorCode: 'scalar',
    errorMessage: 'scalar',
    requestParameters: 'open',
    responseElements: 'open',
    additionalEventData: 'open',
    requestID: 'scalar',
    eventID: 'scalar',
    eventType: 'scalar',
    apiVersion: 'scalar',
    managementEvent: 'scalar',
    readOnly: 'scalar',
    resources: 'objects',
    'resources.ARN': 'scalar',
    'resources.accountId': 'scalar',
    'resources.type': 'scalar',
    recipientAccountId: 'scalar',
    serviceEventDetails: 'open',
    sharedEventID: 'scalar',
    vpcEndpointId: 'scalar',
    vpcEndpointAccountId: 'scalar',
    eventCategory: 'scalar',
    addendum: 'object',
    'addendum.reason': 'scalar',
    'addendum.updatedFields': 'scalar',
    'addendum.originalRequestID': 'scalar',
    'addendum.originalEventID': 'scalar',
    sessionCredentialFromConsole: 'scalar',
    edgeDeviceDetails: 'open',
    tlsDetails: 'object',
    'tlsDetails.tlsVersion': 'scalar',
    'tlsDetails.cipherSuite': 'scalar',
    'tlsDetails.clientProvidedHostHeader': 'scalar',
    eventContext: 'open',
    insightDetails: 'open',
  }),
  ...fieldsFrom(CLOUDTRAIL_USER_IDENTITY, {
    'userIdentity.type': 'scalar',
    'userIdentity.userName': 'scalar',
    'userIdentity.principalId': 'scalar',
    'userIdentity.arn': 'scalar',
    'userIdentity.accountId': 'scalar',
    'userIdentity.accessKeyId': 'scalar',
    'userIdentity.sessionContext': 'object',
    'userIdentity.sessionContext.sessionIssuer': 'object',
    'userIdentity.sessionContext.sessionIssuer.type': 'scalar',
    'userIdentity.sessionContext.sessionIssuer.userName': 'scalar',
    'userIdentity.sessionContext.sessionIssuer.principalId': 'scalar',
    'userIdentity.sessionContext.sessionIssuer.arn': 'scalar',
    'userIdentity.sessionContext.sessionIssuer.accountId': 'scalar',
    'userIdentity.sessionContext.webIdFederationData': 'object',
    'userIdentity.sessionContext.webIdFederationData.federatedProvider': 'scalar',
    'userIdentity.sessionContext.webIdFederationData.attributes': 'open',
    'userIdentity.sessionContext.attributes': 'object',
    'userIdentity.sessionContext.attributes.creationDate': 'scalar',
    'userIdentity.sessionContext.attributes.mfaAuthenticated': 'scalar',
    'userIdentity.sessionContext.sourceIdentity': 'scalar',
    'userIdentity.sessionContext.ec2RoleDelivery': 'scalar',
    'userIdentity.sessionContext.assumedRoot': 'scalar',
    'userIdentity.invokedBy': 'scalar',
    'userIdentity.identityProvider': 'scalar',
    'userIdentity.credentialId': 'scalar',
    'userIdentity.onBehalfOf': 'object',
    'userIdentity.onBehalfOf.userId': 'scalar',
    'userIdentity.onBehalfOf.identityStoreArn': 'scalar',
    'userIdentity.inScopeOf': 'object',
    'userIdentity.inScopeOf.sourceArn': 'scalar',
    'userIdentity.inScopeOf.sourceAccount': 'scalar',
    'userIdentity.inScopeOf.issuerType': 'scalar',
    'userIdentity.inScopeOf.credentialsIssuedTo': 'scalar',
  }),
};

/**
 * How AWS writes a field, when it writes it in one case only:
 * - `lowercase`: every letter is lower case. eventSource is "the service that the request was made to ...
 *   the service name without spaces plus .amazonaws.com" (cloudformation.amazonaws.com, ec2.amazonaws.com,
 *   monitoring.amazonaws.com); awsRegion is a Region code (us-east-1).
 * - `enum`: one of the listed values, spelled so (eventType, userIdentity.type, eventCategory).
 * - `api-name`: "the requested action, which is one of the actions in the API for that service", spelled
 *   as the API names it (eventName: CreateAccessKey, ConsoleLogin).
 */
export type SingleCase =
  | { readonly kind: 'lowercase'; readonly source: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly source: string }
  | { readonly kind: 'api-name'; readonly source: string };

export const CLOUDTRAIL_SINGLE_CASE: Readonly<Record<string, SingleCase>> = {
  eventSource: { kind: 'lowercase', source: CLOUDTRAIL_RECORD_CONTENTS },
  awsRegion: { kind: 'lowercase', source: CLOUDTRAIL_RECORD_CONTENTS },
  eventName: { kind: 'api-name', source: CLOUDTRAIL_RECORD_CONTENTS },
  eventType: {
    kind: 'enum',
    values: ['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleAction', 'AwsConsoleSignIn', 'AwsCloudTrailInsight', 'AwsVpceEvent'],
    source: CLOUDTRAIL_RECORD_CONTENTS,
  },
  eventCategory: { kind: 'enum', values: ['Management', 'Data', 'NetworkActivity', 'Insight'], source: CLOUDTRAIL_RECORD_CONTENTS },
  'userIdentity.type': {
    kind: 'enum',
    values: ['Root', 'IAMUser', 'AssumedRole', 'Role', 'FederatedUser', 'Directory', 'AWSAccount', 'AWSService', 'IdentityCenterUser', 'Unknown'],
    source: CLOUDTRAIL_USER_IDENTITY,
  },
};

/** The EventBridge event types that carry a CloudTrail record in `detail` (CloudTrail events via EventBridge). */
export const CLOUDTRAIL_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Service Event via CloudTrail'] as const;
