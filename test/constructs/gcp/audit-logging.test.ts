/**
 * GcpAuditLogging on its own, through its public args, under Pulumi's mocks: what a minimal call creates, a
 * log bucket of yours (created nowhere; the sink and its writer grant go to it, its name resolved from other
 * resources), the outputs it registers, and its refusals (the config's, for the existing audit configuration).
 */
import * as organizations from '@pulumi/gcp/organizations';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILTER, GCP_AUDIT_LOGGING_DEFAULTS, GcpAuditLogging, type GcpAuditLoggingArgs } from '../../../constructs/gcp/audit-logging.ts';
import { configSchema } from '../../../core/config/schema.ts';
import { planUnderMocks } from '../../../stacks/pulumi-plan.ts';
import { configErrorOf } from '../../helpers/config.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
/** The one-line refusal, after checking that nothing at all was registered. */
async function refusal(construct: () => unknown): Promise<string> {
  let message = '';
  const registered = await plan(() => (message = configErrorOf(construct)));
  expect(registered).toEqual([]);
  return message;
}

const ORG = '123456789012';
const minimal: GcpAuditLoggingArgs = { organizationId: ORG, logProjectId: 'acme-logs', existingAuditConfigs: [] };

describe('GcpAuditLogging used on its own', () => {
  it('needs the organization, the log project and the existing audit configuration: audit config, org policy, bucket, two sinks and their grants', async () => {
    let logging: GcpAuditLogging | undefined;
    const planned = await plan(() => (logging = new GcpAuditLogging('audit', minimal)));
    expect(inputsOfType(planned, ':IamAuditConfig')).toEqual([{ orgId: ORG, service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }] }]);
    expect(inputsOfType(planned, 'orgpolicy/policy:Policy')).toEqual([
      expect.objectContaining({ name: `organizations/${ORG}/policies/iam.disableAuditLoggingExemption`, parent: `organizations/${ORG}` }),
    ]);
    expect(inputsOfType(planned, ':ProjectBucketConfig')).toEqual([
      expect.objectContaining({ project: 'acme-logs', location: 'global', bucketId: 'guardrails-audit', retentionDays: 400, locked: false }),
    ]);
    expect(inputsOfType(planned, ':OrganizationSink').map((s) => [s['destination'], s['filter']])).toEqual([
      ['logging.googleapis.com/projects/acme-logs/locations/global/buckets/guardrails-audit', AUDIT_LOG_FILTER],
      ['logging.googleapis.com/projects/acme-logs', AUDIT_LOG_FILTER],
    ]);
    expect(inputsOfType(planned, ':IAMMember').map((m) => [m['project'], m['role']])).toEqual([
      ['acme-logs', 'roles/logging.bucketWriter'],
      ['acme-logs', 'roles/logging.logWriter'],
    ]);
    expect(await resolved(logging!.bucketName)).toBe('projects/acme-logs/locations/global/buckets/guardrails-audit');
    expect(await resolved(pulumi.all(logging!.sinkWriterIdentities))).toEqual([
      'serviceAccount:<computed: writer identity of audit-to-bucket>',
      'serviceAccount:<computed: writer identity of audit-to-project>',
    ]);
  });

  it('writes into a bucket of yours in another project, named from other resources, creating none and granting its writer there alone', async () => {
    let logging: GcpAuditLogging | undefined;
    const planned = await plan(() => {
      const archive = new organizations.Project('archive', { projectId: 'acme-archive', name: 'acme-archive', orgId: ORG });
      const alerts = new organizations.Project('alerts', { projectId: 'acme-alerts', name: 'acme-alerts', orgId: ORG });
      logging = new GcpAuditLogging('audit', {
        ...minimal,
        logProjectId: alerts.projectId,
        bucket: { existing: { name: pulumi.interpolate`projects/${archive.projectId}/locations/eu/buckets/audit-7y` } },
      });
    });
    expect(inputsOfType(planned, ':ProjectBucketConfig')).toEqual([]);
    expect(logging!.bucket).toBeUndefined();
    expect(inputsOfType(planned, ':OrganizationSink').map((s) => s['destination'])).toEqual([
      'logging.googleapis.com/projects/acme-archive/locations/eu/buckets/audit-7y',
      'logging.googleapis.com/projects/acme-alerts',
    ]);
    expect(inputsOfType(planned, ':IAMMember')).toContainEqual(
      expect.objectContaining({
        project: 'acme-archive',
        role: 'roles/logging.bucketWriter',
        condition: { title: 'guardrails audit bucket only', expression: 'resource.name.endsWith("locations/eu/buckets/audit-7y")' },
      }),
    );
  });

  it('merges its log types into the existing audit configuration and tunes the bucket it creates', async () => {
    const planned = await plan(
      () =>
        new GcpAuditLogging('audit', {
          ...minimal,
          existingAuditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_WRITE', exemptedMembers: ['user:quiet@example.com'] }] }],
          dataAccessServices: ['storage.googleapis.com'],
          bucket: { args: { location: 'eu', retentionDays: 3650, locked: true } },
        }),
    );
    expect(inputsOfType(planned, ':IamAuditConfig')).toEqual([
      { orgId: ORG, service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_WRITE' }] },
      { orgId: ORG, service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] },
    ]);
    expect(inputsOfType(planned, ':ProjectBucketConfig')).toEqual([expect.objectContaining({ location: 'eu', retentionDays: 3650, locked: true })]);
  });
});

describe('GcpAuditLogging refuses', () => {
  it('to write audit configs without the existing ones, as the config does', async () => {
    const { existingAuditConfigs: _, ...withoutExisting } = minimal;
    expect(await refusal(() => new GcpAuditLogging('audit', withoutExisting as GcpAuditLoggingArgs))).toBe(
      `GcpAuditLogging 'audit' args.existingAuditConfigs: is missing; IamAuditConfig replaces the organization's audit logging for each service it writes (allServices), so the kit must merge with what is there. Run: gcloud organizations get-iam-policy ${ORG} --format=json and paste its auditConfigs list (or [] if there is none).`,
    );
  });

  it('both bringing a bucket and tuning one, or a bucket that is not named as a log bucket', async () => {
    expect(
      await refusal(
        () => new GcpAuditLogging('audit', { ...minimal, bucket: { existing: { name: 'projects/p/locations/global/buckets/b' }, args: { locked: true } } }),
      ),
    ).toBe(
      "GcpAuditLogging 'audit' args.bucket: has both existing and args. Pass existing to use yours, or args to tune the one the component creates, not both.",
    );
    expect(await refusal(() => new GcpAuditLogging('audit', { ...minimal, bucket: { existing: { name: 'audit-7y' } } }))).toBe(
      "GcpAuditLogging 'audit' args.bucket.existing.name: \"audit-7y\" is not a log bucket's resource name. Pass projects/PROJECT/locations/LOCATION/buckets/BUCKET, e.g. bucketConfig.name.",
    );
  });
});

describe('GcpAuditLogging defaults', () => {
  it("are the config's defaults for the same settings", () => {
    const gcp = configSchema.parse({ gcp: { organizationId: ORG, logProjectId: 'acme-logs', adminGroup: { email: 'admins@example.com' } } }).gcp!;
    const d = GCP_AUDIT_LOGGING_DEFAULTS;
    expect([d.dataAccessServices, d.location, d.retentionDays, d.locked]).toEqual([gcp.dataAccessServices, gcp.region, gcp.retentionDays, gcp.lockLogBucket]);
  });
});
