/** The deny-supported permission list (core/gcp/deny-permissions.ts), as data: each entry in Google's v2 form, from Google's page. */
import { describe, expect, it } from 'vitest';
import { DENY_PERMISSIONS_SOURCE, DENY_SUPPORTED_PERMISSIONS, isDenySupported } from '../../../core/gcp/deny-permissions.ts';

describe('deny-supported permissions', () => {
  it('cites a Google Cloud page', () => {
    expect(DENY_PERMISSIONS_SOURCE).toMatch(/^https:\/\/cloud\.google\.com\/iam\/docs\//);
  });

  it('lists every permission in the form SERVICE_FQDN/RESOURCE.VERB, each one supported', () => {
    const all = Object.values(DENY_SUPPORTED_PERMISSIONS).flat();
    expect(all.filter((p) => !/^[a-z]+\.googleapis\.com\/[a-zA-Z]+\.[a-zA-Z]+$/.test(p))).toEqual([]);
    expect(all.filter((p) => !isDenySupported(p))).toEqual([]);
    expect(isDenySupported('iam.googleapis.com/denypolicies.update')).toBe(false);
    expect(isDenySupported('')).toBe(false);
  });
});
