/**
 * From the validated model (planPerimeter), or from typed settings without a config file
 * (planPerimeterPolicies), to the SCPs to create: statements, packing, and the vocabulary check. Both
 * take the same path and refuse the same unsafe input (perimeter-safety.ts). Async only because the IAM
 * reference data loads lazily; the CDK construct (PerimeterPolicies) takes the finished plan.
 */
import { awsRegionProblem } from '../config/aws-regions.ts';
import { ConfigError } from '../config/config-error.ts';
import type { GuardrailsModel, TrustedContext } from '../config/model.ts';
import { roleArnProblem } from '../config/role-arn.ts';
import { ID_PATTERNS, SCP_MAX_CHARACTERS, SCP_MAX_PER_TARGET, type ControlName, type Mode } from '../config/schema.ts';
import { aggregate, isNetwork, parseNetwork, publicEgressProblem } from '../net/cidr.ts';
import { enforceWithoutTargetsProblem, enforceWithoutTrustedContextProblem, missingBreakGlassProblem } from './perimeter-safety.ts';
import { perimeterStatements, type PerimeterNote, type PerimeterSettings } from './perimeter-statements.ts';
import { checkPolicyVocabulary } from './policy-vocabulary.ts';
import { packingLimits, packStatements, type PackedPolicy } from './scp-packing.ts';
import { DEFAULT_PERIMETER_EXEMPTION_TAG, DEFAULT_PROTECTION_TAG } from './tag-protection-statements.ts';
import { DEFAULT_TRAIL_NAME } from './trail-names.ts';

/** What decides whether a plan may be deployed: PerimeterPolicies checks it again before creating anything. */
export interface PerimeterSafety {
  /** The roles every statement exempts. */
  readonly breakGlassRoleArns: readonly string[];
  /** Effective mode of each control. */
  readonly modes: Readonly<Record<ControlName, Mode>>;
  /** What the network perimeter lets through. */
  readonly trusted: TrustedContext;
}

export interface PerimeterPlan {
  readonly policies: readonly PackedPolicy[];
  /** Attachment targets for enforce-mode policies (report-mode policies are attached to nothing). */
  readonly targets: readonly string[];
  readonly notes: readonly PerimeterNote[];
  /**
   * What the plan was checked against. planPerimeter and planPerimeterPolicies always set it; PerimeterPolicies
   * refuses a plan without it, since it could not tell whether the plan keeps a way back in.
   */
  readonly safety?: PerimeterSafety;
}

export async function planPerimeter(model: GuardrailsModel): Promise<PerimeterPlan> {
  const aws = model.aws;
  if (!aws) throw new ConfigError('aws', 'is missing', 'Add an aws section (see guardrails.example.yaml).');
  return buildPlan(aws, model.trusted);
}

/** Trusted networks as planPerimeterPolicies takes them (the config's trustedNetworks, typed). */
export interface TrustedNetworksProps {
  /**
   * Public egress CIDRs (IPv4 or IPv6) callers may come from; refused: invalid, 0.0.0.0/0 or ::/0, private
   * ranges (they never appear as aws:SourceIp). Overlaps are merged.
   * @default []
   */
  readonly cidrs?: readonly string[];
  /** VPCs callers may come through, each trusted in its own region only. @default [] */
  readonly awsVpcs?: readonly { readonly id: string; readonly region: string }[];
  /** VPC endpoints callers may come through. @default [] */
  readonly awsVpcEndpointIds?: readonly string[];
}

