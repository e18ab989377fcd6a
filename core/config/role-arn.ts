/**
 * Rules for the IAM role ARNs and ArnLike patterns exempted from every control (breakGlass.aws and
 * automation.aws). Each one is a hole in every SCP, so a pattern must say which roles it means. In
 * ArnLike, * matches any run of characters (including /) and ? exactly one (IAM condition operators).
 */
import type { AwsPartition } from './schema.ts';

/** Fixed characters a wildcard role name must start with: "BreakGlass*" is a name, "ab*" is not. */
export const MIN_FIXED_ROLE_NAME_PREFIX = 4;

/**
 * Role paths and names AWS reserves for roles it creates; no exemption may reach them. AWS Organizations
 * user guide, SCPs: "SCPs don't affect service-linked roles"; IAM Identity Center creates its roles as
 * /aws-reserved/sso.amazonaws.com/AWSReservedSSO_<permission set>_<id>.
 */
const RESERVED: readonly { readonly text: string; readonly in: 'path' | 'name'; readonly what: string; readonly why: string }[] = [
  {
    text: 'aws-service-role/',
    in: 'path',
    what: 'the service-linked roles under role/aws-service-role/',
    why: 'which AWS services create and SCPs never restrict',
  },
  {
    text: 'aws-reserved/',
    in: 'path',
    what: 'the AWS-managed roles under role/aws-reserved/',
    why: 'which AWS services create and assign (IAM Identity Center keeps its permission-set roles there)',
  },
  {
    text: 'AWSReservedSSO_',
    in: 'name',
    what: "IAM Identity Center's permission-set roles (AWSReservedSSO_*)",
    why: 'so whoever Identity Center assigns the permission set to would be exempt, decided outside IAM',
  },
];

export interface RoleArnProblem {
  readonly problem: string;
  readonly fix: string;
}

/** The first problem with an exempted role ARN or pattern (already schema-valid), or undefined. */
export function roleArnProblem(arn: string, partition: AwsPartition): RoleArnProblem | undefined {
  const arnPartition = arn.split(':')[1]!;
  const role = arn.slice(arn.indexOf(':role/') + ':role/'.length);
  const example = `arn:${partition}:iam::*:role/BreakGlass*`;
  if (/^[*?/]*$/.test(role)) {
    return {
      problem: `${arn} matches every role, which exempts everyone from every control`,
      fix: 'Name the roles (a prefix such as role/BreakGlass* is fine).',
    };
  }
  if (arnPartition !== partition) {
    return {
      problem: `${arn} is in partition ${arnPartition} but aws.partition is ${partition}, so it never matches a principal of the organisation`,
      fix: `Write arn:${partition}:${arn.split(':').slice(2).join(':')}, or set aws.partition: ${arnPartition}.`,
    };
  }
  const wildcard = role.search(/[*?]/);
  const fixed = wildcard === -1 ? role : role.slice(0, wildcard);
  // The role name is what follows the last / of the fixed text; a wildcard before a later / is in the path.
  const nameStart = fixed.lastIndexOf('/') + 1;
  const namePrefix = fixed.slice(nameStart);
  const reserved = (where: 'path' | 'name') => {
    const hit = RESERVED.find((r) => r.in === where && canStartWith(where === 'path' ? role : role.slice(nameStart), r.text));
    return (
      hit && {
        problem: `${arn} ${wildcard === -1 ? 'is one of' : 'can match'} ${hit.what}, ${hit.why}`,
        fix: `Exempt only roles your organisation creates and names, e.g. ${example}.`,
      }
    );
  };
  if (wildcard === -1) return reserved('path') ?? reserved('name');
  if (role.includes('/', wildcard)) {
    return {
      problem: `${arn} has a wildcard in the role path, so it fixes no part of the role name and matches roles of any name below it`,
      fix: `Write the path out and start the role name with at least ${MIN_FIXED_ROLE_NAME_PREFIX} fixed characters, e.g. role/ops/BreakGlass*.`,
    };
  }
  const reservedPath = reserved('path');
  if (reservedPath) return reservedPath;
  if (namePrefix.length < MIN_FIXED_ROLE_NAME_PREFIX) {
    const fixes =
      namePrefix === ''
        ? 'fixes none of the role name'
        : `fixes only "${namePrefix}" (${namePrefix.length} character${namePrefix.length === 1 ? '' : 's'}) of the role name`;
    return {
      problem: `${arn} ${fixes} before the first wildcard, so it matches roles nobody meant to exempt`,
      fix: `Start the role name with at least ${MIN_FIXED_ROLE_NAME_PREFIX} fixed characters, e.g. ${example}.`,
    };
  }
  return reserved('name');
}

/** Whether some string the ArnLike `pattern` matches starts with `prefix` (case-sensitive, as ArnLike is). */
export function canStartWith(pattern: string, prefix: string): boolean {
  // Positions in the pattern reachable after consuming the prefix so far; * may also match nothing.
  const withEmptyStars = (positions: Set<number>) => {
    for (const i of positions) if (pattern[i] === '*') positions.add(i + 1);
    return positions;
  };
  let positions = withEmptyStars(new Set([0]));
  for (const char of prefix) {
    const next = new Set<number>();
    for (const i of positions) {
      if (pattern[i] === '*') next.add(i);
      else if (pattern[i] === '?' || pattern[i] === char) next.add(i + 1);
    }
    if (next.size === 0) return false;
    positions = withEmptyStars(next);
  }
  // What is left of the pattern can always match some suffix.
  return true;
}
