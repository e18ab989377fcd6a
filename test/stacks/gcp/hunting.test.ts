/**
 * gcp.hunting planned under Pulumi's mocks: the audit-log bucket upgraded to Log Analytics and a BigQuery
 * dataset linked to it (Pulumi registry: gcp.logging.ProjectBucketConfig enableAnalytics,
 * gcp.logging.LinkedDataset), the bucket lock kept, and nothing of it without the block.
 */
import { describe, expect, it } from 'vitest';
import { GcpHunting } from '../../../constructs/gcp/hunting.ts';
import { gcpProgram } from '../../../stacks/gcp/program.ts';
import { planUnderMocks, type PlannedResource } from '../../../stacks/pulumi-plan.ts';
import { configErrorOf, exampleModel, type Editable } from '../../helpers/config.ts';
import { inputsOfType, planProgram } from '../../helpers/pulumi-plan.ts';

const plan = (edit?: (c: Editable) => void) => planProgram(gcpProgram, exampleModel(edit));
const one = (resources: PlannedResource[], suffix: string) => {
  const found = inputsOfType(resources, suffix);
  expect(found, suffix).toHaveLength(1);
  return found[0]!;
};

const without = await plan();
const withHunting = await plan((c) => (c.gcp.hunting = { enabled: true }));

describe('gcp.hunting', () => {
  it('upgrades the audit-log bucket to Log Analytics, and only with the block', () => {
    expect(one(withHunting, ':ProjectBucketConfig')).toMatchObject({ bucketId: 'guardrails-audit', enableAnalytics: true, locked: false, retentionDays: 400 });
    expect(one(without, ':ProjectBucketConfig')).not.toHaveProperty('enableAnalytics');
    expect(inputsOfType(without, ':LinkedDataset')).toEqual([]);
  });

  it('links a BigQuery dataset to that bucket, in the log project and its location', async () => {
    expect(one(withHunting, ':LinkedDataset')).toEqual({
      linkId: 'guardrails_audit',
      bucket: 'guardrails-audit',
      parent: 'projects/guardrails-logs',
      location: 'global',
      description: 'cloud-api-guardrails: the organization audit logs, read in place by BigQuery for hunting',
    });
    const custom = await plan((c) => {
      c.gcp.region = 'europe-west1';
      c.gcp.hunting = { linkedDatasetId: 'soc_audit' };
    });
    expect(one(custom, ':LinkedDataset')).toMatchObject({ linkId: 'soc_audit', location: 'europe-west1' });
    expect(one(custom, ':ProjectBucketConfig')).toMatchObject({ location: 'europe-west1', enableAnalytics: true });
  });

  it('keeps the lock when both are set: one bucket update, in which the provider enables analytics before the lock', async () => {
    const locked = await plan((c) => {
      c.gcp.lockLogBucket = true;
      c.gcp.hunting = {};
    });
    expect(one(locked, ':ProjectBucketConfig')).toMatchObject({ locked: true, enableAnalytics: true });
    expect(inputsOfType(locked, ':LinkedDataset')).toHaveLength(1);
  });

  it('deploys nothing of it with enabled: false', async () => {
    const off = await plan((c) => (c.gcp.hunting = { enabled: false, linkedDatasetId: 'kept' }));
    expect(off).toEqual(without);
  });

  it('refuses a bad link id when used on its own, before registering anything', async () => {
    let message = '';
    const registered = await planUnderMocks('guardrails-components', 'test', () => {
      message = configErrorOf(() => new GcpHunting('h', { project: 'guardrails-logs', location: 'global', bucketId: 'b', linkId: 'has-hyphen' }));
    });
    expect(message).toBe(`GcpHunting 'h' args.linkId: "has-hyphen" is not a linked dataset id. Use 1-100 letters, digits or underscores.`);
    expect(registered).toEqual([]);
  });
});
