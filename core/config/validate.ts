/**
 * Cross-field checks and normalisation: turns a schema-valid config into the GuardrailsModel, or throws
 * one ConfigError naming the field and the fix.
 */
import { aggregate, broadRangeWarning, documentationRange, findOverlaps, isNetwork, parseNetwork, publicEgressProblem, type Network } from '../net/cidr.ts';
import { enforceWithoutTargetsProblem, enforceWithoutTrustedContextProblem, missingBreakGlassProblem } from '../aws/perimeter-safety.ts';
import { awsRegionProblem } from './aws-regions.ts';
import { ConfigError, type ConfigWarning } from './config-error.ts';
import { awsHuntingModel, gcpHuntingModel } from './hunting.ts';
import type { AwsModel, AzureModel, GcpModel, GuardrailsModel, TrustedContext } from './model.ts';
import { roleArnProblem } from './role-arn.ts';
import { activityLogDeploymentProblem } from '../azure/activity-log-checks.ts';
import { breakGlassProblem, enforceWithoutTrustedLocationProblem, workloadIdentityExemptionProblem } from '../azure/conditional-access-checks.ts';
import { missingAuditConfigsProblem } from '../gcp/audit-config.ts';
import {
  accessLevelWithoutNetworksProblem,
  automationBindsNothingProblem,
  breakGlassMembersProblem,
  enforceWithoutTrustedNetworksProblem,
} from '../gcp/access-checks.ts';
import type { AwsPartition, ControlName, Mode, ParsedConfig } from './schema.ts';

const CONTROLS: readonly ControlName[] = ['networkPerimeter', 'cloudShell', 'logProtection'];

export function validateConfig(config: ParsedConfig, source: string): GuardrailsModel {
  const warnings: ConfigWarning[] = [];
  const trusted = trustedContext(config, warnings);
  const aws = config.aws ? awsModel(config, trusted, warnings) : undefined;
  const gcp = config.gcp ? gcpModel(config, trusted, warnings) : undefined;
  const azure = config.azure ? azureModel(config, trusted, warnings) : undefined;
  checkNotificationTargets(config, warnings);
  return { mode: config.mode, trusted, aws, gcp, azure, notifications: config.notifications, source, warnings };
}

function trustedContext(config: ParsedConfig, warnings: ConfigWarning[]): TrustedContext {
  const documentation: string[] = [];
  const networks: Network[] = config.trustedNetworks.cidrs.map((text, i) => {
    const path = `trustedNetworks.cidrs[${i}]`;
    const parsed = parseNetwork(text);
    if (!isNetwork(parsed)) throw new ConfigError(path, parsed.problem, parsed.fix);
    const problem = publicEgressProblem(parsed);
    if (problem) throw new ConfigError(path, problem.problem, problem.fix);
    if (documentationRange(parsed)) documentation.push(parsed.cidr);
    const broad = broadRangeWarning(parsed);
    if (broad) warnings.push({ path, message: broad });
    return parsed;
  });
  if (documentation.length > 0) {
    warnings.push({
      path: 'trustedNetworks.cidrs',
      message: `${documentation.join(', ')} ${documentation.length > 1 ? 'are documentation ranges' : 'is a documentation range'} (RFC 5737/3849/9637): fine for trying the kit, but replace with your real egress ranges before enforce`,
    });
  }
  for (const { first, second, kind } of findOverlaps(networks)) {
    warnings.push({
      path: `trustedNetworks.cidrs[${second}]`,
      message:
        kind === 'duplicate'
          ? `${networks[second]!.cidr} repeats trustedNetworks.cidrs[${first}]; merged`
          : `${networks[second]!.cidr} overlaps trustedNetworks.cidrs[${first}] (${networks[first]!.cidr}); merged into the smallest cover`,
    });
  }
  const seenVpcs = new Set<string>();
  config.trustedNetworks.aws.vpcIds.forEach((vpc, i) => {
    checkRegion(vpc.region, `trustedNetworks.aws.vpcIds[${i}].region`, config.aws?.partition ?? 'aws');
    if (seenVpcs.has(vpc.id)) {
      throw new ConfigError(`trustedNetworks.aws.vpcIds[${i}]`, `${vpc.id} is listed twice`, 'List each VPC once, with its own region.');
    }
    seenVpcs.add(vpc.id);
  });
  return {
    cidrs: aggregate(networks.map((n) => n.cidr)),
    awsVpcs: config.trustedNetworks.aws.vpcIds,
    awsVpcEndpointIds: [...new Set(config.trustedNetworks.aws.vpcEndpointIds)],
  };
}

