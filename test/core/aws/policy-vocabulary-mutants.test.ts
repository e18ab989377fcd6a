/**
 * The IAM vocabulary check on hand-written statements: operators that are not operators, action
 * wildcards with regex characters, keys that only some actions carry (exact names with a slash, tag keys
 * documented on the action only, tag keys inside principal tag names). Written for the surviving mutants
 * of core/aws/policy-vocabulary.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionBlock, PolicyStatement } from '../../../core/aws/policy-document.ts';
import { checkPolicyVocabulary, parseOperator } from '../../../core/aws/policy-vocabulary.ts';

/** The problems of one Deny statement with these actions and condition, as `sid: problem`. */
async function problemsOf(action: string | readonly string[], condition?: ConditionBlock): Promise<string[]> {
  const statement: PolicyStatement = { Sid: 'S', Effect: 'Deny', Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}) };
  const problems = await checkPolicyVocabulary([{ name: 'p', document: { Version: '2012-10-17', Statement: [statement] } }]);
  return problems.map((p) => `${p.policy} ${p.sid}: ${p.problem}`);
}

describe('parseOperator', () => {
  it('refuses an empty operator and one whose operator follows a line break', () => {
    expect(parseOperator('')).toBeUndefined();
    expect(parseOperator('Junk\nStringEquals')).toBeUndefined();
    expect(parseOperator('StringEquals')).toEqual({ family: 'String', setOperator: undefined, ifExists: false });
  });

  it('reports a condition operator with a line break as not an IAM operator', async () => {
    expect(await problemsOf('s3:GetObject', { 'Junk\nStringEquals': { 'aws:SourceVpc': 'vpc-1' } })).toEqual([
      'p S: condition operator Junk\nStringEquals is not an IAM operator (an unknown operator disables the statement)',
    ]);
  });
});

describe('action names', () => {
  it('reports an action without a service prefix separator as not an IAM action', async () => {
    expect(await problemsOf('s3')).toEqual(['p S: action s3 is not an IAM action (CloudTrail event names are not always actions)']);
  });

  it('reads regex characters in an action wildcard literally', async () => {
    expect(await problemsOf('s3:Get+Object*')).toEqual(['p S: action s3:Get+Object* matches no s3 action']);
  });

  it('lets ? in an action wildcard stand for exactly one character', async () => {
    expect(await problemsOf('s3:GetObjec?')).toEqual([]);
    expect(await problemsOf('s3:GetObjec??')).toEqual(['p S: action s3:GetObjec?? matches no s3 action']);
  });

  it('checks service condition keys against each action a wildcard resolves to', async () => {
    expect(await problemsOf('s3:GetObjec?', { StringEquals: { 'ec2:Region': 'eu-west-1' } })).toEqual([
      'p S: s3:GetObject does not carry ec2:Region, so the condition can never match it',
    ]);
  });
});

describe('condition keys an action carries', () => {
  it('accepts a service key with a slash that the action names exactly (ec2:Add/group on ModifySnapshotAttribute)', async () => {
    expect(await problemsOf('ec2:ModifySnapshotAttribute', { StringEquals: { 'ec2:Add/group': 'all' } })).toEqual([]);
    expect(await problemsOf('ec2:ModifySnapshotAttribute', { StringEquals: { 'ec2:add/GROUP': 'all' } })).toEqual([]);
  });

  it('accepts a request tag key that the action lists only at action level (s3:CreateBucket)', async () => {
    expect(await problemsOf('s3:CreateBucket', { StringEquals: { 'aws:RequestTag/team': 'red' } })).toEqual([]);
    expect(await problemsOf('s3:GetObject', { StringEquals: { 'aws:RequestTag/team': 'red' } })).toEqual([
      'p S: s3:GetObject does not carry aws:RequestTag/team, so the condition can never match it',
    ]);
  });

  it('does not check per action a principal tag whose name contains aws:RequestTag/ or ends in aws:TagKeys', async () => {
    expect(await problemsOf('s3:GetObject', { StringEquals: { 'aws:PrincipalTag/team/aws:RequestTag/x': 'true' } })).toEqual([]);
    expect(await problemsOf('s3:GetObject', { StringEquals: { 'aws:PrincipalTag/team/aws:TagKeys': 'true' } })).toEqual([]);
  });
});
