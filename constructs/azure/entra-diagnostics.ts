/**
 * Entra ID (tenant) diagnostic settings: sign-ins of every kind, audit logs and Microsoft Graph activity
 * to the audit workspace and storage. In its own component because Microsoft lets only a user with
 * Global Administrator or Security Administrator create it, never a service principal: run the stack
 * once as such a user with `azure.entraDiagnostics: true`, and let pipelines run with it false.
 */
import * as aadiam from '@pulumi/azure-native/aadiam/index.js';
import * as pulumi from '@pulumi/pulumi';
import { SETTING_NAMES } from './audit-logging.ts';

export const ENTRA_LOG_CATEGORIES = [
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
  'AuditLogs',
  'MicrosoftGraphActivityLogs',
];

export interface EntraDiagnosticsArgs {
  /** Resource id of the Log Analytics workspace the Entra logs go to, e.g. AzureAuditLogging's `workspaceId`. */
  readonly workspaceId: pulumi.Input<string>;
  /** Resource id of the storage account the Entra logs are archived in, e.g. AzureAuditLogging's `storageAccountId`. */
  readonly storageAccountId: pulumi.Input<string>;
}

export class EntraDiagnostics extends pulumi.ComponentResource {
  /** The tenant diagnostic setting, named SETTING_NAMES.entra. */
  readonly setting: aadiam.DiagnosticSetting;

  constructor(name: string, args: EntraDiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:EntraDiagnostics', name, {}, opts);
    this.setting = new aadiam.DiagnosticSetting(
      `${name}-setting`,
      {
        name: SETTING_NAMES.entra,
        workspaceId: args.workspaceId,
        storageAccountId: args.storageAccountId,
        logs: ENTRA_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      },
      { parent: this },
    );
    this.registerOutputs({ settingId: this.setting.id });
  }
}