function azureModel(config: ParsedConfig, trusted: TrustedContext, warnings: ConfigWarning[]): AzureModel {
  const azure = config.azure!;
  const users = config.breakGlass.azure?.userObjectIds ?? [];
  const groups = config.breakGlass.azure?.groupObjectIds ?? [];
  // The same checks refuse the same input to the ConditionalAccess and AzureAuditLogging components (core/azure).
  const breakGlass = breakGlassProblem(users.length, groups.length, { users: 'userObjectIds', groups: 'groupObjectIds' });
  if (breakGlass) throw new ConfigError('breakGlass.azure', breakGlass.problem, breakGlass.fix);
  const namedLocations = config.trustedNetworks.azure?.namedLocationIds ?? [];
  const untrusted = enforceWithoutTrustedLocationProblem(config.mode, trusted.cidrs.length + namedLocations.length, {
    trusted: 'trustedNetworks.cidrs or trustedNetworks.azure.namedLocationIds',
  });
  if (untrusted) throw new ConfigError('mode', untrusted.problem, untrusted.fix);
  const deployment = activityLogDeploymentProblem(
    {
      deployment: azure.activityLogDeployment,
      managementGroupId: azure.managementGroupId,
      subscriptionCount: azure.subscriptionIds.length,
      childManagementGroupCount: azure.childManagementGroupIds.length,
    },
    { deployment: 'activityLogDeployment', managementGroupId: 'azure.managementGroupId' },
  );
  if (deployment) throw new ConfigError(`azure.${deployment.field}`, deployment.problem, deployment.fix);
  const automation = config.automation.azure?.servicePrincipalObjectIds ?? [];
  const workload = workloadIdentityExemptionProblem(azure.workloadIdentityConditionalAccess, automation.length, {
    workloadIdentities: 'azure.workloadIdentityConditionalAccess',
  });
  if (workload) {
    if (config.mode === 'enforce') throw new ConfigError('automation.azure.servicePrincipalObjectIds', workload.problem, workload.fix);
    warnings.push({ path: 'automation.azure.servicePrincipalObjectIds', message: `${workload.problem}; list the CI/CD principals before enforce` });
  }
  if (azure.lockImmutability) {
    warnings.push({
      path: 'azure.lockImmutability',
      message:
        "locks the log storage account's immutability policy, which is irreversible: its retention can then only be extended, and the account cannot be deleted while any blob is retained. Azure creates the policy unlocked and only locks an existing one, so deploy once with false first",
    });
  }
  return {
    ...azure,
    mode: config.mode,
    breakGlassUserIds: users,
    breakGlassGroupIds: groups,
    automationServicePrincipalIds: automation,
    trustedNamedLocationIds: namedLocations,
    compliantDeviceRequired: config.trustedNetworks.azure?.compliantDeviceRequired ?? false,
  };
}

