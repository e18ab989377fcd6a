/** The log corpus (test/fixtures/corpus, see its SOURCES.md): public log samples with their origin and licence, read-only. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

export interface CorpusFile {
  /** Path relative to the corpus, e.g. aws/trail_tampering.json. */
  readonly name: string;
  readonly events: readonly unknown[];
}

export function corpusFiles(): CorpusFile[] {
  return ['aws', 'azure', 'gcp'].flatMap((cloud) =>
    readdirSync(join(CORPUS_DIR, cloud))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ name: `${cloud}/${f}`, events: JSON.parse(readFileSync(join(CORPUS_DIR, cloud, f), 'utf8')) as unknown[] })),
  );
}

/** A CloudTrail record as EventBridge delivers it (the envelope AWS documents for CloudTrail events). */
export function eventBridgeEnvelope(record: Record<string, unknown>): Record<string, unknown> {
  const detailType =
    record['eventType'] === 'AwsConsoleSignIn'
      ? 'AWS Console Sign In via CloudTrail'
      : record['eventType'] === 'AwsServiceEvent'
        ? 'AWS Service Event via CloudTrail'
        : 'AWS API Call via CloudTrail';
  return {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    'detail-type': detailType,
    source: `aws.${String(record['eventSource'] ?? '').split('.')[0]}`,
    account: record['recipientAccountId'] ?? '111122223333',
    time: record['eventTime'] ?? '2026-01-01T00:00:00Z',
    region: record['awsRegion'] ?? 'us-east-1',
    resources: [],
    detail: record,
  };
}
