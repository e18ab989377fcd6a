/**
 * The Stratus Red Team measure (bench/stratus-coverage.ts, issue 14): its data is what the pages say, in the
 * shape the measure reads, its records reach the log source they stand for, and the share of techniques
 * covered is pinned at what was measured (bench/stratus-coverage.md has the per-technique table): the floors
 * may rise, never drop.
 */
import { describe, expect, it } from 'vitest';
import {
  eventName,
  loadStratusTechniques,
  measureStratusCoverage,
  PLATFORMS,
  recordsFor,
  type DocumentedEvent,
  type Platform,
} from '../../../bench/stratus-coverage.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';

/** Measured when the data was copied (bench/stratus-coverage.md); raise them when rules cover more. */
const COVERED_FLOOR = 85;
const COVERED_WITH_STRATUS_AGENT_FLOOR = 47;

const techniques = loadStratusTechniques();
const FOLDER: Readonly<Record<Platform, string>> = { AWS: 'AWS', Azure: 'azure', 'Entra ID': 'entra-id', GCP: 'GCP' };
const PREFIX: Readonly<Record<Platform, string>> = { AWS: 'aws', Azure: 'azure', 'Entra ID': 'entra-id', GCP: 'gcp' };

/** The log source a documented event's record must reach (undefined: a log no rule's source reads). */
function expectedSource(e: DocumentedEvent): string | undefined {
  if ('eventName' in e) return 'aws/cloudtrail';
  if ('methodName' in e) return 'gcp/gcp.audit';
  return { AzureActivity: 'azure/azureactivity', AuditLogs: 'azure/auditlogs', ResourceLog: undefined }[e.log];
}

describe('Stratus Red Team techniques (test/fixtures/stratus/techniques.json)', () => {
  it('has each technique once, with its page and the commit it was read at', () => {
    expect(techniques.length).toBeGreaterThan(0);
    expect(new Set(techniques.map((t) => t.id)).size).toBe(techniques.length);
    for (const t of techniques) {
      expect(PLATFORMS, t.id).toContain(t.platform);
      expect(t.id.startsWith(`${PREFIX[t.platform]}.`), t.id).toBe(true);
      expect(t.title.trim(), t.id).not.toBe('');
      expect(t.source, t.id).toBe(`docs/attack-techniques/${FOLDER[t.platform]}/${t.id}.md`);
      expect(t.commit, t.id).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('names every event as the logs spell it, and says why when a page names none', () => {
    for (const t of techniques) {
      if (t.events.length === 0) expect(t.note, `${t.id} names no event: say so in its note`).toBeTruthy();
      for (const e of t.events) {
        expect(eventName(e).trim(), t.id).not.toBe('');
        expect(e.documentedIn.length, t.id).toBeGreaterThan(0);
        if ('eventName' in e) expect(e.eventSource, t.id).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
        if ('methodName' in e) expect(e.serviceName, t.id).toMatch(/^[a-z0-9-]+\.googleapis\.com$/);
        expect(t.platform === 'AWS', `${t.id}: a CloudTrail event on an AWS technique only`).toBe('eventName' in e);
        expect(t.platform === 'GCP', `${t.id}: an audit-log method on a GCP technique only`).toBe('methodName' in e);
      }
    }
  });

  it('builds records that reach the log source each event stands for', () => {
    for (const t of techniques)
      for (const e of t.events)
        for (const { record } of recordsFor(e, 0)) {
          const sourced = detectSource(record);
          expect(sourced ? `${sourced.product}/${sourced.service}` : undefined, `${t.id} ${eventName(e)}`).toBe(expectedSource(e));
        }
  });
});

describe('the share of Stratus Red Team techniques a rule covers', () => {
  const c = measureStratusCoverage(techniques);
  const outcome = (id: string) => c.outcomes.find((o) => o.technique.id === id)!;

  it('counts every technique once, per platform and in all', () => {
    expect(c.total.techniques).toBe(techniques.length);
    expect(PLATFORMS.reduce((sum, p) => sum + c.byPlatform[p].techniques, 0)).toBe(techniques.length);
    expect(c.total.coveredWithStratusAgent).toBeLessThanOrEqual(c.total.covered);
    expect(c.total.covered).toBeLessThanOrEqual(c.total.withEvents);
  });

  it('sees what the catalog plainly watches, and nothing in logs it does not read', () => {
    expect(outcome('aws.defense-evasion.cloudtrail-stop').events[0]!.rules.map((r) => r.id)).toContain('aws-cloudtrail-tampering');
    expect(outcome('aws.defense-evasion.cloudtrail-stop').coveredWithStratusAgent).toBe(true);
    expect(outcome('gcp.defense-evasion.delete-logging-sink').coveredWithStratusAgent).toBe(true);
    expect(outcome('azure.impact.resource-lock').coveredWithStratusAgent).toBe(true);
    const blobDeletion = outcome('azure.impact.blob-ransomware-individual-file-deletion');
    expect(blobDeletion.events.every((e) => e.logSource === undefined && e.rules.length === 0)).toBe(true);
    expect(outcome('aws.defense-evasion.cloudtrail-lifecycle-rule').covered).toBe(false);
  });

  it('covers at least what was measured (floors that may rise, never drop)', () => {
    expect(c.total.covered).toBeGreaterThanOrEqual(COVERED_FLOOR);
    expect(c.total.coveredWithStratusAgent).toBeGreaterThanOrEqual(COVERED_WITH_STRATUS_AGENT_FLOOR);
  });
});