function gcpModel(config: ParsedConfig, trusted: TrustedContext, warnings: ConfigWarning[]): GcpModel {
  const gcp = config.gcp!;
  const members = config.breakGlass.gcp?.members ?? [];
  // The same checks refuse the same input to the GcpContextAwareAccess and GcpAuditLogging components (core/gcp).
  const breakGlass = breakGlassMembersProblem(members.length);
  if (breakGlass) throw new ConfigError('breakGlass.gcp.members', breakGlass.problem, breakGlass.fix);
  if (!gcp.adminGroup.directoryId) {
    throw new ConfigError(
      'gcp.adminGroup.directoryId',
      `is missing for ${gcp.adminGroup.email}; GcpUserAccessBinding binds a group by its directory id, not its email`,
      `Run: gcloud identity groups describe ${gcp.adminGroup.email} --format='value(name)' and use the part after groups/.`,
    );
  }
  const untrusted = enforceWithoutTrustedNetworksProblem(config.mode, trusted.cidrs.length, { trusted: 'trustedNetworks.cidrs' });
  if (untrusted) throw new ConfigError('mode', untrusted.problem, untrusted.fix);
  const noLevel = accessLevelWithoutNetworksProblem(trusted.cidrs.length, { trusted: 'trustedNetworks.cidrs' });
  if (noLevel) throw new ConfigError('trustedNetworks.cidrs', noLevel.problem, noLevel.fix);
  if (gcp.lockLogBucket) {
    warnings.push({
      path: 'gcp.lockLogBucket',
      message: 'locking the log bucket is irreversible: its retention can never be lowered and it can never be deleted',
    });
  }
  // IamAuditConfig is authoritative for its service: written blind, allServices [ADMIN_READ] would drop the
  // organization's existing DATA_READ/DATA_WRITE logging. The kit merges instead, so it must see the existing
  // configuration (core/gcp/audit-config.ts); it refuses rather than guess.
  if (!gcp.existingAuditConfigs) {
    const missing = missingAuditConfigsProblem(gcp.organizationId, gcp.dataAccessServices);
    throw new ConfigError('gcp.existingAuditConfigs', missing.problem, missing.fix);
  }
  const managed = new Set(['allServices', ...gcp.dataAccessServices]);
  gcp.existingAuditConfigs.forEach((existing, i) => {
    if (!managed.has(existing.service)) return;
    for (const log of existing.auditLogConfigs) {
      if (log.exemptedMembers?.length) {
        warnings.push({
          path: `gcp.existingAuditConfigs[${i}]`,
          message: `${existing.service} ${log.logType} exempts ${log.exemptedMembers.join(', ')}; the kit keeps the log type but drops the exemption (it enforces iam.disableAuditLoggingExemption)`,
        });
      }
    }
  });
  const automationServiceAccounts = config.automation.gcp?.serviceAccounts ?? [];
  const access = gcp.automationAccess;
  if (access) {
    const extra = access.cidrs.map((text, i) => {
      const path = `gcp.automationAccess.cidrs[${i}]`;
      const parsed = parseNetwork(text);
      if (!isNetwork(parsed)) throw new ConfigError(path, parsed.problem, parsed.fix);
      const problem = publicEgressProblem(parsed);
      if (problem) throw new ConfigError(path, problem.problem, problem.fix);
      return parsed.cidr;
    });
    const bindsNothing = automationBindsNothingProblem(automationServiceAccounts.length + access.projectNumbers.length, {
      serviceAccounts: 'automation.gcp.serviceAccounts',
      projectNumbers: 'gcp.automationAccess.projectNumbers',
      section: 'automationAccess',
    });
    if (bindsNothing) throw new ConfigError('gcp.automationAccess', bindsNothing.problem, bindsNothing.fix);
    return {
      ...withHunting(gcp, gcpHuntingModel(gcp, warnings)),
      automationAccess: { ...access, cidrs: aggregate(extra) },
      mode: config.mode,
      breakGlassMembers: members,
      automationServiceAccounts,
    };
  }
  return { ...withHunting(gcp, gcpHuntingModel(gcp, warnings)), mode: config.mode, breakGlassMembers: members, automationServiceAccounts };
}

