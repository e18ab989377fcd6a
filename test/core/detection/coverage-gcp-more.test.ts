/**
 * Issue 14, GCP, Stratus Red Team techniques the CLI rule alone saw: GPU VMs created (gcp.impact.create-gpu-vm),
 * compute images, disks and snapshots shared outside (gcp.exfiltration.share-compute-*) and Cloud DNS logging
 * policies deleted or changed (gcp.defense-evasion.delete-dns-logs). Each rule is held to hand-written Cloud Audit
 * Logs entries in the shape Google documents (the pages are named beside each case), positive and negative,
 * judged twice: by the catalog rule (`loadCatalog`, what `guardrails detect` runs, after shape detection) and by
 * the independent Cloud Logging evaluator (gcp-query-evaluator.ts) over the query the rule deploys. Identifiers are
 * placeholders: contoso.example users, the prod-app-1 project; callers come from 175.45.176.0/24.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import type { ExampleCase } from '../../helpers/event-fixtures.ts';

const GCLOUD = 'google-cloud-sdk gcloud/520.0.0 command/gcloud.compute.instances.create invocation-id/0 environment/None client-os/LINUX';
const DENIED = { status: { code: 7, message: 'Required permission denied' } };

/** A Cloud Audit Logs entry ("Cloud Audit Logs overview: audit log entry structure"; AuditLog reference). */
function auditEntry(resource: Record<string, unknown>, payload: Record<string, unknown>, entry: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    logName: 'projects/prod-app-1/logs/cloudaudit.googleapis.com%2Factivity',
    resource,
    timestamp: '2026-03-02T10:15:00Z',
    severity: 'NOTICE',
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: 'adele@contoso.example' },
      requestMetadata: { callerIp: '175.45.176.60', callerSuppliedUserAgent: GCLOUD },
      ...payload,
    },
    ...entry,
  };
}

const GCE_INSTANCE = { type: 'gce_instance', labels: { project_id: 'prod-app-1', zone: 'europe-west1-b', instance_id: '4567890123456789012' } };

/**
 * The first entry of a Compute Engine instances.insert operation: the request is the instance resource under the
 * insert's own @type (IAM's "Examples of logs for service accounts" shows request.serviceAccounts there), with
 * machineType as a zonal URL and guestAccelerators[].acceleratorType/acceleratorCount as instances.insert takes
 * them; the operation's last entry carries only the @type.
 */
function insert(method: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}, last = false): Record<string, unknown> {
  return auditEntry(
    GCE_INSTANCE,
    {
      serviceName: 'compute.googleapis.com',
      methodName: method,
      resourceName: 'projects/prod-app-1/zones/europe-west1-b/instances/miner-1',
      request: last
        ? { '@type': 'type.googleapis.com/compute.instances.insert' }
        : { '@type': 'type.googleapis.com/compute.instances.insert', name: 'miner-1', ...body },
      ...extra,
    },
    { operation: { id: 'operation-1', producer: 'compute.googleapis.com', ...(last ? { last: true } : { first: true }) } },
  );
}

const machineType = (type: string) => `projects/prod-app-1/zones/europe-west1-b/machineTypes/${type}`;
const T4 = [{ acceleratorType: 'projects/prod-app-1/zones/europe-west1-b/acceleratorTypes/nvidia-tesla-t4', acceleratorCount: 1 }];

/** A compute <kind>.setIamPolicy entry as Stratus Red Team's share-compute-image page shows it (request.policy.bindings[].members). */
function setIamPolicy(
  kind: string,
  members: readonly string[],
  extra: Record<string, unknown> = {},
  method = `v1.compute.${kind}.setIamPolicy`,
): Record<string, unknown> {
  const where = kind === 'disks' ? 'zones/europe-west1-b' : 'global';
  return auditEntry(
    { type: kind === 'images' ? 'gce_image' : kind === 'disks' ? 'gce_disk' : 'gce_snapshot', labels: { project_id: 'prod-app-1' } },
    {
      serviceName: 'compute.googleapis.com',
      methodName: method,
      resourceName: `projects/prod-app-1/${where}/${kind}/golden-1`,
      request: {
        '@type': `type.googleapis.com/compute.${kind}.setIamPolicy`,
        policy: { version: '3', bindings: [{ role: 'roles/compute.imageUser', members }] },
      },
      ...extra,
    },
  );
}

/** A Cloud DNS Admin Activity entry (service dns.googleapis.com, methods as "Cloud DNS audit logging information" lists them). */
function dnsPolicy(method: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return auditEntry(
    { type: 'dns_policy', labels: { project_id: 'prod-app-1' } },
    { serviceName: 'dns.googleapis.com', methodName: method, resourceName: 'projects/prod-app-1/policies/dns-logging', ...extra },
  );
}

