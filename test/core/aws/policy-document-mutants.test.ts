/** actionsOf and notActionsOf on each way a statement names its actions. Written for the mutants of core/aws/policy-document.ts. */
import { describe, expect, it } from 'vitest';
import { actionsOf, notActionsOf } from '../../../core/aws/policy-document.ts';

describe('actionsOf', () => {
  it('wraps a single Action string in a list', () => {
    expect(actionsOf({ Sid: 'S', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' })).toEqual(['s3:GetObject']);
  });

  it('returns an Action list as is, and nothing for a NotAction statement', () => {
    expect(actionsOf({ Sid: 'S', Effect: 'Deny', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' })).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(actionsOf({ Sid: 'S', Effect: 'Deny', NotAction: ['s3:GetObject'], Resource: '*' })).toEqual([]);
    expect(notActionsOf({ Sid: 'S', Effect: 'Deny', NotAction: ['s3:GetObject'], Resource: '*' })).toEqual(['s3:GetObject']);
  });
});