function awsModel(config: ParsedConfig, trusted: TrustedContext, warnings: ConfigWarning[]): AwsModel {
  const aws = config.aws!;
  if (aws.partition !== 'aws') {
    // The partition is known so that ARNs and regions of another one are refused by name; deploying there
    // needs partition-aware ARNs in the stacks and the partition's global-event region, which we have not built.
    throw new ConfigError(
      'aws.partition',
      `${aws.partition} is not supported yet: the AWS stacks write arn:aws: ARNs and watch us-east-1 for global events`,
      'Use aws (the commercial partition).',
    );
  }
  checkRegion(aws.homeRegion, 'aws.homeRegion', aws.partition);
  checkAccountLayout(aws, warnings);
  for (const [i, region] of aws.regions.entries()) checkRegion(region, `aws.regions[${i}]`, aws.partition);
  const breakGlass = config.breakGlass.aws?.roleArns ?? [];
  // The same checks refuse the same input to planPerimeterPolicies and PerimeterPolicies used on their own (core/aws/perimeter-safety.ts).
  const noBreakGlass = missingBreakGlassProblem(breakGlass);
  if (noBreakGlass) throw new ConfigError('breakGlass.aws.roleArns', noBreakGlass.problem, noBreakGlass.fix);
  const automation = config.automation.aws?.roleArns ?? [];
  const exempted = [
    ...breakGlass.map((arn, i) => ({ arn, path: `breakGlass.aws.roleArns[${i}]` })),
    ...automation.map((arn, i) => ({ arn, path: `automation.aws.roleArns[${i}]` })),
  ];
  for (const { arn, path } of exempted) {
    const problem = roleArnProblem(arn, aws.partition);
    if (problem) throw new ConfigError(path, problem.problem, problem.fix);
  }

  const modes = Object.fromEntries(CONTROLS.map((c) => [c, aws.controls[c] ?? config.mode])) as Record<ControlName, Mode>;
  const modePath = (control: ControlName) => (aws.controls[control] ? `aws.controls.${control}` : 'mode');

  const untrusted = enforceWithoutTrustedContextProblem(modes.networkPerimeter, trusted, {
    trusted: 'trustedNetworks.cidrs or trustedNetworks.aws.vpcIds/vpcEndpointIds',
    report: 'mode: report',
  });
  if (untrusted) throw new ConfigError(modePath('networkPerimeter'), untrusted.problem, untrusted.fix);
  const unattached = enforceWithoutTargetsProblem(modes, aws.targets);
  if (unattached) throw new ConfigError('aws.targets', unattached.problem, unattached.fix);
  aws.targets.forEach((target, i) => {
    if (target === aws.managementAccountId) {
      warnings.push({
        path: `aws.targets[${i}]`,
        message: `${target} is the management account: SCPs never apply to it, so this attachment protects nothing`,
      });
    }
  });
  if (new Set(aws.targets).size !== aws.targets.length) {
    throw new ConfigError('aws.targets', 'lists a target twice', 'List each root, OU or account once.');
  }

  const t = aws.trail;
  if (t.deepArchiveAfterDays <= t.archiveAfterDays) {
    throw new ConfigError(
      'aws.trail.deepArchiveAfterDays',
      `(${t.deepArchiveAfterDays}) must come after archiveAfterDays (${t.archiveAfterDays})`,
      'Raise deepArchiveAfterDays or lower archiveAfterDays.',
    );
  }
  if (t.expireAfterDays !== undefined && t.expireAfterDays < t.objectLockDays) {
    throw new ConfigError(
      'aws.trail.expireAfterDays',
      `(${t.expireAfterDays}) is shorter than objectLockDays (${t.objectLockDays}); locked logs cannot expire`,
      `Set expireAfterDays to ${t.objectLockDays} or more, or remove it.`,
    );
  }
  if (t.expireAfterDays !== undefined && t.expireAfterDays <= t.deepArchiveAfterDays) {
    throw new ConfigError(
      'aws.trail.expireAfterDays',
      `(${t.expireAfterDays}) must come after deepArchiveAfterDays (${t.deepArchiveAfterDays})`,
      'Raise expireAfterDays or lower the archive days.',
    );
  }
  if (aws.existingPoliciesPerTarget >= aws.maxPoliciesPerTarget) {
    throw new ConfigError(
      'aws.existingPoliciesPerTarget',
      `(${aws.existingPoliciesPerTarget}) leaves no room under maxPoliciesPerTarget (${aws.maxPoliciesPerTarget})`,
      'Lower it or detach other SCPs.',
    );
  }
  if (aws.regions.length > 0 && !aws.regions.includes('us-east-1')) {
    throw new ConfigError('aws.regions', 'does not include us-east-1, where IAM, Organizations and console sign-in events reach EventBridge', 'Add us-east-1.');
  }
  const eventRegions = aws.regions.length > 0 ? [...new Set(aws.regions)] : [...new Set([aws.homeRegion, 'us-east-1'])];
  const layout = aws.logArchiveAccountId ? 'sra' : 'single-account';
  const accounts = {
    management: aws.managementAccountId,
    logArchive: aws.logArchiveAccountId ?? aws.managementAccountId,
    security: aws.securityAccountId ?? aws.managementAccountId,
  };
  const trail = { ...aws.trail, objectLockMode: aws.trail.objectLockMode ?? (layout === 'sra' ? 'GOVERNANCE' : 'COMPLIANCE') } as const;
  return {
    ...withHunting(aws, awsHuntingModel(aws, warnings)),
    trail,
    layout,
    accounts,
    modes,
    breakGlassRoleArns: breakGlass,
    automationRoleArns: automation,
    eventRegions,
  };
}