const CASES: readonly ExampleCase[] = [
  {
    rule: 'gcp-gpu-vm-created',
    sources: [
      'https://stratus-red-team.cloud/attack-techniques/GCP/gcp.impact.create-gpu-vm/',
      'https://cloud.google.com/iam/docs/audit-logging/examples-service-accounts',
      'https://cloud.google.com/compute/docs/reference/rest/v1/instances/insert',
      'https://cloud.google.com/compute/docs/accelerator-optimized-machines',
    ],
    positive: [
      {
        why: 'an N1 VM with an nvidia-tesla-t4 attached (the Stratus detonation)',
        event: insert('v1.compute.instances.insert', { machineType: machineType('n1-standard-4'), guestAccelerators: T4 }),
      },
      {
        why: 'an A2 accelerator-optimized VM, GPUs implied by the machine type (beta API)',
        event: insert('beta.compute.instances.insert', { machineType: machineType('a2-highgpu-1g') }),
      },
      { why: 'a G2 VM refused for want of GPU quota', event: insert('v1.compute.instances.insert', { machineType: machineType('g2-standard-4') }, DENIED) },
    ],
    negative: [
      { why: 'an ordinary N2 VM', event: insert('v1.compute.instances.insert', { machineType: machineType('n2-standard-4') }) },
      {
        why: 'an N2 VM in a project whose id starts with a2- (the family is read after machineTypes/)',
        event: insert('v1.compute.instances.insert', { machineType: 'projects/a2-lab/zones/europe-west1-b/machineTypes/n2-standard-4' }),
      },
      { why: 'the last entry of the GPU insert operation (request body not repeated)', event: insert('v1.compute.instances.insert', {}, {}, true) },
      {
        why: 'GPUs attached to an existing VM (setMachineResources, not an insert)',
        event: insert('v1.compute.instances.setMachineResources', { guestAccelerators: T4 }),
      },
    ],
  },
  {
    rule: 'gcp-compute-image-disk-snapshot-shared-publicly',
    sources: [
      'https://stratus-red-team.cloud/attack-techniques/GCP/gcp.exfiltration.share-compute-image/',
      'https://cloud.google.com/compute/docs/logging/audit-logging',
      'https://cloud.Google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.Binding',
    ],
    positive: [
      { why: 'an image shared with allAuthenticatedUsers', event: setIamPolicy('images', ['allAuthenticatedUsers']) },
      { why: 'a snapshot made public (allUsers)', event: setIamPolicy('snapshots', ['group:platform@contoso.example', 'allUsers']) },
      { why: 'a disk shared with a gmail.com account (the Stratus detonation)', event: setIamPolicy('disks', ['user:stratusredteam@gmail.com']) },
    ],
    negative: [
      { why: 'an image shared with a group of the organization', event: setIamPolicy('images', ['group:platform@contoso.example']) },
      { why: 'a public grant refused', event: setIamPolicy('images', ['allUsers'], DENIED) },
      {
        why: 'allUsers on another service (a bucket policy through Cloud Storage)',
        event: setIamPolicy('images', ['allUsers'], { serviceName: 'storage.googleapis.com' }, 'storage.setIamPermissions'),
      },
      { why: 'the image read, not shared (getIamPolicy)', event: setIamPolicy('images', ['allUsers'], {}, 'v1.compute.images.getIamPolicy') },
    ],
  },
  {
    rule: 'gcp-dns-logging-policy-deleted-or-changed',
    sources: [
      'https://stratus-red-team.cloud/attack-techniques/GCP/gcp.defense-evasion.delete-dns-logs/',
      'https://docs.cloud.google.com/dns/docs/audit-logging',
    ],
    positive: [
      { why: 'the logging policy deleted (the Stratus detonation)', event: dnsPolicy('dns.policies.delete') },
      { why: 'the policy patched (logging may be turned off)', event: dnsPolicy('dns.policies.patch') },
    ],
    negative: [
      { why: 'a policy created', event: dnsPolicy('dns.policies.create') },
      { why: 'a delete refused', event: dnsPolicy('dns.policies.delete', DENIED) },
      { why: 'a managed zone deleted', event: dnsPolicy('dns.managedZones.delete') },
    ],
  },
];

const catalog = loadCatalog(exampleModel());

describe.each(CASES.map((c) => [c.rule, c] as const))('%s', (id, c) => {
  const r = catalog.find((rule) => rule.rule.id === id)!;
  const deployed = compileGcpQuery(compileRule(r, 'gcp') as string);
  const judge = (event: Record<string, unknown>) => {
    const sourced = detectSource(event);
    expect(sourced && `${sourced.product}/${sourced.service}`).toBe('gcp/gcp.audit');
    return [r.matches(sourced!.event), deployed(event)];
  };

  it('is in the catalog, deployed to Cloud Logging only, citing vendor pages', () => {
    expect(r, `${id} is in the catalog`).toBeDefined();
    expect(r.rule.targets).toEqual(['gcp']);
    expect(r.rule.references.filter((u) => !u.startsWith('https://attack.mitre.org/')).length).toBeGreaterThan(0);
    expect(c.sources.length).toBeGreaterThan(0);
  });

  it.each(c.positive.map((e) => [e.why, e] as const))('fires: %s', (_why, e) => {
    expect(judge(e.event), 'rule, gcp query').toEqual([true, true]);
  });

  it.each(c.negative.map((e) => [e.why, e] as const))('stays quiet: %s', (_why, e) => {
    expect(judge(e.event), 'rule, gcp query').toEqual([false, false]);
  });
});
