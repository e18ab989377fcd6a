/**
 * How the Activity Log reaches the audit workspace and storage (one diagnostic setting per subscription, or
 * DeployIfNotExists policy at a management group) and what each way needs, checked in one place for the config
 * validator (core/config/validate.ts) and the AzureAuditLogging component used on its own
 * (constructs/azure/audit-logging.ts). The config keys and the component's args share the field names, so the
 * problem says which field; each caller puts its own path in front and throws a ConfigError.
 */
import type { SafetyProblem } from './conditional-access-checks.ts';

export type ActivityLogDeployment = 'perSubscription' | 'policy';

export interface ActivityLogProblem extends SafetyProblem {
  readonly field: 'managementGroupId' | 'subscriptionIds' | 'childManagementGroupIds';
}

export function activityLogDeploymentProblem(
  settings: {
    readonly deployment: ActivityLogDeployment;
    readonly managementGroupId: string | undefined;
    readonly subscriptionCount: number;
    readonly childManagementGroupCount: number;
  },
  /** How the caller names the deployment switch and the management group in messages. */
  names: { readonly deployment: string; readonly managementGroupId: string },
): ActivityLogProblem | undefined {
  if (settings.deployment === 'policy' && !settings.managementGroupId) {
    return {
      field: 'managementGroupId',
      problem: `is required when ${names.deployment} is policy`,
      fix: 'Name the management group that holds the subscriptions, or use perSubscription.',
    };
  }
  if (settings.deployment === 'perSubscription' && settings.subscriptionCount === 0) {
    return {
      field: 'subscriptionIds',
      problem: 'is empty, so no subscription would send its Activity Log anywhere',
      fix: `List the subscriptions, or set ${names.deployment}: policy with a managementGroupId.`,
    };
  }
  if (settings.childManagementGroupCount > 0 && !settings.managementGroupId) {
    return {
      field: 'childManagementGroupIds',
      problem: `needs ${names.managementGroupId}, the group they sit under`,
      fix: 'Set managementGroupId, or remove childManagementGroupIds.',
    };
  }
  return undefined;
}
