/** denyPolicyPrincipal (core/gcp/principals.ts): IAM members to IAM v2 principal identifiers, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { denyPolicyPrincipal } from '../../../core/gcp/principals.ts';

describe('denyPolicyPrincipal', () => {
  it('maps user:, group: and serviceAccount: members', () => {
    expect(denyPolicyPrincipal('user:a@example.com')).toBe('principal://goog/subject/a@example.com');
    expect(denyPolicyPrincipal('group:g@example.com')).toBe('principalSet://goog/group/g@example.com');
    expect(denyPolicyPrincipal('serviceAccount:ci@p.iam.gserviceaccount.com')).toBe(
      'principal://iam.googleapis.com/projects/-/serviceAccounts/ci@p.iam.gserviceaccount.com',
    );
  });

  it('refuses any other member, naming it and the kinds it takes', () => {
    expect(() => denyPolicyPrincipal('domain:example.com')).toThrow('domain:example.com: deny policies take user:, group: or serviceAccount: members');
  });
});
