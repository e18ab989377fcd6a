/**
 * The fields of a Cloud Audit Logs entry: the LogEntry (Cloud Logging API reference, "LogEntry") whose
 * `protoPayload` is an AuditLog (Cloud Audit Logs reference, "AuditLog" and the types it uses:
 * AuthenticationInfo, AuthorizationInfo, RequestMetadata, ResourceLocation, Status).
 *
 * Free-form by the references: `protoPayload.request`, `response`, `metadata`, `serviceData` and
 * `resourceOriginalState` (google.protobuf.Struct / Any: what the service writes), `jsonPayload`, `labels`,
 * `resource.labels` and the requestMetadata attributes. Any path below them is accepted.
 *
 * Google Workspace audit logs shared with Google Cloud (Admin, Enterprise Groups, Login, OAuth Token and
 * SAML audit) are entries of the same shape, with `protoPayload.serviceName` admin.googleapis.com,
 * login.googleapis.com, ... and the Workspace event in `protoPayload.metadata`
 * (https://cloud.google.com/logging/docs/audit/gsuite-audit-logging).
 */
import { type FieldTable, fieldsFrom } from './field-kinds.ts';

export const LOG_ENTRY = 'https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry';
export const AUDIT_LOG = 'https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog';
/** Field names under protoPayload need not preserve case in a query ("Logging query language", field path identifiers). */
export const LOGGING_QUERY_LANGUAGE = 'https://cloud.google.com/logging/docs/view/logging-query-language';

export const GCP_AUDIT_FIELDS: FieldTable = {
  ...fieldsFrom(LOG_ENTRY, {
    logName: 'scalar',
    resource: 'object',
    'resource.type': 'scalar',
    'resource.labels': 'open',
    protoPayload: 'object',
    textPayload: 'scalar',
    jsonPayload: 'open',
    timestamp: 'scalar',
    receiveTimestamp: 'scalar',
    severity: 'scalar',
    insertId: 'scalar',
    httpRequest: 'object',
    'httpRequest.requestMethod': 'scalar',
    'httpRequest.requestUrl': 'scalar',
    'httpRequest.requestSize': 'scalar',
    'httpRequest.status': 'scalar',
    'httpRequest.responseSize': 'scalar',
    'httpRequest.userAgent': 'scalar',
    'httpRequest.remoteIp': 'scalar',
    'httpRequest.serverIp': 'scalar',
    'httpRequest.referer': 'scalar',
    'httpRequest.latency': 'scalar',
    'httpRequest.cacheLookup': 'scalar',
    'httpRequest.cacheHit': 'scalar',
    'httpRequest.cacheValidatedWithOriginServer': 'scalar',
    'httpRequest.cacheFillBytes': 'scalar',
    'httpRequest.protocol': 'scalar',
    labels: 'open',
    operation: 'object',
    'operation.id': 'scalar',
    'operation.producer': 'scalar',
    'operation.first': 'scalar',
    'operation.last': 'scalar',
    trace: 'scalar',
    spanId: 'scalar',
    traceSampled: 'scalar',
    sourceLocation: 'object',
    'sourceLocation.file': 'scalar',
    'sourceLocation.line': 'scalar',
    'sourceLocation.function': 'scalar',
    split: 'object',
    'split.uid': 'scalar',
    'split.index': 'scalar',
    'split.totalSplits': 'scalar',
    errorGroups: 'objects',
    'errorGroups.id': 'scalar',
  }),
  ...fieldsFrom(AUDIT_LOG, {
    'protoPayload.@type': 'scalar',
    'protoPayload.serviceName': 'scalar',
    'protoPayload.methodName': 'scalar',
    'protoPayload.resourceName': 'scalar',
    'protoPayload.resourceLocation': 'object',
    'protoPayload.resourceLocation.currentLocations': 'scalars',
    'protoPayload.resourceLocation.originalLocations': 'scalars',
    'protoPayload.resourceOriginalState': 'open',
    'protoPayload.numResponseItems': 'scalar',
    'protoPayload.status': 'object',
    'protoPayload.status.code': 'scalar',
    'protoPayload.status.message': 'scalar',
    'protoPayload.status.details': 'open-objects',
    'protoPayload.authenticationInfo': 'object',
    'protoPayload.authenticationInfo.principalEmail': 'scalar',
    'protoPayload.authenticationInfo.authoritySelector': 'scalar',
    'protoPayload.authenticationInfo.thirdPartyPrincipal': 'open',
    'protoPayload.authenticationInfo.serviceAccountKeyName': 'scalar',
    'protoPayload.authenticationInfo.serviceAccountDelegationInfo': 'open-objects',
    'protoPayload.authenticationInfo.principalSubject': 'scalar',
    'protoPayload.authenticationInfo.oauthInfo': 'object',
    'protoPayload.authenticationInfo.oauthInfo.oauthClientId': 'scalar',
    'protoPayload.authenticationInfo.loggableShortLivedCredential': 'open',
    'protoPayload.authorizationInfo': 'objects',
    'protoPayload.authorizationInfo.resource': 'scalar',
    'protoPayload.authorizationInfo.permission': 'scalar',
    'protoPayload.authorizationInfo.granted': 'scalar',
    'protoPayload.authorizationInfo.resourceAttributes': 'open',
    'protoPayload.authorizationInfo.permissionType': 'scalar',
    'protoPayload.policyViolationInfo': 'open',
    'protoPayload.requestMetadata': 'object',
    'protoPayload.requestMetadata.callerIp': 'scalar',
    'protoPayload.requestMetadata.callerSuppliedUserAgent': 'scalar',
    'protoPayload.requestMetadata.callerNetwork': 'scalar',
    'protoPayload.requestMetadata.requestAttributes': 'open',
    'protoPayload.requestMetadata.destinationAttributes': 'open',
    'protoPayload.request': 'open',
    'protoPayload.response': 'open',
    'protoPayload.metadata': 'open',
    'protoPayload.serviceData': 'open',
  }),
};

/** Where field names match ignoring case: the query language reads protoPayload names so. */
export const GCP_ANY_CASE_UNDER = ['protoPayload'] as const;
