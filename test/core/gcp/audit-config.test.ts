/**
 * mergeAuditConfigs (core/gcp/audit-config.ts): each service the kit writes gets the union of the kit's log
 * types and the existing ones for that same service, and says which came from the existing configuration only.
 */
import { describe, expect, it } from 'vitest';
import { mergeAuditConfigs } from '../../../core/gcp/audit-config.ts';

describe('mergeAuditConfigs', () => {
  it('merges each service with the existing config of that service only, and reports what was kept from it', () => {
    const merged = mergeAuditConfigs(
      ['storage.googleapis.com'],
      [
        { service: 'allServices', auditLogConfigs: [{ logType: 'DATA_WRITE' }, { logType: 'ADMIN_READ' }] },
        { service: 'bigquery.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:a@example.com'] }] },
      ],
    );
    expect(merged).toEqual([
      // ADMIN_READ is the kit's own, so only DATA_WRITE is kept from the existing configuration.
      { service: 'allServices', logTypes: ['ADMIN_READ', 'DATA_WRITE'], keptFromExisting: ['DATA_WRITE'] },
      { service: 'storage.googleapis.com', logTypes: ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'], keptFromExisting: [] },
    ]);
  });

  it('keeps nothing from the existing configuration when it adds nothing to the kit', () => {
    expect(mergeAuditConfigs([], [])).toEqual([{ service: 'allServices', logTypes: ['ADMIN_READ'], keptFromExisting: [] }]);
  });
});
