/**
 * apiNameSpellings (logsources/aws-api-names.ts): only a whole `<prefix>.amazonaws.com` eventSource names
 * a service, and each service's spellings are read once. Written against the surviving mutants of the first
 * StrykerJS run of core/detection/logsources.
 */
import { describe, expect, it } from 'vitest';
import { apiNameSpellings } from '../../../../core/detection/logsources/aws-api-names.ts';

describe('apiNameSpellings', () => {
  it('reads the spellings of the service an eventSource names', () => {
    expect(apiNameSpellings('iam.amazonaws.com')?.get('createaccesskey')).toEqual(['CreateAccessKey']);
  });

  it('is undefined for an eventSource that is not exactly <prefix>.amazonaws.com', () => {
    expect(apiNameSpellings('iam')).toBeUndefined();
    expect(apiNameSpellings('foo.iam.amazonaws.com')).toBeUndefined();
    expect(apiNameSpellings('iam.amazonaws.com.example.org')).toBeUndefined();
  });

  it('reads a service once: the same map for each call', () => {
    expect(apiNameSpellings('sts.amazonaws.com')).toBe(apiNameSpellings('sts.amazonaws.com'));
  });
});