/**
 * `section` with its config hunting block replaced by the model's, which is set only when enabled: a
 * disabled block deploys nothing, and a config without one yields no `hunting` key at all.
 */
function withHunting<S extends { hunting?: unknown }, H>(section: S, hunting: H | undefined): Omit<S, 'hunting'> & { hunting?: H } {
  const { hunting: _config, ...rest } = section;
  return hunting === undefined ? rest : { ...rest, hunting };
}

const CLOUD_NAMES = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' } as const;

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

/** The SRA layout needs both accounts, each distinct; without them the single-account layout is kept, with a warning. */
function checkAccountLayout(aws: NonNullable<ParsedConfig['aws']>, warnings: ConfigWarning[]): void {
  const { logArchiveAccountId: logArchive, securityAccountId: security, managementAccountId: management } = aws;
  if ((logArchive === undefined) !== (security === undefined)) {
    const [missing, given] =
      logArchive === undefined ? ['aws.logArchiveAccountId', 'aws.securityAccountId'] : ['aws.securityAccountId', 'aws.logArchiveAccountId'];
    throw new ConfigError(
      missing,
      `is missing while ${given} is set; the evidence and the alarm pipeline move out of the management account together`,
      `Set both (the Control Tower Log Archive and Audit accounts), or neither.`,
    );
  }
  if (logArchive === undefined) {
    warnings.push({
      path: 'aws',
      message:
        'no logArchiveAccountId/securityAccountId: the trail bucket, keys, topic and bus stay in the management account, where SCPs never apply; only their resource policies protect them (Object Lock defaults to COMPLIANCE)',
    });
    return;
  }
  for (const [path, id] of [
    ['aws.logArchiveAccountId', logArchive],
    ['aws.securityAccountId', security!],
  ] as const) {
    if (id === management)
      throw new ConfigError(
        path,
        `is the management account (${id}), where SCPs never apply`,
        'Use the log-archive and security accounts of your landing zone.',
      );
  }
  if (logArchive === security)
    throw new ConfigError(
      'aws.securityAccountId',
      `is the log-archive account too (${security})`,
      'Keep the evidence and the alarm pipeline in separate accounts, as AWS SRA does.',
    );
}

function checkRegion(region: string, path: string, partition: AwsPartition): void {
  const problem = awsRegionProblem(region, partition);
  if (problem) throw new ConfigError(path, problem.problem, problem.fix);
}

/**
 * Alarms and blocked calls are only useful if someone hears of them. Enforced controls with nobody to
 * tell is an error; report mode with nobody to tell is a warning (the alarms still exist).
 */
function checkNotificationTargets(config: ParsedConfig, warnings: ConfigWarning[]): void {
  const clouds = (['aws', 'azure', 'gcp'] as const).filter((cloud) => config[cloud]);
  const { emails, webhooks } = config.notifications;
  if (clouds.length === 0 || emails.length + webhooks.length > 0) return;
  // The settings that put a preventive control in enforce mode (Azure and GCP follow `mode`).
  const awsControls = config.aws?.controls ?? {};
  const enforcedBy = [
    ...new Set([
      ...(config.aws ? CONTROLS.filter((c) => (awsControls[c] ?? config.mode) === 'enforce').map((c) => (awsControls[c] ? `aws.controls.${c}` : 'mode')) : []),
      ...((config.azure || config.gcp) && config.mode === 'enforce' ? ['mode'] : []),
    ]),
  ];
  if (enforcedBy.length > 0) {
    throw new ConfigError(
      'notifications',
      `has no emails or webhooks while ${enforcedBy.join(', ')} ${enforcedBy.length > 1 ? 'are' : 'is'} enforce, so enforced controls would block calls and alarms would fire with nobody told`,
      'Add an address under notifications.emails or an https:// URL under notifications.webhooks.',
    );
  }
  warnings.push({
    path: 'notifications',
    message: `has no emails or webhooks, so the ${listed(clouds.map((c) => CLOUD_NAMES[c]))} alarms reach nobody; add one before switching to enforce`,
  });
}
