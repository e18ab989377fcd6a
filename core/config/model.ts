/**
 * The validated, normalised configuration that stacks hand to constructs. Everything here has passed
 * the schema and the cross-field checks; CIDRs are canonical and aggregated.
 */
import type { ConfigWarning } from './config-error.ts';
import type { AwsConfig, AzureConfig, ControlName, GcpConfig, Mode, ParsedConfig } from './schema.ts';

export interface TrustedContext {
  /** Aggregated public egress CIDRs, IPv4 then IPv6 (minimal cover of what the user listed). */
  readonly cidrs: readonly string[];
  readonly awsVpcs: readonly { readonly id: string; readonly region: string }[];
  readonly awsVpcEndpointIds: readonly string[];
}

export type AccountLayout = 'single-account' | 'sra';

/** aws.hunting when enabled, with lookbackDays resolved (its default is the trail's deepArchiveAfterDays). */
export type AwsHuntingModel = Required<Omit<NonNullable<AwsConfig['hunting']>, 'enabled'>>;

/** gcp.hunting when enabled. */
export type GcpHuntingModel = Omit<NonNullable<GcpConfig['hunting']>, 'enabled'>;

export interface AwsModel extends Omit<AwsConfig, 'trail' | 'hunting'> {
  readonly trail: Omit<AwsConfig['trail'], 'objectLockMode'> & { readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE' };
  /** Present when aws.hunting is enabled. */
  readonly hunting?: AwsHuntingModel;
  /** sra: evidence in the log-archive account, alarm pipeline in the security account; single-account: all in the management account. */
  readonly layout: AccountLayout;
  /** Accounts holding each part (all the management account in the single-account layout). */
  readonly accounts: { readonly management: string; readonly logArchive: string; readonly security: string };
  /** Effective mode of each AWS preventive control (per-control override, else the global mode). */
  readonly modes: Readonly<Record<ControlName, Mode>>;
  readonly breakGlassRoleArns: readonly string[];
  /** Regions the real-time rules are deployed to: aws.regions, or the home region and us-east-1. */
  readonly eventRegions: readonly string[];
  readonly automationRoleArns: readonly string[];
}

export interface AzureModel extends AzureConfig {
  readonly mode: Mode;
  readonly breakGlassUserIds: readonly string[];
  readonly breakGlassGroupIds: readonly string[];
  readonly automationServicePrincipalIds: readonly string[];
  readonly trustedNamedLocationIds: readonly string[];
  readonly compliantDeviceRequired: boolean;
}

export interface GcpModel extends Omit<GcpConfig, 'hunting'> {
  readonly mode: Mode;
  /** Present when gcp.hunting is enabled. */
  readonly hunting?: GcpHuntingModel;
  /** IAM members (user:, group:, serviceAccount:) exempt from the deny policy and access levels. */
  readonly breakGlassMembers: readonly string[];
  readonly automationServiceAccounts: readonly string[];
}

export interface GuardrailsModel {
  readonly mode: Mode;
  readonly trusted: TrustedContext;
  readonly aws?: AwsModel;
  readonly gcp?: GcpModel;
  readonly azure?: AzureModel;
  readonly notifications: ParsedConfig['notifications'];
  /** Where the config came from (for plan output and notices). */
  readonly source: string;
  readonly warnings: readonly ConfigWarning[];
}
