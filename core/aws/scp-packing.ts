/**
 * Packs statements into as few SCPs as the size budget allows. Statements are never split: the network
 * perimeter is one Deny with a NotIpAddress list, and splitting that list across two policies would
 * deny everything outside their *intersection* (nothing). Report-mode and enforce-mode statements are
 * packed separately because only enforce-mode policies are attached.
 */
import { ConfigError } from '../config/config-error.ts';
import type { AwsModel, TrustedContext } from '../config/model.ts';
import type { ControlName, Mode } from '../config/schema.ts';
import type { ControlStatement } from './perimeter-statements.ts';
import { documentSize, minify, policyDocument, type PolicyDocument, type PolicyStatement } from './policy-document.ts';

export interface PackedPolicy {
  /** Stable name: guardrails-<mode>-<n>. */
  readonly name: string;
  readonly mode: Mode;
  readonly controls: readonly ControlName[];
  readonly document: PolicyDocument;
  /** Minified size in characters, as AWS counts it. */
  readonly size: number;
}

export interface PackingLimits {
  readonly sizeBudget: number;
  /** SCPs of ours that may be attached to one target (the quota less what is already attached). */
  readonly maxAttachedPolicies: number;
}

export function packingLimits(aws: Pick<AwsModel, 'scpSizeBudget' | 'maxPoliciesPerTarget' | 'existingPoliciesPerTarget'>): PackingLimits {
  return { sizeBudget: aws.scpSizeBudget, maxAttachedPolicies: aws.maxPoliciesPerTarget - aws.existingPoliciesPerTarget };
}

export function packStatements(
  statements: readonly ControlStatement[],
  modes: Readonly<Record<ControlName, Mode>>,
  limits: PackingLimits,
  trusted: TrustedContext,
): PackedPolicy[] {
  for (const { statement } of statements) {
    const size = documentSize([statement]);
    if (size > limits.sizeBudget) throw statementTooLarge(statement, size, limits.sizeBudget, trusted);
  }
  const policies: PackedPolicy[] = [];
  for (const mode of ['enforce', 'report'] as const) {
    const group = statements.filter((s) => modes[s.control] === mode);
    const bins = firstFitDecreasing(group, limits.sizeBudget);
    bins.forEach((bin, i) => {
      // Keep the kit's statement order inside a policy: it reads like the docs.
      const ordered = group.filter((s) => bin.includes(s));
      const document = policyDocument(ordered.map((s) => s.statement));
      policies.push({
        name: `guardrails-${mode}-${i + 1}`,
        mode,
        controls: [...new Set(ordered.map((s) => s.control))],
        document,
        size: minify(document).length,
      });
    });
  }
  const attached = policies.filter((p) => p.mode === 'enforce').length;
  if (attached > limits.maxAttachedPolicies) {
    throw new ConfigError(
      'aws.scpSizeBudget',
      `the enforced statements need ${attached} SCPs per target, but only ${limits.maxAttachedPolicies} fit under maxPoliciesPerTarget less existingPoliciesPerTarget`,
      'Aggregate trustedNetworks.cidrs, raise scpSizeBudget (max 10240), or set some controls to report.',
    );
  }
  return policies;
}

/** Bins of statements, each bin's document within budget. Largest first, into the first bin with room. */
function firstFitDecreasing(group: readonly ControlStatement[], budget: number): ControlStatement[][] {
  const bySize = [...group].sort((a, b) => documentSize([b.statement]) - documentSize([a.statement]));
  const bins: ControlStatement[][] = [];
  for (const item of bySize) {
    const bin = bins.find((b) => documentSize([...b, item].map((s) => s.statement)) <= budget);
    if (bin) bin.push(item);
    else bins.push([item]);
  }
  return bins;
}

function statementTooLarge(statement: PolicyStatement, size: number, budget: number, trusted: TrustedContext): ConfigError {
  const cidrs = (statement.Condition?.['NotIpAddressIfExists']?.['aws:SourceIp'] ?? []) as readonly string[];
  if (cidrs.length === 0) {
    return new ConfigError(
      'aws.scpSizeBudget',
      `statement ${statement.Sid} alone is ${size} characters, over the budget of ${budget}`,
      'Raise aws.scpSizeBudget (max 10240) or shorten the role ARN lists.',
    );
  }
  // How many CIDRs must go for the perimeter statement to fit: drop from the end until it does.
  let keep = cidrs.length;
  const shrunk = (n: number) => ({ ...statement, Condition: { ...statement.Condition, NotIpAddressIfExists: { 'aws:SourceIp': cidrs.slice(0, n) } } });
  while (keep > 0 && documentSize([shrunk(keep)]) > budget) keep--;
  return new ConfigError(
    'trustedNetworks.cidrs',
    `the network perimeter statement is ${size} characters with ${trusted.cidrs.length} aggregated CIDRs, over the SCP budget of ${budget}, and it cannot be split across policies without denying everything`,
    `Drop or aggregate at least ${cidrs.length - keep} CIDRs (at most ${keep} fit), or raise aws.scpSizeBudget (max 10240).`,
  );
}
