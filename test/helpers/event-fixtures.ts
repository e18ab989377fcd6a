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
