/**
 * Whole-organization simulation: a request, as AWS documents it for a flow, judged by
 * @cloud-copilot/iam-simulate against every policy the synthesized templates put on its path (SCPs of
 * the caller's account, the caller's identity policies, the resource's policy), with the rules AWS
 * documents for which of those apply:
 *   - SCPs never apply to the management account, to service-linked roles or to service principals
 *     (Organizations user guide, "Service control policies",
 *     https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html: "SCPs
 *     don't affect users or roles in the management account", "SCPs do not affect any service-linked
 *     role", and they affect only IAM principals of the organization's member accounts);
 *   - a service principal's call is judged by the resource policy alone, a KMS call by the key policy
 *     (IAM user guide, "AWS service principals",
 *     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services;
 *     KMS developer guide, "Key policies", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html:
 *     no principal may use a key unless its key policy allows it, directly or by delegating to IAM);
 *   - a cross-account call needs an Allow in both the identity policy and the resource policy (IAM user
 *     guide, "Cross-account policy evaluation logic",
 *     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 * The simulator applies the last two itself (service principals, KMS key-policy trust, cross-account);
 * the harness chooses which SCPs to hand it and fills in the request context AWS adds to every call.
 */
import { getDenialReasons, runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { GuardrailsModel } from '../../core/config/model.ts';
import { builtAws, modelKey, type SynthOptions } from './aws-app.ts';
import { layoutOf, Organization, stackInputsOf, type NamedPolicy, type PolicyDocument } from './organization-policies.ts';

export type Decision = 'Allowed' | 'Denied';
export type Context = Record<string, string | string[]>;

export interface FlowRequest {
  /** An IAM role ARN, or a service principal ("cloudtrail.amazonaws.com"). */
  readonly principal: string;
  readonly action: string;
  /** The resource ARN, or "*" for actions without resources. */
  readonly resource: string;
  /** The resource's account when neither its ARN nor the templates say it (an S3 bucket no template creates, "*"). */
  readonly resourceAccount?: string;
  /** Request context AWS documents for the flow; it overrides what the harness fills in. */
  readonly context?: Context;
  /** Identity policies of a principal no template creates (an administrator's AdministratorAccess). */
  readonly identityPolicies?: readonly NamedPolicy[];
  /** Policy of a resource no template creates (an application's KMS key). */
  readonly resourcePolicy?: PolicyDocument;
}

export interface Verdict {
  readonly decision: Decision;
  /** Why SCPs were or were not part of the evaluation. */
  readonly scps: string;
  /** The statements (or missing Allows) that denied it, as "scp guardrails-enforce-1#ProtectTrailBuckets". */
  readonly denials: readonly string[];
  /** False when the request carried keys the validating entry point drops (see `evaluate`). */
  readonly validated: boolean;
}

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

export function isServicePrincipal(principal: string): boolean {
  return SERVICE_PRINCIPAL.test(principal);
}

export function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

export class OrganizationSimulation {
  constructor(readonly org: Organization) {}

  /** Which SCPs apply to the caller, or why none do. */
  scpsFor(principal: string): { reason: string; policies: Simulation['serviceControlPolicies'] } {
    if (isServicePrincipal(principal)) return { reason: 'none: a service principal', policies: [] };
    const account = accountOf(principal);
    if (!account || !this.org.isInOrganization(account)) return { reason: 'none: a principal outside the organization', policies: [] };
    if (this.org.isManagement(account)) return { reason: 'none: the management account', policies: [] };
    if (/:role\/aws-service-role\//.test(principal)) return { reason: 'none: a service-linked role', policies: [] };
    return { reason: `the path of ${account}`, policies: this.org.serviceControlPoliciesFor(account) };
  }

  /** What AWS adds to every request of this principal on this resource (IAM user guide, "AWS global condition context keys"). */
  private baseContext(principal: string, resourceAccount: string, resource: string): Context {
    const owner = this.org.owner(resource);
    const region = resource.split(':')[3] || owner?.stack.region;
    const context: Context = {
      'aws:SecureTransport': 'true',
      'aws:ResourceAccount': resourceAccount,
      ...(region ? { 'aws:RequestedRegion': region } : {}),
      ...(this.org.isInOrganization(resourceAccount) ? { 'aws:ResourceOrgID': this.org.layout.organizationId } : {}),
      ...Object.fromEntries(Object.entries(owner?.tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
    };
    if (isServicePrincipal(principal)) return { ...context, 'aws:PrincipalServiceName': principal, 'aws:PrincipalIsAWSService': 'true' };
    const account = accountOf(principal)!;
    const role = this.org.roles.get(principal);
    return {
      ...context,
      'aws:PrincipalArn': principal,
      'aws:PrincipalAccount': account,
      'aws:PrincipalIsAWSService': 'false',
      ...(this.org.isInOrganization(account) ? { 'aws:PrincipalOrgID': this.org.layout.organizationId } : {}),
      ...Object.fromEntries(Object.entries(role?.tags ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
    };
  }

  async evaluate(request: FlowRequest): Promise<Verdict> {
    const { principal, action, resource } = request;
    const role = this.org.roles.get(principal);
    if (role && request.identityPolicies) throw new Error(`${principal} is created by a template: its identity policies come from there`);
    const identityPolicies = isServicePrincipal(principal) ? [] : (role?.identityPolicies ?? request.identityPolicies ?? []);
    const resourceAccount =
      request.resourceAccount ?? accountOf(resource) ?? this.org.owner(resource)?.stack.account ?? (resource === '*' ? accountOf(principal) : undefined);
    if (!resourceAccount) throw new Error(`${action} on ${resource}: say which account owns the resource`);
    const resourcePolicy = request.resourcePolicy ?? this.org.resourcePolicy(resource, action);
    if (action.startsWith('kms:') && resource !== '*' && !resourcePolicy)
      throw new Error(`${action} on ${resource}: a KMS key always has a key policy; give the flow one`);
    const scps = this.scpsFor(principal);
    const explicit = request.context ?? {};
    const simulation: Simulation = {
      identityPolicies: [...identityPolicies],
      serviceControlPolicies: scps.policies,
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: {
        action,
        principal,
        resource: { accountId: resourceAccount, resource },
        contextVariables: { ...this.baseContext(principal, resourceAccount, resource), ...explicit },
      },
    };
    const response = await runSimulation(simulation, {});
    if (response.resultType === 'error') throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
    if (response.resultType !== 'single') throw new Error(`${action} on ${resource}: give one resource, not a pattern`);
    // The validating entry point drops context keys it does not know for the action. The harness's own
    // keys may be dropped (aws:ResourceTag on S3 without bucket ABAC: AWS ignores them too), a flow's
    // may not, or the flow would test something other than what it says. One exception:
    // kms:EncryptionContext:<key> keys are real (KMS developer guide, "Encryption context") but
    // iam-simulate 0.1.x matches variable keys only after a "/", so it drops them; those flows run
    // through runUnsafeSimulation, which evaluates the same policies without validating the context.
    const dropped = (response.result.ignoredContextKeys ?? []).filter((k) => k in explicit);
    const unexpressible = dropped.filter((k) => !/^kms:EncryptionContext:/i.test(k));
    if (unexpressible.length > 0) throw new Error(`${action} on ${resource}: the simulator cannot express ${unexpressible.join(', ')} for this action`);
    if (dropped.length > 0) {
      // runUnsafeSimulation loads the resource policy without a name, which its analysis needs; a
      // pre-validated policy (iam-policy's ValidatedPolicy shape) carries one. The validated run above
      // has just checked the same document, so it has no errors.
      const named = resourcePolicy
        ? { resourcePolicy: { __validated: true, policyDocument: resourcePolicy, metadata: { name: 'resource policy' }, errors: [] } }
        : {};
      const result = runUnsafeSimulation({ ...simulation, ...named }, {});
      return {
        decision: result === 'Allowed' ? 'Allowed' : 'Denied',
        scps: scps.reason,
        denials: result === 'Allowed' ? [] : [`${result} (unvalidated run: no statement-level reasons)`],
        validated: false,
      };
    }
    const analysis = response.result.analysis;
    const decision: Decision = response.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
    return { decision, scps: scps.reason, denials: decision === 'Allowed' ? [] : describeDenials(analysis), validated: true };
  }
}

function describeDenials(analysis: Parameters<typeof getDenialReasons>[0]): string[] {
  const reasons = getDenialReasons(analysis).map((d) =>
    d.denialType === 'Explicit'
      ? `${d.policyType} ${d.policyIdentifier ?? 'policy'}#${d.statementId ?? d.statementIndex} denies`
      : `${d.policyType}${d.identifier ? ` at ${d.identifier}` : ''}: no statement allows`,
  );
  if (reasons.length > 0) return reasons;
  // A cross-account call to a resource without a resource policy: nothing in the resource's account grants it.
  return [analysis.sameAccount ? 'no identity or resource policy allows it' : "cross-account, and no resource policy grants the caller's account"];
}

export interface SynthesizedOrganization {
  readonly simulation: OrganizationSimulation;
  readonly org: Organization;
  /** Milliseconds to plan, build and synthesize the app (cdk-nag included), when it was synthesized. */
  readonly synthMs: number;
}

const organizations = new Map<string, Promise<SynthesizedOrganization>>();

async function organizationOf(model: GuardrailsModel, options: SynthOptions): Promise<SynthesizedOrganization> {
  const aws = model.aws;
  if (!aws) throw new Error('the model has no aws section');
  const { built, synthMs } = await builtAws(model, options);
  const layout = layoutOf(aws);
  const stacks = stackInputsOf(built.app, built.stacks, built.member.template, layout);
  const org = new Organization(layout, stacks);
  return { simulation: new OrganizationSimulation(org), org, synthMs };
}

/**
 * Synthesizes the AWS app of a model, as bin/aws.ts does, and loads every template it deploys. The
 * synthesis is the one `synthAws` shares (aws-app.ts), and so is the loaded organization, for every
 * equal model in the worker (unless `fresh`); the simulation only reads it.
 */
export function synthOrganization(model: GuardrailsModel, options: SynthOptions = {}): Promise<SynthesizedOrganization> {
  if (options.fresh) return organizationOf(model, options);
  const key = modelKey(model);
  let found = organizations.get(key);
  if (!found) {
    found = organizationOf(model, options);
    organizations.set(key, found);
  }
  return found;
}
