/**
 * Permissions that IAM deny policies accept, for the services whose resources this kit protects, kept
 * as data so that a test can check every permission the deny policy names against it.
 *
 * Source: Google Cloud, "Permissions supported in deny policies",
 * https://cloud.google.com/iam/docs/deny-permissions-support (format SERVICE_FQDN/RESOURCE.VERB). Only
 * the services the kit uses are transcribed. Deny policies reject or ignore a permission that is not on
 * Google's list, so a name is added here only from that page, never guessed from the v1 permission.
 * Re-check this list against the page when you add a permission: the page changes as services are added.
 *
 * Not on the page, and so NOT deniable (recorded so nobody adds them): `iam.googleapis.com/denypolicies.*`.
 * No deny policy can protect deny policies: keep roles/iam.denyAdmin to break-glass and the deployer, and
 * rely on the `gcp-iam-deny-policy-changed` detection.
 */

/** Where the list comes from (printed in test failures and the plan). */
export const DENY_PERMISSIONS_SOURCE = 'https://cloud.google.com/iam/docs/deny-permissions-support';

export const DENY_SUPPORTED_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  'Access Context Manager': [
    'accesscontextmanager.googleapis.com/accessLevels.create',
    'accesscontextmanager.googleapis.com/accessLevels.delete',
    'accesscontextmanager.googleapis.com/accessLevels.replaceAll',
    'accesscontextmanager.googleapis.com/accessLevels.update',
    'accesscontextmanager.googleapis.com/accessPolicies.delete',
    'accesscontextmanager.googleapis.com/accessPolicies.update',
    'accesscontextmanager.googleapis.com/gcpUserAccessBindings.create',
    'accesscontextmanager.googleapis.com/gcpUserAccessBindings.delete',
    'accesscontextmanager.googleapis.com/gcpUserAccessBindings.update',
    'accesscontextmanager.googleapis.com/servicePerimeters.commit',
    'accesscontextmanager.googleapis.com/servicePerimeters.create',
    'accesscontextmanager.googleapis.com/servicePerimeters.delete',
    'accesscontextmanager.googleapis.com/servicePerimeters.replaceAll',
    'accesscontextmanager.googleapis.com/servicePerimeters.update',
  ],
  'Cloud Logging': [
    'logging.googleapis.com/buckets.create',
    'logging.googleapis.com/buckets.delete',
    'logging.googleapis.com/buckets.update',
    'logging.googleapis.com/exclusions.create',
    'logging.googleapis.com/exclusions.delete',
    'logging.googleapis.com/exclusions.update',
    'logging.googleapis.com/sinks.create',
    'logging.googleapis.com/sinks.delete',
    'logging.googleapis.com/sinks.update',
  ],
  'Cloud Monitoring': [
    'monitoring.googleapis.com/alertPolicies.delete',
    'monitoring.googleapis.com/alertPolicies.update',
    'monitoring.googleapis.com/notificationChannels.delete',
    'monitoring.googleapis.com/notificationChannels.update',
  ],
  'Organization Policy Service': [
    'orgpolicy.googleapis.com/policies.create',
    'orgpolicy.googleapis.com/policies.delete',
    'orgpolicy.googleapis.com/policies.update',
    'orgpolicy.googleapis.com/policy.set',
  ],
};

const SUPPORTED = new Set(Object.values(DENY_SUPPORTED_PERMISSIONS).flat());

/** True when Google lists `permission` (v2 form) as usable in deny policies. */
export function isDenySupported(permission: string): boolean {
  return SUPPORTED.has(permission);
}
