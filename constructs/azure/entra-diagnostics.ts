/**
 * Entra ID (tenant) diagnostic settings: sign-ins of every kind, audit logs and Microsoft Graph activity
 * to the audit workspace and storage. In its own component because Microsoft lets only a user with
 * Global Administrator or Security Administrator create it, never a service principal: run the stack
 * once as such a user with `azure.entraDiagnostics: true`, and let pipelines run with it false.
 */
import * as aadiam from '@pulumi/azure-native/aadiam';
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
  readonly workspaceId: pulumi.Input<string>;
  readonly storageAccountId: pulumi.Input<string>;
}

export class EntraDiagnostics extends pulumi.ComponentResource {
  constructor(name: string, args: EntraDiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:EntraDiagnostics', name, {}, opts);
    new aadiam.DiagnosticSetting(`${name}-setting`, {
      name: SETTING_NAMES.entra,
      workspaceId: args.workspaceId,
      storageAccountId: args.storageAccountId,
      logs: ENTRA_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
    }, { parent: this });
    this.registerOutputs({});
  }
}