/** The perimeter without a config file: the config's aws, trustedNetworks, breakGlass and automation settings, typed. */
export interface PerimeterPlanProps {
  /**
   * Role ARNs or ArnLike patterns exempt from every statement: the way back in when a control misfires.
   * Must not be empty.
   */
  readonly breakGlassRoleArns: readonly string[];
  /** CI/CD roles that keep working from outside the trusted networks (network perimeter only). @default [] */
  readonly automationRoleArns?: readonly string[];
  /** Where API calls may come from. @default - nothing trusted: no network perimeter statement, and networkPerimeter may not be enforce */
  readonly trusted?: TrustedNetworksProps;
  /** Mode of each control: enforce-mode SCPs are attached to `targets`, report-mode ones to nothing. @default - every control in report mode */
  readonly modes?: Partial<Record<ControlName, Mode>>;
  /** Roots (r-), OUs (ou-) or accounts the enforce-mode SCPs are attached to. @default [] (required once a control is enforce) */
  readonly targets?: readonly string[];
  /** The organization's management account, where the organization trail the logProtection statements protect is. */
  readonly managementAccountId: string;
  /** The account of the trail's bucket and key (TrailEvidenceStore). @default - the management account */
  readonly logArchiveAccountId?: string;
  /** Region of the trail's bucket, key and log group. @default 'us-east-1' */
  readonly homeRegion?: string;
  /** The organization trail's name (OrganizationTrail's trailName). @default 'guardrails-org-trail' */
  readonly trailName?: string;
  /** CloudShell: block it, allow it only in a VPC, or leave it to the network perimeter. @default 'vpcOnly' */
  readonly cloudShell?: 'block' | 'vpcOnly' | 'allow';
  /** Tag key (value "true") of the resources the logProtection statements guard. @default 'guardrails:protected' */
  readonly protectionTag?: string;
  /** Tag key (value "true") that exempts a principal from the network perimeter. @default 'guardrails:perimeter-exempt' */
  readonly perimeterExemptionTag?: string;
  /** Opt-in scope: only principals tagged with this key (value "true") are held to the network perimeter. @default - every principal is */
  readonly perimeterIncludeTag?: string;
  /** Largest SCP, in characters. @default 10240 (AWS's limit) */
  readonly scpSizeBudget?: number;
  /** SCPs AWS allows on one target. @default 10 */
  readonly maxPoliciesPerTarget?: number;
  /** SCPs others already attach to the targets (FullAWSAccess counts). @default 1 */
  readonly existingPoliciesPerTarget?: number;
}

const CONTROLS: readonly ControlName[] = ['networkPerimeter', 'cloudShell', 'logProtection'];

/**
 * The perimeter plan from typed settings, for PerimeterPolicies used without a config file. Refuses, in one
 * line naming the prop and the fix, what the config refuses: no break-glass role, the network perimeter
 * enforced with nothing trusted, enforce with no target, unusable CIDRs and role patterns.
 */
export async function planPerimeterPolicies(props: PerimeterPlanProps): Promise<PerimeterPlan> {
  const noBreakGlass = missingBreakGlassProblem(props.breakGlassRoleArns);
  if (noBreakGlass) throw new ConfigError('breakGlassRoleArns', noBreakGlass.problem, noBreakGlass.fix);
  const automationRoleArns = props.automationRoleArns ?? [];
  checkRoleArns(props.breakGlassRoleArns, 'breakGlassRoleArns');
  checkRoleArns(automationRoleArns, 'automationRoleArns');
  const managementAccountId = checkAccountId(props.managementAccountId, 'managementAccountId');
  const logArchiveAccountId = checkAccountId(props.logArchiveAccountId ?? managementAccountId, 'logArchiveAccountId');
  const homeRegion = props.homeRegion ?? 'us-east-1';
  checkRegion(homeRegion, 'homeRegion');
  const trusted = trustedContext(props.trusted ?? {});
  const modes = Object.fromEntries(CONTROLS.map((c) => [c, props.modes?.[c] ?? 'report'])) as Record<ControlName, Mode>;
  const untrusted = enforceWithoutTrustedContextProblem(modes.networkPerimeter, trusted, {
    trusted: 'trusted.cidrs, trusted.awsVpcs or trusted.awsVpcEndpointIds',
    report: 'modes.networkPerimeter: report',
  });
  if (untrusted) throw new ConfigError('modes.networkPerimeter', untrusted.problem, untrusted.fix);
  const targets = props.targets ?? [];
  const unattached = enforceWithoutTargetsProblem(modes, targets);
  if (unattached) throw new ConfigError('targets', unattached.problem, unattached.fix);
  return buildPlan(
    {
      partition: 'aws',
      breakGlassRoleArns: props.breakGlassRoleArns,
      automationRoleArns,
      cloudShell: props.cloudShell ?? 'vpcOnly',
      protectionTag: props.protectionTag ?? DEFAULT_PROTECTION_TAG,
      perimeterExemptionTag: props.perimeterExemptionTag ?? DEFAULT_PERIMETER_EXEMPTION_TAG,
      perimeterIncludeTag: props.perimeterIncludeTag,
      modes,
      targets: [...targets],
      scpSizeBudget: props.scpSizeBudget ?? SCP_MAX_CHARACTERS,
      maxPoliciesPerTarget: props.maxPoliciesPerTarget ?? SCP_MAX_PER_TARGET,
      existingPoliciesPerTarget: props.existingPoliciesPerTarget ?? 1,
      trail: { name: props.trailName ?? DEFAULT_TRAIL_NAME },
      accounts: { management: managementAccountId, logArchive: logArchiveAccountId },
      homeRegion,
    },
    trusted,
  );
}

