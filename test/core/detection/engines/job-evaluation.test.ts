/**
 * A worker's job, evaluated in-process (job-evaluation.ts): what it returns for a block of NDJSON lines and
 * for a whole file, in the encoding parallel-engine.ts reads back. The end-to-end agreement with one thread
 * is parallel-engine.test.ts; this pins each field of the result, line and record numbers local to the block.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bindRules, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { jobEvaluator, type WorkerSetup } from '../../../../core/detection/engines/job-evaluation.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'guardrails-job-evaluation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rule = (id: string, eventName: string): CatalogRule =>
  bindRules([inlineRule({ selection: { eventName }, condition: 'selection' }, undefined, { id })], exampleModel())[0]!;
const spec = ({ rule, expr }: CatalogRule) => ({ rule, expr });
const event = (eventName: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ eventVersion: '1.08', eventSource: 'cloudtrail.amazonaws.com', eventName, ...extra });

function evaluator(overrides: Partial<WorkerSetup> = {}) {
  return jobEvaluator({
    rules: [rule('test-stop', 'StopLogging'), rule('test-delete', 'DeleteTrail')].map(spec),
    bases: [rule('test-base', 'DeleteTrail')].map(spec),
    limits: {},
    maxLine: 1000,
    ...overrides,
  });
}

const block = (lines: string[]) => new Uint8Array(Buffer.from(lines.join('\n')));

describe('jobEvaluator: a block of NDJSON lines', () => {
  it('returns each hit as [base, slot, index, counts records], bases first, and the events of the base hits', async () => {
    const found = await evaluator()({ id: 0, kind: 'block', file: 'f.ndjson', block: block([event('StopLogging'), event('DeleteTrail'), event('Other')]) });
    expect(found.hits).toEqual([0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1]);
    expect(found.sourced).toEqual([{ product: 'aws', service: 'cloudtrail', event: JSON.parse(event('DeleteTrail')) }]);
    expect({ events: found.events, unrecognised: found.unrecognised, lines: found.lines, records: found.records }).toEqual({
      events: 3,
      unrecognised: 0,
      lines: 3,
      records: 3,
    });
  });

  it("numbers lines and records from the block's start: blank lines are lines, not records; a CloudTrail-file line's records keep their Records position", async () => {
    const lines = ['', event('Other'), '  ', JSON.stringify({ Records: [{ x: 1 }, JSON.parse(event('StopLogging'))] }), event('StopLogging'), ''];
    const found = await evaluator()({ id: 0, kind: 'block', file: 'f.ndjson', block: block(lines) });
    // The CloudTrail file's second record (index 1 in Records, not counted in records), then record 2.
    expect(found.hits).toEqual([0, 0, 1, 0, 0, 0, 2, 1]);
    expect({ events: found.events, unrecognised: found.unrecognised, lines: found.lines, records: found.records }).toEqual({
      events: 4,
      unrecognised: 1,
      lines: 5,
      records: 3,
    });
  });

  it('reports a malformed line and a line over the cap at their line in the block; both keep their place in the records', async () => {
    const lines = [event('Other'), '{"eventName": oops', event('Other', { padding: 'x'.repeat(1000) }), event('StopLogging')];
    const found = await evaluator()({ id: 0, kind: 'block', file: 'f.ndjson', block: block(lines) });
    expect(found.malformed).toEqual([
      { file: 'f.ndjson', line: 2, problem: expect.stringMatching(/JSON/) },
      { file: 'f.ndjson', line: 3, problem: 'line longer than 1000 bytes, not read', tooLong: true },
    ]);
    expect(found.hits).toEqual([0, 0, 3, 1]);
    expect(found.records).toBe(4);
  });

  it('reads a block given as a view into a larger buffer (a transferred block) from its own bytes only', async () => {
    const bytes = Buffer.from(`${event('DeleteTrail')}\n${event('StopLogging')}\n${event('DeleteTrail')}`);
    const first = bytes.indexOf(10) + 1;
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + first, bytes.lastIndexOf(10) - first);
    const found = await evaluator()({ id: 0, kind: 'block', file: 'f.ndjson', block: view });
    expect(found.hits).toEqual([0, 0, 0, 1]);
    expect(found.lines).toBe(1);
  });
});

describe('jobEvaluator: a whole file', () => {
  it('reads the file itself: absolute indexes, the bytes read, no problem', async () => {
    const text = JSON.stringify({ Records: [JSON.parse(event('Other')), JSON.parse(event('StopLogging'))] });
    const file = join(dir, 'trail.json');
    writeFileSync(file, text);
    const found = await evaluator()({ id: 0, kind: 'file', file });
    expect(found.hits).toEqual([0, 0, 1, 0]);
    expect(found.bytes).toBe(Buffer.byteLength(text));
    expect(found.problem).toBeUndefined();
    expect(found.events).toBe(2);
  });

  it('returns the problem that stopped the file, with the events read before it, under its limits', async () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, `[\n${event('StopLogging')}\n]\n`);
    const found = await evaluator({ limits: { maxDocumentBytes: 10 } })({ id: 0, kind: 'file', file });
    expect(found.problem).toEqual({ file, problem: expect.stringMatching(/^JSON document larger than 10 bytes, not read/), eventsRead: 0 });
    expect(found.hits).toEqual([]);
  });
});

describe('jobEvaluator: an event of a log source no rule is for', () => {
  it('counts it as read and recognised, with no hit', async () => {
    const gcp = JSON.stringify({
      protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', methodName: 'x' },
      logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
    });
    const found = await evaluator()({ id: 0, kind: 'block', file: 'f.ndjson', block: block([gcp]) });
    expect({ events: found.events, unrecognised: found.unrecognised, hits: found.hits }).toEqual({ events: 1, unrecognised: 0, hits: [] });
  });
});
