/**
 * Config values a rule may reference, so that "from an untrusted network" is a rule and not a copy of
 * the config: `{{trustedNetworks.cidrs}}`, `{{breakGlass.aws.roleArns}}`, ... A value that is exactly a
 * placeholder expands to the list. `|complement` turns a CIDR list into every public-or-not address
 * outside it, so rules can say "outside the trusted networks" positively (targets without negated CIDR
 * matching can still express it).
 */
import { excludeCidr } from 'cidr-tools';
import type { GuardrailsModel } from '../config/model.ts';
import { aggregate } from '../net/cidr.ts';

export const PLACEHOLDER = /^\{\{\s*([\w.]+)(?:\s*\|\s*(complement))?\s*\}\}$/;

export type PlaceholderValues = Readonly<Record<string, readonly string[]>>;

/** Every placeholder a rule may use, resolved from the model. */
export function placeholderValues(model: GuardrailsModel): PlaceholderValues {
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
  const list = values[match[1]!];
  if (!list) return undefined;
  return match[2] === 'complement' ? complementCidrs(list) : list;
}