/** The one path both entry points take: statements, packing, the vocabulary check. */
async function buildPlan(settings: PerimeterSettings, trusted: TrustedContext): Promise<PerimeterPlan> {
  const { statements, notes } = perimeterStatements(settings, trusted);
  const policies = packStatements(statements, settings.modes, packingLimits(settings), trusted);
  const [problem] = await checkPolicyVocabulary(policies);
  if (problem) {
    // The kit's own statements are checked in tests; what reaches here came from the caller (tags, ARNs).
    throw new ConfigError(
      `SCP ${problem.policy} statement ${problem.sid}`,
      problem.problem,
      'Fix the action or condition named; a Deny with an unknown name denies nothing.',
    );
  }
  return { policies, targets: settings.targets, notes, safety: { breakGlassRoleArns: settings.breakGlassRoleArns, modes: settings.modes, trusted } };
}

function checkRoleArns(arns: readonly string[], path: string): void {
  arns.forEach((arn, i) => {
    if (!ID_PATTERNS.roleArnPattern.test(arn)) {
      throw new ConfigError(
        `${path}[${i}]`,
        `${arn} is not an IAM role ARN or ArnLike pattern`,
        'Write arn:aws:iam::<account or *>:role/<name>, e.g. arn:aws:iam::*:role/BreakGlass*.',
      );
    }
    const problem = roleArnProblem(arn, 'aws');
    if (problem) throw new ConfigError(`${path}[${i}]`, problem.problem, problem.fix);
  });
}

function checkAccountId(id: string, path: string): string {
  if (!ID_PATTERNS.accountId.test(id))
    throw new ConfigError(path, `${id} is not a 12-digit AWS account id`, 'Write it as a string of 12 digits, e.g. "111122223333".');
  return id;
}

function checkRegion(region: string, path: string): void {
  const problem = awsRegionProblem(region, 'aws');
  if (problem) throw new ConfigError(path, problem.problem, problem.fix);
}

/** The config's checks of trustedNetworks (core/config/validate.ts) on the typed props: the same CIDR functions, aggregated the same way. */
function trustedContext(trusted: TrustedNetworksProps): TrustedContext {
  const cidrs = (trusted.cidrs ?? []).map((text, i) => {
    const path = `trusted.cidrs[${i}]`;
    const parsed = parseNetwork(text);
    if (!isNetwork(parsed)) throw new ConfigError(path, parsed.problem, parsed.fix);
    const problem = publicEgressProblem(parsed);
    if (problem) throw new ConfigError(path, problem.problem, problem.fix);
    return parsed.cidr;
  });
  const awsVpcs = trusted.awsVpcs ?? [];
  for (const [i, vpc] of awsVpcs.entries()) checkRegion(vpc.region, `trusted.awsVpcs[${i}].region`);
  return { cidrs: aggregate(cidrs), awsVpcs, awsVpcEndpointIds: [...new Set(trusted.awsVpcEndpointIds ?? [])] };
}
