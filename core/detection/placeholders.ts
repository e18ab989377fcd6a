/**
 * Config values a rule may reference, so that "from an untrusted network" is a rule and not a copy of
 * the config: `{{trustedNetworks.cidrs}}`, `{{breakGlass.aws.roleArns}}`, ... A value that is exactly a
 * placeholder expands to the list. `|complement` turns a CIDR list into every public-or-not address
 * outside it, so rules can say "outside the trusted networks" positively (targets without negated CIDR
 * matching can still express it).
 *
 * Sigma's own placeholders are the same names written `%name%` under the `|expand` modifier
 * (https://sigmahq.io/docs/basics/modifiers.html#expand; pySigma sigma/types.py
 * `SigmaString.insert_placeholders`, `%name%` not preceded by a backslash, `\%` a literal percent sign).
 * pySigma leaves the values to a processing pipeline; here they are the config's lists above. The
 * placeholders SigmaHQ's rules use (`%Admins_Workstations%`, `%DomainControllers%`, ...) name Windows
 * estates and have no config counterpart, so they are reported as unknown rather than guessed.
 */
import { excludeCidr } from 'cidr-tools';
import type { GuardrailsModel } from '../config/model.ts';
import { aggregate } from '../net/cidr.ts';

export const PLACEHOLDER = /^\{\{\s*([\w.]+)(?:\s*\|\s*(complement))?\s*\}\}$/;

export type PlaceholderValues = Readonly<Record<string, readonly string[]>>;

/** The name of every placeholder, the keys of placeholderValues (for checking a rule without a config). */
export const PLACEHOLDER_NAMES = [
  'trustedNetworks.cidrs',
  'trustedNetworks.aws.vpcIds',
  'trustedNetworks.aws.vpcEndpointIds',
  'breakGlass.aws.roleArns',
  'automation.aws.roleArns',
  'aws.organizationId',
  'aws.managementAccountId',
] as const;

/** Every placeholder a rule may use, resolved from the model. */
export function placeholderValues(model: GuardrailsModel): Readonly<Record<(typeof PLACEHOLDER_NAMES)[number], readonly string[]>> {
  return {
    'trustedNetworks.cidrs': model.trusted.cidrs,
    'trustedNetworks.aws.vpcIds': model.trusted.awsVpcs.map((v) => v.id),
    'trustedNetworks.aws.vpcEndpointIds': model.trusted.awsVpcEndpointIds,
    'breakGlass.aws.roleArns': model.aws?.breakGlassRoleArns ?? [],
    'automation.aws.roleArns': model.aws?.automationRoleArns ?? [],
    'aws.organizationId': model.aws ? [model.aws.organizationId] : [],
    'aws.managementAccountId': model.aws ? [model.aws.managementAccountId] : [],
  };
}

export function complementCidrs(cidrs: readonly string[]): string[] {
  const v4 = cidrs.filter((c) => !c.includes(':'));
  const v6 = cidrs.filter((c) => c.includes(':'));
  return aggregate([...excludeCidr(['0.0.0.0/0'], v4.length ? v4 : []), ...excludeCidr(['::/0'], v6.length ? v6 : [])].map(String));
}

/** Expands a value if it is a placeholder; undefined when the name is unknown. */
export function expandPlaceholder(value: string, values: PlaceholderValues): readonly string[] | undefined {
  const match = PLACEHOLDER.exec(value);
  if (!match) return [value];
  const list = Object.hasOwn(values, match[1]!) ? values[match[1]!] : undefined;
  if (!list) return undefined;
  return match[2] === 'complement' ? complementCidrs(list) : list;
}

/** `%name%` in a value under |expand (names may be dotted, as the config's are). */
const SIGMA_PLACEHOLDER = /(?<!\\)%([\w.]+)%/g;

/**
 * Sigma `|expand`: every `%name%` in the value replaced by each value of that list (a value holding two
 * placeholders yields every combination), `\%` unescaped to `%`. A value that is exactly `%name%` becomes
 * the list itself; an empty list yields no value (so the match matches nothing, as for `{{name}}`).
 * Returns the name of the first unknown placeholder instead when there is one.
 */
export function expandSigmaPlaceholders(value: string, values: PlaceholderValues): { readonly values: readonly string[] } | { readonly unknown: string } {
  let results = [''];
  let last = 0;
  for (const match of value.matchAll(SIGMA_PLACEHOLDER)) {
    const list = Object.hasOwn(values, match[1]!) ? values[match[1]!] : undefined;
    if (!list) return { unknown: match[1]! };
    const before = value.slice(last, match.index).replace(/\\%/g, '%');
    results = results.flatMap((prefix) => list.map((item) => `${prefix}${before}${item}`));
    last = match.index + match[0].length;
  }
  const rest = value.slice(last).replace(/\\%/g, '%');
  return { values: results.map((prefix) => `${prefix}${rest}`) };
}

/** `%a%, %b%, ...`: the placeholders |expand knows, for messages. */
export function sigmaPlaceholderList(values: PlaceholderValues): string {
  return Object.keys(values)
    .map((name) => `%${name}%`)
    .join(', ');
}
