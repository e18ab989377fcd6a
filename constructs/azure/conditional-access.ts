/**
 * Conditional Access on Azure management. CA targets the resource, not the client: Azure CLI,
 * PowerShell, Cloud Shell and the portal all get their tokens for Windows Azure Service Management API
 * (797f4846-ba00-4fd7-ba43-dac1f8f63013), so that is the application every policy includes. Three
 * policies: block it outside the trusted locations; require MFA (and a compliant device, if configured)
 * inside; block the device-code flow, the phishing-friendly way to mint a CLI token. Every policy
 * excludes the break-glass users and groups, and starts in report-only
 * (`enabledForReportingButNotEnforced`) unless the config says enforce.
 */
import * as azuread from '@pulumi/azuread';
import * as pulumi from '@pulumi/pulumi';

export const AZURE_SERVICE_MANAGEMENT_API = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

export interface ConditionalAccessArgs {
  readonly mode: 'report' | 'enforce';
  readonly trustedCidrs: readonly string[];
  readonly extraTrustedLocationIds: readonly string[];
  readonly compliantDeviceRequired: boolean;
  readonly breakGlassUserIds: readonly string[];
  readonly breakGlassGroupIds: readonly string[];
}

export class ConditionalAccess extends pulumi.ComponentResource {
  readonly policies: readonly azuread.ConditionalAccessPolicy[];

  constructor(name: string, args: ConditionalAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:ConditionalAccess', name, {}, opts);
    if (args.breakGlassUserIds.length + args.breakGlassGroupIds.length === 0) {
      // The config validator refuses this first; a construct used on its own must refuse it too.
      throw new Error('ConditionalAccess: refusing to build policies that exclude no break-glass account');
    }
    const parent = { parent: this };
    const state = args.mode === 'enforce' ? 'enabled' : 'enabledForReportingButNotEnforced';
    const location = args.trustedCidrs.length
      ? new azuread.NamedLocation(`${name}-trusted`, { displayName: 'guardrails trusted networks', ip: { ipRanges: [...args.trustedCidrs], trusted: true } }, parent)
      : undefined;
    const trusted: pulumi.Input<string>[] = [...(location ? [location.id] : []), ...args.extraTrustedLocationIds];
    const users = { includedUsers: ['All'], excludedUsers: [...args.breakGlassUserIds], excludedGroups: [...args.breakGlassGroupIds] };
    const applications = { includedApplications: [AZURE_SERVICE_MANAGEMENT_API] };
    const policy = (id: string, displayName: string, conditions: azuread.ConditionalAccessPolicyArgs['conditions'], grantControls: azuread.ConditionalAccessPolicyArgs['grantControls']) =>
      new azuread.ConditionalAccessPolicy(`${name}-${id}`, { displayName, state, conditions, grantControls }, parent);

    this.policies = [
      policy('block-untrusted', 'guardrails: block Azure management outside trusted locations', {
        applications,
        users,
        clientAppTypes: ['all'],
        locations: { includedLocations: ['All'], excludedLocations: trusted },
      }, { operator: 'OR', builtInControls: ['block'] }),
      policy('require-mfa', `guardrails: require MFA${args.compliantDeviceRequired ? ' and a compliant device' : ''} for Azure management`, {
        applications,
        users,
        clientAppTypes: ['all'],
        locations: { includedLocations: trusted.length ? trusted : ['All'] },
      }, { operator: 'AND', builtInControls: args.compliantDeviceRequired ? ['mfa', 'compliantDevice'] : ['mfa'] }),
      policy('block-device-code', 'guardrails: block device-code sign-in to Azure management', {
        applications,
        users,
        clientAppTypes: ['all'],
        authenticationFlowTransferMethods: ['deviceCodeFlow'],
      }, { operator: 'OR', builtInControls: ['block'] }),
    ];
    this.registerOutputs({});
  }
}
