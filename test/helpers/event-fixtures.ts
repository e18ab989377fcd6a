/**
 * The shapes the detection coverage tests share: AWS records kept as fixture files (test/fixtures/events/aws/,
 * one per rule, each record with the vendor page it is written from; see SOURCES.md there), and hand-written
 * positive and negative examples for the Azure and GCP rules.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One CloudTrail record of a fixture file. */
export interface FixtureCase {
  /** What the record shows. */
  readonly note: string;
  /** The vendor page the record's shape is written from. */
  readonly source: string;
  readonly event: Record<string, unknown>;
}

/** A fixture file: the records a rule must match and those it must not. */
export interface EventFixture {
  readonly rule: string;
  readonly positive: readonly FixtureCase[];
  readonly negative: readonly FixtureCase[];
}

const AWS_DIR = new URL('../fixtures/events/aws/', import.meta.url);

/** test/fixtures/events/aws/<rule id>.json. */
export function awsEventFixture(ruleId: string): EventFixture {
  return JSON.parse(readFileSync(new URL(`${ruleId}.json`, AWS_DIR), 'utf8')) as EventFixture;
}

/** Every fixture file of test/fixtures/events/aws/, by file name. */
export function awsEventFixtures(): EventFixture[] {
  return readdirSync(AWS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => awsEventFixture(f.slice(0, -'.json'.length)));
}

/** A hand-written event and why it should (or should not) match. */
export interface Example {
  readonly why: string;
  readonly event: Record<string, unknown>;
}

/** A rule's hand-written examples. */
export interface ExampleCase {
  readonly rule: string;
  /** The vendor pages the events' shape and values are written from. */
  readonly sources: readonly string[];
  readonly positive: readonly Example[];
  readonly negative: readonly Example[];
}

/** The subscription and resource group the Azure examples live in (placeholders). */
export const AZURE_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const RESOURCES = `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/prod-rg/providers`;

/**
 * An AzureActivity row (Azure Monitor Logs reference, "AzureActivity": OperationNameValue, ActivityStatusValue,
 * Caller, Claims_d, ...). Operation names are upper-case in OperationNameValue, as in the Azure-Sentinel export
 * in the corpus; ActivityStatusValue Start / Success / Failure. Claims, where given, are those of the
 * Administrative sample event of "Azure Activity Log event schema", on the ARM audience.
 */
export function azureActivityRow(
  operation: string,
  status: string,
  resource: string,
  { caller = 'adele@contoso.example', claims }: { caller?: string; claims?: Record<string, string> } = {},
): Record<string, unknown> {
  return {
    Type: 'AzureActivity',
    TimeGenerated: '2026-03-02T10:15:00Z',
    CategoryValue: 'Administrative',
    OperationNameValue: operation,
    ActivityStatusValue: status,
    Caller: caller,
    CallerIpAddress: '175.45.176.40',
    ...(claims ? { Claims_d: { aud: 'https://management.core.windows.net/', ...claims } } : {}),
    _ResourceId: `${RESOURCES}/${resource}`.toLowerCase(),
    SubscriptionId: AZURE_SUBSCRIPTION,
  };
}
